//! Working days and deadlines. Processing times of administrative procedures are counted in
//! working days (ngày làm việc): Saturdays, Sundays and the public holidays of the Labour Code
//! 2019 (Điều 112) are skipped, with the days off and make-up working Saturdays that the
//! Government announces each year for public servants. This module owns that table (2024–2027),
//! the deadline arithmetic, the "received after 15:00" rule, and ISO `YYYY-MM-DD` dates on the
//! wire.
//!
//! Sources of the table (stored copies of public pages, checked 2025–2026):
//! - 2024: Tết 08–14/02 (sucsongtre.vn, citing the MOLISA notice); 30/4–1/5: off Sat 27/4 to
//!   Wed 1/5, Monday 29/4 swapped with a make-up Saturday 04/5 (brotherhoodcharters.com quoting
//!   the Prime Minister's decision); Quốc khánh 31/8–3/9 (holidays Mon 2/9 and Tue 3/9).
//!   Giỗ Tổ 10/3 lunar = Thu 18/4/2024.
//! - 2025: tet-amlich.com "Các ngày nghỉ lễ 2025": Tết 25/1–2/2 (weekdays 27–31/1); Giỗ Tổ Mon
//!   7/4; 30/4–4/5 with Fri 2/5 swapped for make-up Saturday 26/4; Quốc khánh 30/8–2/9 (holidays
//!   Mon 1/9, Tue 2/9).
//! - 2026: Tết Dương lịch 1/1–4/1, Fri 2/1 swapped for make-up Saturday 10/1 (24h.com.vn,
//!   25/12/2025); Tết 14–22/2, weekdays 16–20/2 (Thông báo 9441/TB-BNV of 16/10/2025, via
//!   vietbao.vn); Quốc khánh: holidays 1/9 and 2/9, Mon 31/8 swapped for make-up Saturday 22/8
//!   (same notice, via baohaiphong.vn); Giỗ Tổ falls on Sun 26/4 and is compensated on Mon 27/4
//!   (thanhnien.vn, 23/02/2026); 30/4 and 1/5 are Thursday and Friday.
//! - 2027: NOT announced when this was written. Computed: Tết (1/1 lunar) = Sat 06/02/2027 and
//!   10/3 lunar = Fri 16/04/2027, from the astronomical new moons at UTC+7 (the algorithm of the
//!   Vietnamese lunar calendar; the same computation reproduces Tết 2024–2026 and Giỗ Tổ
//!   2024–2026 above). The five Tết days are assumed to be the day before Tết plus the first
//!   four days (Fri 5/2 – Tue 9/2), with Sat 6/2 and Sun 7/2 compensated on Wed 10/2 and Thu
//!   11/2 (Labour Code Điều 111 khoản 3); 1/5 (Saturday) is compensated on Mon 3/5; the day
//!   adjacent to 2/9 (Thursday) is assumed to be Fri 3/9. Replace with the official notice.
//!
//! Years outside the table get weekends and the fixed solar holidays (1/1, 30/4, 1/5, 2/9) only;
//! [`covers_year`] says whether a year is fully known.

use serde::{Deserialize, Deserializer, Serializer};
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

use crate::validation::FieldError;

/// A weekday on which public offices are closed, with its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub name_vi: &'static str,
}

const fn d(year: i32, month: Month, day: u8) -> Date {
    match Date::from_calendar_date(year, month, day) {
        Ok(date) => date,
        Err(_) => panic!("invalid date in the holiday table"),
    }
}

use Month::{April, August, February, January, May, September};

const TET_DL: &str = "Tết Dương lịch";
const TET_ND: &str = "Tết Nguyên đán";
const GIO_TO: &str = "Giỗ Tổ Hùng Vương (10/3 âm lịch)";
const GIO_TO_BU: &str = "Nghỉ bù Giỗ Tổ Hùng Vương";
const THONG_NHAT: &str = "Ngày Chiến thắng 30/4";
const LAO_DONG: &str = "Ngày Quốc tế Lao động 1/5";
const QUOC_KHANH: &str = "Quốc khánh 2/9";
const HOAN_DOI: &str = "Nghỉ hoán đổi (đã làm bù vào thứ Bảy)";
const NGHI_BU: &str = "Nghỉ bù ngày lễ trùng ngày nghỉ hằng tuần";

/// Weekdays off (Monday–Friday only: weekends are skipped anyway).
const HOLIDAYS: &[Holiday] = &[
    // 2024
    Holiday { date: d(2024, January, 1), name_vi: TET_DL },
    Holiday { date: d(2024, February, 8), name_vi: TET_ND },
    Holiday { date: d(2024, February, 9), name_vi: TET_ND },
    Holiday { date: d(2024, February, 12), name_vi: TET_ND },
    Holiday { date: d(2024, February, 13), name_vi: TET_ND },
    Holiday { date: d(2024, February, 14), name_vi: TET_ND },
    Holiday { date: d(2024, April, 18), name_vi: GIO_TO },
    Holiday { date: d(2024, April, 29), name_vi: HOAN_DOI },
    Holiday { date: d(2024, April, 30), name_vi: THONG_NHAT },
    Holiday { date: d(2024, May, 1), name_vi: LAO_DONG },
    Holiday { date: d(2024, September, 2), name_vi: QUOC_KHANH },
    Holiday { date: d(2024, September, 3), name_vi: QUOC_KHANH },
    // 2025
    Holiday { date: d(2025, January, 1), name_vi: TET_DL },
    Holiday { date: d(2025, January, 27), name_vi: TET_ND },
    Holiday { date: d(2025, January, 28), name_vi: TET_ND },
    Holiday { date: d(2025, January, 29), name_vi: TET_ND },
    Holiday { date: d(2025, January, 30), name_vi: TET_ND },
    Holiday { date: d(2025, January, 31), name_vi: TET_ND },
    Holiday { date: d(2025, April, 7), name_vi: GIO_TO },
    Holiday { date: d(2025, April, 30), name_vi: THONG_NHAT },
    Holiday { date: d(2025, May, 1), name_vi: LAO_DONG },
    Holiday { date: d(2025, May, 2), name_vi: HOAN_DOI },
    Holiday { date: d(2025, September, 1), name_vi: QUOC_KHANH },
    Holiday { date: d(2025, September, 2), name_vi: QUOC_KHANH },
    // 2026
    Holiday { date: d(2026, January, 1), name_vi: TET_DL },
    Holiday { date: d(2026, January, 2), name_vi: HOAN_DOI },
    Holiday { date: d(2026, February, 16), name_vi: TET_ND },
    Holiday { date: d(2026, February, 17), name_vi: TET_ND },
    Holiday { date: d(2026, February, 18), name_vi: TET_ND },
    Holiday { date: d(2026, February, 19), name_vi: TET_ND },
    Holiday { date: d(2026, February, 20), name_vi: TET_ND },
    Holiday { date: d(2026, April, 27), name_vi: GIO_TO_BU },
    Holiday { date: d(2026, April, 30), name_vi: THONG_NHAT },
    Holiday { date: d(2026, May, 1), name_vi: LAO_DONG },
    Holiday { date: d(2026, August, 31), name_vi: HOAN_DOI },
    Holiday { date: d(2026, September, 1), name_vi: QUOC_KHANH },
    Holiday { date: d(2026, September, 2), name_vi: QUOC_KHANH },
    // 2027 (computed, see the module comment)
    Holiday { date: d(2027, January, 1), name_vi: TET_DL },
    Holiday { date: d(2027, February, 5), name_vi: TET_ND },
    Holiday { date: d(2027, February, 8), name_vi: TET_ND },
    Holiday { date: d(2027, February, 9), name_vi: TET_ND },
    Holiday { date: d(2027, February, 10), name_vi: NGHI_BU },
    Holiday { date: d(2027, February, 11), name_vi: NGHI_BU },
    Holiday { date: d(2027, April, 16), name_vi: GIO_TO },
    Holiday { date: d(2027, April, 30), name_vi: THONG_NHAT },
    Holiday { date: d(2027, May, 3), name_vi: NGHI_BU },
    Holiday { date: d(2027, September, 2), name_vi: QUOC_KHANH },
    Holiday { date: d(2027, September, 3), name_vi: QUOC_KHANH },
];

/// Saturdays worked to make up a swapped weekday (ngày làm bù).
const MAKE_UP_SATURDAYS: &[Date] = &[
    d(2024, May, 4),
    d(2025, April, 26),
    d(2026, January, 10),
    d(2026, August, 22),
];

pub const FIRST_COVERED_YEAR: i32 = 2024;
pub const LAST_COVERED_YEAR: i32 = 2027;

/// True when the holiday table knows every day off of `year` (lunar holidays included).
pub fn covers_year(year: i32) -> bool {
    (FIRST_COVERED_YEAR..=LAST_COVERED_YEAR).contains(&year)
}

/// The holiday on `date`, if it is a weekday off.
pub fn holiday(date: Date) -> Option<Holiday> {
    if let Some(h) = HOLIDAYS.iter().find(|h| h.date == date) {
        return Some(*h);
    }
    if covers_year(date.year()) || is_weekend(date) {
        return None;
    }
    // Outside the table: only the fixed solar holidays are certain.
    let name_vi = match (date.month(), date.day()) {
        (January, 1) => TET_DL,
        (April, 30) => THONG_NHAT,
        (May, 1) => LAO_DONG,
        (September, 2) => QUOC_KHANH,
        _ => return None,
    };
    Some(Holiday { date, name_vi })
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

pub fn is_working_day(date: Date) -> bool {
    if MAKE_UP_SATURDAYS.contains(&date) {
        return true;
    }
    !is_weekend(date) && holiday(date).is_none()
}

/// The first working day strictly after `date`.
pub fn next_working_day(date: Date) -> Date {
    let mut day = date;
    loop {
        day = day.next_day().expect("dates stay far from the calendar's end");
        if is_working_day(day) {
            return day;
        }
    }
}

/// The `n`-th working day after `start` (`start` itself not counted; `n = 0` gives `start`).
pub fn add_working_days(start: Date, n: u32) -> Date {
    (0..n).fold(start, |day, _| next_working_day(day))
}

/// Working days strictly after `from` up to and including `to` (0 when `to <= from`).
pub fn working_days_between(from: Date, to: Date) -> u32 {
    let mut count = 0;
    let mut day = from;
    while day < to {
        day = day.next_day().expect("dates stay far from the calendar's end");
        if is_working_day(day) {
            count += 1;
        }
    }
    count
}

/// After this hour a dossier received at the counter counts from the next working day
/// ("nếu nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo", national portal, S-P1).
pub const CUTOFF: Time = match Time::from_hms(15, 0, 0) {
    Ok(t) => t,
    Err(_) => panic!("valid time"),
};

/// The day from which processing time counts: the reception day itself when it is a working
/// day and the dossier came in before 15:00, otherwise the next working day.
pub fn counting_start(received_local: PrimitiveDateTime) -> Date {
    let date = received_local.date();
    if is_working_day(date) && received_local.time() < CUTOFF {
        date
    } else {
        next_working_day(date)
    }
}

/// Due date of a dossier received at `received_local` (Vietnam local time) for a procedure of
/// `processing_days` working days. The counting start is working day 1, so a one-day procedure
/// ("trong ngày") received at 10:00 is due the same day, and at 16:00 the next working day.
pub fn deadline(received_local: PrimitiveDateTime, processing_days: u32) -> Date {
    add_working_days(counting_start(received_local), processing_days.max(1) - 1)
}

/// Vietnam has used UTC+7 without daylight saving since 1975.
pub const VIETNAM_OFFSET: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

/// An instant as a Vietnamese wall-clock time (the functions keep UTC; deadlines are local).
pub fn vietnam_local(instant: OffsetDateTime) -> PrimitiveDateTime {
    let local = instant.to_offset(VIETNAM_OFFSET);
    PrimitiveDateTime::new(local.date(), local.time())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    OnTime,
    /// Due today or on the next working day.
    DueSoon,
    Overdue,
}

impl DeadlineStatus {
    pub fn label_vi(self) -> &'static str {
        match self {
            DeadlineStatus::OnTime => "Còn hạn",
            DeadlineStatus::DueSoon => "Sắp đến hạn",
            DeadlineStatus::Overdue => "Quá hạn",
        }
    }
}

/// Where a dossier stands against its due date (`deadline` is the last day allowed).
pub fn deadline_status(now_local: PrimitiveDateTime, deadline: Date) -> DeadlineStatus {
    let today = now_local.date();
    if today > deadline {
        DeadlineStatus::Overdue
    } else if today == deadline || next_working_day(today) >= deadline {
        DeadlineStatus::DueSoon
    } else {
        DeadlineStatus::OnTime
    }
}

/// Parses an ISO `YYYY-MM-DD` date, naming `field` on failure.
pub fn parse_iso_date(field: &str, input: &str) -> Result<Date, FieldError> {
    let bad = || {
        FieldError::new(
            field,
            "invalid_date",
            "Ngày không hợp lệ, cần dạng YYYY-MM-DD (ví dụ 2024-04-10).",
            "Invalid date; expected YYYY-MM-DD (e.g. 2024-04-10).",
        )
    };
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::required(field));
    }
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3
        || parts[0].len() != 4
        || parts[1].len() != 2
        || parts[2].len() != 2
        || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let year: i32 = parts[0].parse().map_err(|_| bad())?;
    let month: u8 = parts[1].parse().map_err(|_| bad())?;
    let day: u8 = parts[2].parse().map_err(|_| bad())?;
    let month = Month::try_from(month).map_err(|_| bad())?;
    Date::from_calendar_date(year, month, day).map_err(|_| bad())
}

/// An ISO date as Vietnamese readers write it: `2026-11-24` → `24/11/2026`; anything else is
/// shown as it came.
pub fn date_vn(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

pub fn format_iso_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// `#[serde(with = "crate::calendar::iso_date")]`: a `time::Date` as `"YYYY-MM-DD"`.
pub mod iso_date {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_iso_date(*date))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        parse_iso_date("date", &s).map_err(serde::de::Error::custom)
    }
}

/// Adds whole days (negative allowed); used for "within N days" rules.
pub fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

pub fn add_days(date: Date, days: i64) -> Date {
    date.saturating_add(Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        assert!(!is_working_day(date!(2024 - 04 - 13))); // Saturday
        assert!(!is_working_day(date!(2024 - 04 - 14))); // Sunday
        assert!(is_working_day(date!(2024 - 04 - 15)));
        assert!(!is_working_day(date!(2024 - 04 - 18))); // Giỗ Tổ
        assert!(!is_working_day(date!(2025 - 01 - 29))); // mùng 1 Tết Ất Tỵ
        assert!(!is_working_day(date!(2026 - 02 - 17))); // mùng 1 Tết Bính Ngọ
        assert!(!is_working_day(date!(2026 - 04 - 27))); // Giỗ Tổ compensated
        assert!(!is_working_day(date!(2026 - 01 - 02))); // swapped
        assert!(is_working_day(date!(2026 - 01 - 10))); // make-up Saturday
        assert!(is_working_day(date!(2024 - 05 - 04))); // make-up Saturday
        assert!(!is_working_day(date!(2027 - 04 - 16))); // computed Giỗ Tổ 2027
        assert_eq!(holiday(date!(2025 - 09 - 02)).unwrap().name_vi, QUOC_KHANH);
    }

    #[test]
    fn every_table_entry_is_a_weekday_and_make_ups_are_saturdays() {
        for h in HOLIDAYS {
            assert!(!is_weekend(h.date), "{} falls on a weekend", h.date);
            assert!(covers_year(h.date.year()));
        }
        for s in MAKE_UP_SATURDAYS {
            assert_eq!(s.weekday(), Weekday::Saturday);
        }
    }

    #[test]
    fn each_covered_year_has_five_tet_days_and_the_fixed_holidays() {
        for year in FIRST_COVERED_YEAR..=LAST_COVERED_YEAR {
            let tet = HOLIDAYS.iter().filter(|h| h.date.year() == year && h.name_vi == TET_ND).count();
            let tet_bu = HOLIDAYS.iter().filter(|h| h.date.year() == year && h.date.month() == February && h.name_vi == NGHI_BU).count();
            assert_eq!(tet + tet_bu, 5, "{year}");
            assert!(HOLIDAYS.iter().any(|h| h.date.year() == year && (h.name_vi == GIO_TO || h.name_vi == GIO_TO_BU)));
        }
    }

    #[test]
    fn adds_working_days_across_tet_2025() {
        // Friday 24/01/2025 + 1 working day: Tết runs 27–31/01, next working day is Mon 03/02.
        assert_eq!(add_working_days(date!(2025 - 01 - 24), 1), date!(2025 - 02 - 03));
        assert_eq!(add_working_days(date!(2025 - 01 - 24), 0), date!(2025 - 01 - 24));
        // Around 30/4–1/5/2025: Wed 30/4, Thu 1/5 and Fri 2/5 are off.
        assert_eq!(add_working_days(date!(2025 - 04 - 29), 1), date!(2025 - 05 - 05));
        // Make-up Saturday 26/4/2025 counts.
        assert_eq!(add_working_days(date!(2025 - 04 - 25), 1), date!(2025 - 04 - 26));
        assert_eq!(working_days_between(date!(2025 - 01 - 24), date!(2025 - 02 - 03)), 1);
    }

    #[test]
    fn reception_after_15h_counts_from_the_next_working_day() {
        assert_eq!(deadline(datetime!(2024 - 04 - 10 10:00), 1), date!(2024 - 04 - 10));
        assert_eq!(deadline(datetime!(2024 - 04 - 10 15:30), 1), date!(2024 - 04 - 11));
        // Friday afternoon → Monday.
        assert_eq!(deadline(datetime!(2024 - 04 - 12 16:00), 1), date!(2024 - 04 - 15));
        // Wednesday 17/4/2024 15:05, 3 days: Thu 18/4 is Giỗ Tổ → Fri 19, Mon 22, Tue 23.
        assert_eq!(deadline(datetime!(2024 - 04 - 17 15:05), 3), date!(2024 - 04 - 23));
        // Received on a Sunday.
        assert_eq!(counting_start(datetime!(2024 - 04 - 14 09:00)), date!(2024 - 04 - 15));
    }

    #[test]
    fn converts_utc_to_vietnam_time() {
        let utc = datetime!(2024 - 04 - 10 08:30 UTC);
        assert_eq!(vietnam_local(utc), datetime!(2024 - 04 - 10 15:30));
    }

    #[test]
    fn deadline_status_due_soon_within_one_working_day() {
        let deadline = date!(2024 - 04 - 15); // Monday
        assert_eq!(deadline_status(datetime!(2024 - 04 - 10 09:00), deadline), DeadlineStatus::OnTime);
        assert_eq!(deadline_status(datetime!(2024 - 04 - 12 09:00), deadline), DeadlineStatus::DueSoon); // Friday
        assert_eq!(deadline_status(datetime!(2024 - 04 - 15 16:59), deadline), DeadlineStatus::DueSoon);
        assert_eq!(deadline_status(datetime!(2024 - 04 - 16 08:00), deadline), DeadlineStatus::Overdue);
        assert_eq!(DeadlineStatus::Overdue.label_vi(), "Quá hạn");
    }

    #[test]
    fn outside_the_table_only_fixed_holidays_are_known() {
        assert!(!covers_year(2028));
        assert!(!is_working_day(date!(2028 - 05 - 01))); // Monday 1/5
        assert!(is_working_day(date!(2028 - 05 - 02)));
    }

    #[test]
    fn iso_dates_parse_and_format() {
        assert_eq!(parse_iso_date("d", "2022-03-01").unwrap(), date!(2022 - 03 - 01));
        assert_eq!(format_iso_date(date!(2022 - 03 - 01)), "2022-03-01");
        assert_eq!(parse_iso_date("birth_date", "2023-02-30").unwrap_err().code, "invalid_date");
        assert_eq!(parse_iso_date("birth_date", "1/3/2022").unwrap_err().field, "birth_date");
        assert_eq!(parse_iso_date("birth_date", " ").unwrap_err().code, "required");
    }

    proptest! {
        #[test]
        fn added_working_days_land_on_working_days(offset in 0i64..1400, n in 1u32..40) {
            let start = add_days(date!(2024 - 01 - 01), offset);
            let end = add_working_days(start, n);
            prop_assert!(is_working_day(end));
            prop_assert!(end > start);
            prop_assert_eq!(working_days_between(start, end), n);
        }
    }
}
