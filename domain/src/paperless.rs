//! Paperless days (seed 004: "Một số TTHC, một số ngày không nộp hồ sơ bằng bản giấy"): an
//! agency names procedures whose paper dossiers it does not take at the counter on some weekdays
//! and dates, except on dates it lists (a working Saturday swapped for a weekday, a day the
//! system is down). On those days the desk helps the citizen file online on their own phone
//! (assisted filing, [`AssistCode`]); the dossier stays an online one.
//!
//! Everything is judged on the Vietnamese calendar date (UTC+7): at 23:30 UTC on a Tuesday it is
//! already Wednesday at the counter.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::calendar;
use crate::validation::FieldError;

/// At most this many entries in each list of a rule.
pub const MAX_ITEMS: usize = 366;

/// An agency's paperless rule, checked. Lists are sorted and without duplicates.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PaperlessRule {
    /// Procedure codes the rule applies to.
    pub procedures: Vec<String>,
    /// ISO weekday numbers, 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// Extra paperless dates (YYYY-MM-DD).
    #[serde(with = "date_list")]
    #[cfg_attr(feature = "openapi", schemars(with = "Vec<String>"))]
    pub dates: Vec<Date>,
    /// Dates on which the rule does not apply, whatever the weekday or `dates` say.
    #[serde(with = "date_list")]
    #[cfg_attr(feature = "openapi", schemars(with = "Vec<String>"))]
    pub except_dates: Vec<Date>,
}

/// `PUT /api/admin/agencies/{code}/paperless`, before checks. `version` is the one the admin
/// read (`GET`); when given and no longer current, the change is refused as stale.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PaperlessInput {
    #[serde(default)]
    pub procedures: Vec<String>,
    #[serde(default)]
    pub weekdays: Vec<i64>,
    #[serde(default)]
    pub dates: Vec<String>,
    #[serde(default)]
    pub except_dates: Vec<String>,
    #[serde(default)]
    pub version: Option<i64>,
}

/// `GET|PUT /api/admin/agencies/{code}/paperless`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperlessView {
    pub agency: String,
    /// Procedure codes the rule applies to.
    pub procedures: Vec<String>,
    /// ISO weekday numbers, 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// Extra paperless dates (YYYY-MM-DD).
    pub dates: Vec<String>,
    /// Dates on which the rule does not apply.
    pub except_dates: Vec<String>,
    /// 0 before the first rule is saved.
    pub version: i64,
}

/// What the citizen's procedure page shows for the chosen agency: the weekdays and the coming
/// dates on which this procedure is taken online only.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineOnlyDays {
    pub weekdays: Vec<u8>,
    /// Coming extra dates (today included).
    pub dates: Vec<String>,
    /// Coming dates on which paper is taken after all.
    pub except_dates: Vec<String>,
    /// Whether today (Vietnamese date) is one of them.
    pub today: bool,
}

mod date_list {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(dates: &[Date], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(dates.iter().map(|d| crate::calendar::format_iso_date(*d)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
        let raw = Vec::<String>::deserialize(d)?;
        raw.iter().map(|s| crate::calendar::parse_iso_date("date", s).map_err(serde::de::Error::custom)).collect()
    }
}

fn too_many(field: &str) -> FieldError {
    FieldError::new(field, "too_many", format!("Tối đa {MAX_ITEMS} mục."), format!("At most {MAX_ITEMS} items."))
}

fn duplicate(field: String) -> FieldError {
    FieldError::new(field, "duplicate", "Giá trị này đã có trong danh sách.", "This value is already in the list.")
}

impl PaperlessInput {
    /// The body read by hand from JSON (see `validation::json_fields`).
    pub fn from_json(body: &serde_json::Value) -> Result<PaperlessInput, FieldError> {
        use crate::validation::json_fields as f;
        Ok(PaperlessInput {
            procedures: f::texts(body, "procedures")?,
            weekdays: f::integers(body, "weekdays")?,
            dates: f::texts(body, "dates")?,
            except_dates: f::texts(body, "except_dates")?,
            version: f::optional_integer(body, "version")?,
        })
    }

    /// Every check, naming the first wrong item by its path (`procedures.2`, `weekdays.0`):
    /// `known` says whether a procedure exists at all, `handled` whether this agency handles it.
    pub fn validate(&self, known: impl Fn(&str) -> bool, handled: impl Fn(&str) -> bool) -> Result<PaperlessRule, FieldError> {
        for (field, len) in [
            ("procedures", self.procedures.len()),
            ("weekdays", self.weekdays.len()),
            ("dates", self.dates.len()),
            ("except_dates", self.except_dates.len()),
        ] {
            if len > MAX_ITEMS {
                return Err(too_many(field));
            }
        }
        let mut procedures: Vec<String> = Vec::with_capacity(self.procedures.len());
        for (i, p) in self.procedures.iter().enumerate() {
            let field = format!("procedures.{i}");
            let p = p.trim();
            if p.is_empty() {
                return Err(FieldError::required(field));
            }
            if !known(p) {
                return Err(FieldError::new(field, "unknown_procedure", "Không có thủ tục với mã này.", "No procedure has this code."));
            }
            if !handled(p) {
                return Err(FieldError::new(
                    field,
                    "not_handled",
                    "Cơ quan không thực hiện thủ tục này.",
                    "The agency does not handle this procedure.",
                ));
            }
            if procedures.iter().any(|q| q == p) {
                return Err(duplicate(field));
            }
            procedures.push(p.to_string());
        }
        let mut weekdays: Vec<u8> = Vec::with_capacity(self.weekdays.len());
        for (i, w) in self.weekdays.iter().enumerate() {
            let field = format!("weekdays.{i}");
            if !(1..=7).contains(w) {
                return Err(FieldError::new(
                    field,
                    "out_of_range",
                    "Thứ trong tuần là số từ 1 (thứ Hai) đến 7 (Chủ nhật).",
                    "A weekday is a number from 1 (Monday) to 7 (Sunday).",
                ));
            }
            let w = *w as u8;
            if weekdays.contains(&w) {
                return Err(duplicate(field));
            }
            weekdays.push(w);
        }
        let dates = date_items("dates", &self.dates)?;
        let except_dates = date_items("except_dates", &self.except_dates)?;
        if let Some(i) = except_dates.iter().position(|d| dates.contains(d)) {
            return Err(FieldError::new(
                format!("except_dates.{i}"),
                "contradiction",
                "Ngày này vừa là ngày chỉ nhận hồ sơ trực tuyến vừa là ngày ngoại lệ.",
                "This date is both a paperless date and an exception.",
            ));
        }
        procedures.sort();
        weekdays.sort_unstable();
        let mut dates = dates;
        dates.sort();
        let mut except_dates = except_dates;
        except_dates.sort();
        Ok(PaperlessRule { procedures, weekdays, dates, except_dates })
    }
}

fn date_items(field: &str, items: &[String]) -> Result<Vec<Date>, FieldError> {
    let mut out: Vec<Date> = Vec::with_capacity(items.len());
    for (i, s) in items.iter().enumerate() {
        let f = format!("{field}.{i}");
        let d = calendar::parse_iso_date(&f, s)?;
        if out.contains(&d) {
            return Err(duplicate(f));
        }
        out.push(d);
    }
    Ok(out)
}

/// The Vietnamese calendar date of an instant.
pub fn vietnam_date(now: OffsetDateTime) -> Date {
    calendar::vietnam_local(now).date()
}

impl PaperlessRule {
    /// Whether paper dossiers of `procedure` are refused at the counter on `date` (a Vietnamese
    /// calendar date): the procedure is listed, the date is not an exception, and its weekday
    /// or the date itself is listed.
    pub fn applies(&self, procedure: &str, date: Date) -> bool {
        self.procedures.iter().any(|p| p == procedure)
            && !self.except_dates.contains(&date)
            && (self.weekdays.contains(&date.weekday().number_from_monday()) || self.dates.contains(&date))
    }

    /// [`Self::applies`] at an instant, on its date in Vietnam.
    pub fn applies_at(&self, procedure: &str, now: OffsetDateTime) -> bool {
        self.applies(procedure, vietnam_date(now))
    }

    /// What a citizen is shown for `procedure`, or `None` when it is never online-only.
    pub fn online_only_days(&self, procedure: &str, today: Date) -> Option<OnlineOnlyDays> {
        if !self.procedures.iter().any(|p| p == procedure) {
            return None;
        }
        let coming = |ds: &[Date]| ds.iter().filter(|d| **d >= today).map(|d| calendar::format_iso_date(*d)).collect::<Vec<_>>();
        let dates = coming(&self.dates);
        if self.weekdays.is_empty() && dates.is_empty() {
            return None;
        }
        Some(OnlineOnlyDays { weekdays: self.weekdays.clone(), dates, except_dates: coming(&self.except_dates), today: self.applies(procedure, today) })
    }
}

/// The 409 `paperless_day` a walk-in gets on such a day.
pub const REFUSAL_CODE: &str = "paperless_day";
pub const REFUSAL_VI: &str = "Hôm nay cơ quan chỉ nhận hồ sơ trực tuyến cho thủ tục này (ngày không nhận hồ sơ giấy). \
Vui lòng hướng dẫn, hỗ trợ công dân nộp hồ sơ trực tuyến ngay trên điện thoại của họ: bấm \"Hỗ trợ nộp trực tuyến\" để hiện mã QR.";
pub const REFUSAL_EN: &str = "Today the agency takes this procedure online only (a paperless day). \
Help the citizen file online on their own phone: press \"Assisted filing\" to show the QR code.";

/// The Vietnamese weekday name of an ISO weekday number.
pub fn weekday_vi(n: u8) -> &'static str {
    match n {
        1 => "Thứ Hai",
        2 => "Thứ Ba",
        3 => "Thứ Tư",
        4 => "Thứ Năm",
        5 => "Thứ Sáu",
        6 => "Thứ Bảy",
        _ => "Chủ nhật",
    }
}

pub fn weekday_en(n: u8) -> &'static str {
    match n {
        1 => "Monday",
        2 => "Tuesday",
        3 => "Wednesday",
        4 => "Thursday",
        5 => "Friday",
        6 => "Saturday",
        _ => "Sunday",
    }
}

// ---------------------------------------------------------------------------------------------
// Assisted filing

/// How long an assisted-filing link works: long enough to log in and fill the form beside the
/// desk, short enough that a photo of the QR is no standing credit to the officer.
pub const ASSIST_TTL_SECONDS: i64 = 2 * 3600;

/// Letters of an assist code: no 0/O, 1/I/L, so it can be read aloud and typed on a phone.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// The code of an assisted-filing link (`?ho-tro=CODE`): 10 characters from 31 letters (about
/// 49 bits), drawn at random by the server and stored with the officer it belongs to. A citizen
/// cannot make one for another officer: only a code the server issued and stored means anything.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AssistCode(String);

pub const ASSIST_CODE_LEN: usize = 10;

impl AssistCode {
    /// A new code from random bytes (one byte per character; the modulo bias of 256 % 31 is
    /// immaterial at this length and lifetime).
    pub fn from_random(bytes: [u8; ASSIST_CODE_LEN]) -> AssistCode {
        AssistCode(bytes.iter().map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect())
    }

    /// A code as typed or taken from a link (case-insensitive, spaces ignored).
    pub fn parse(field: &str, input: &str) -> Result<AssistCode, FieldError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        if s.len() == ASSIST_CODE_LEN && s.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(AssistCode(s))
        } else {
            Err(assist_invalid(field))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn assist_invalid(field: &str) -> FieldError {
    FieldError::new(
        field,
        "assist_invalid",
        "Mã hỗ trợ nộp hồ sơ không hợp lệ. Vui lòng quét lại mã QR tại Bộ phận Một cửa, hoặc nộp hồ sơ không kèm mã.",
        "The assisted-filing code is not valid. Scan the desk's QR code again, or file without it.",
    )
}

pub fn assist_expired(field: &str) -> FieldError {
    FieldError::new(
        field,
        "assist_expired",
        "Mã hỗ trợ nộp hồ sơ đã hết hạn. Vui lòng đề nghị cán bộ tạo mã mới, hoặc nộp hồ sơ không kèm mã.",
        "The assisted-filing code has expired. Ask the desk for a new one, or file without it.",
    )
}

/// What a stored assist code grants: that the online dossier of this agency and procedure is
/// recorded as filed with this officer's help, until it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssistGrant {
    pub staff_id: String,
    pub agency: String,
    pub procedure: String,
    pub expires_at: i64,
}

impl AssistGrant {
    /// The officer to record, if the grant fits this submission at `now` (unix seconds); a
    /// grant for another agency or procedure is as good as none.
    pub fn check(&self, field: &str, agency: &str, procedure: &str, now: i64) -> Result<&str, FieldError> {
        if self.agency != agency.trim() || self.procedure != procedure.trim() {
            return Err(assist_invalid(field));
        }
        if now >= self.expires_at {
            return Err(assist_expired(field));
        }
        Ok(&self.staff_id)
    }
}

/// `POST /api/staff/assist` `{"agency", "procedure"}`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AssistRequest {
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub procedure: String,
}

/// The assisted-filing link the desk shows: its QR code as SVG, the link, and the code.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistLink {
    pub code: String,
    pub url: String,
    pub expires_at: String,
    /// The QR code of `url`, an SVG document.
    pub svg: String,
    pub procedure_name: String,
    pub agency_name: String,
}

/// The form's path with the agency preselected and the assist code.
pub fn assist_path(procedure: &str, agency: &str, code: &AssistCode) -> String {
    format!("/thu-tuc/{procedure}/nop?agency={agency}&ho-tro={}", code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn input(procedures: &[&str], weekdays: &[i64], dates: &[&str], except: &[&str]) -> PaperlessInput {
        PaperlessInput {
            procedures: procedures.iter().map(|s| s.to_string()).collect(),
            weekdays: weekdays.to_vec(),
            dates: dates.iter().map(|s| s.to_string()).collect(),
            except_dates: except.iter().map(|s| s.to_string()).collect(),
            version: None,
        }
    }

    fn known(p: &str) -> bool {
        ["2.000815", "1.001612", "2.000908"].contains(&p)
    }

    fn handled(p: &str) -> bool {
        p != "2.000908"
    }

    fn rule() -> PaperlessRule {
        // Tuesdays and Thursdays, plus Thu 24 Dec 2026's neighbour Sat 26 Dec; not Thu 31 Dec.
        input(&["2.000815"], &[2, 4], &["2026-12-26"], &["2026-12-31"]).validate(known, handled).unwrap()
    }

    #[test]
    fn a_listed_weekday_applies_to_a_listed_procedure_only() {
        let r = rule();
        assert!(r.applies("2.000815", date!(2026 - 12 - 22))); // Tuesday
        assert!(r.applies("2.000815", date!(2026 - 12 - 24))); // Thursday
        assert!(!r.applies("2.000815", date!(2026 - 12 - 23))); // Wednesday
        assert!(!r.applies("1.001612", date!(2026 - 12 - 22)));
    }

    #[test]
    fn an_extra_date_applies_and_an_exception_wins_over_the_weekday() {
        let r = rule();
        assert!(r.applies("2.000815", date!(2026 - 12 - 26))); // a Saturday, listed
        assert!(!r.applies("2.000815", date!(2026 - 12 - 31))); // a Thursday, excepted
        assert!(r.applies("2.000815", date!(2027 - 01 - 07))); // the next Thursday again
    }

    #[test]
    fn the_vietnamese_date_decides_at_midnight() {
        let r = rule();
        // Wednesday 23 Dec 2026 16:59:59 UTC is 23:59:59 in Vietnam: still Wednesday.
        assert!(!r.applies_at("2.000815", datetime!(2026-12-23 16:59:59 UTC)));
        // One second later it is Thursday 00:00 in Vietnam, though still Wednesday in UTC.
        assert!(r.applies_at("2.000815", datetime!(2026-12-23 17:00:00 UTC)));
        // Thursday 31 Dec 17:00 UTC is Friday 1 Jan in Vietnam: neither excepted nor listed.
        assert!(!r.applies_at("2.000815", datetime!(2026-12-30 16:59:59 UTC))); // Wed in VN
        assert!(!r.applies_at("2.000815", datetime!(2026-12-30 17:00:00 UTC))); // Thu 31, excepted
        assert!(!r.applies_at("2.000815", datetime!(2026-12-31 17:00:00 UTC))); // Fri 1 Jan
        assert!(r.applies_at("2.000815", datetime!(2026-12-21 17:00:00 UTC))); // Tue 22 in VN
    }

    #[test]
    fn refusals_name_the_item() {
        let err = |i: PaperlessInput| i.validate(known, handled).unwrap_err();
        let e = err(input(&["9.999999"], &[], &[], &[]));
        assert_eq!((e.field.as_str(), e.code.as_str()), ("procedures.0", "unknown_procedure"));
        let e = err(input(&["2.000815", "2.000908"], &[], &[], &[]));
        assert_eq!((e.field.as_str(), e.code.as_str()), ("procedures.1", "not_handled"));
        let e = err(input(&["2.000815", " 2.000815"], &[], &[], &[]));
        assert_eq!((e.field.as_str(), e.code.as_str()), ("procedures.1", "duplicate"));
        let e = err(input(&[""], &[], &[], &[]));
        assert_eq!((e.field.as_str(), e.code.as_str()), ("procedures.0", "required"));
        for bad in [0, 8, -1] {
            let e = err(input(&[], &[1, bad], &[], &[]));
            assert_eq!((e.field.as_str(), e.code.as_str()), ("weekdays.1", "out_of_range"));
        }
        let e = err(input(&[], &[3, 3], &[], &[]));
        assert_eq!((e.field.as_str(), e.code.as_str()), ("weekdays.1", "duplicate"));
        let e = err(input(&[], &[], &["2026-02-30"], &[]));
        assert_eq!((e.field.as_str(), e.code.as_str()), ("dates.0", "invalid_date"));
        let e = err(input(&[], &[], &[], &["24/12/2026"]));
        assert_eq!((e.field.as_str(), e.code.as_str()), ("except_dates.0", "invalid_date"));
        let e = err(input(&[], &[], &["2026-12-24", "2026-12-24"], &[]));
        assert_eq!((e.field.as_str(), e.code.as_str()), ("dates.1", "duplicate"));
        let e = err(input(&[], &[], &["2026-12-24"], &["2026-12-25", "2026-12-24"]));
        assert_eq!((e.field.as_str(), e.code.as_str()), ("except_dates.1", "contradiction"));
        let many: Vec<i64> = (0..400).map(|i| i % 7 + 1).collect();
        assert_eq!(err(input(&[], &many, &[], &[])).code, "too_many");
    }

    #[test]
    fn a_valid_rule_is_sorted_and_round_trips_as_json() {
        let r = input(&["1.001612", "2.000815"], &[4, 2], &["2026-12-26", "2026-12-24"], &[]).validate(known, handled).unwrap();
        assert_eq!(r.weekdays, vec![2, 4]);
        assert_eq!(r.dates, vec![date!(2026 - 12 - 24), date!(2026 - 12 - 26)]);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["dates"], serde_json::json!(["2026-12-24", "2026-12-26"]));
        assert_eq!(serde_json::from_value::<PaperlessRule>(json).unwrap(), r);
        assert_eq!(PaperlessRule::default(), input(&[], &[], &[], &[]).validate(known, handled).unwrap());
    }

    #[test]
    fn the_citizen_sees_the_coming_days_of_their_procedure() {
        let r = rule();
        let d = r.online_only_days("2.000815", date!(2026 - 12 - 27)).unwrap();
        assert_eq!(d.weekdays, vec![2, 4]);
        assert!(d.dates.is_empty(), "26 Dec has passed");
        assert_eq!(d.except_dates, vec!["2026-12-31".to_string()]);
        assert!(!d.today);
        assert!(r.online_only_days("2.000815", date!(2026 - 12 - 24)).unwrap().today);
        assert_eq!(r.online_only_days("1.001612", date!(2026 - 12 - 24)), None);
        let dates_only = input(&["2.000815"], &[], &["2026-12-26"], &[]).validate(known, handled).unwrap();
        assert_eq!(dates_only.online_only_days("2.000815", date!(2026 - 12 - 27)), None, "nothing left to show");
    }

    #[test]
    fn assist_codes_parse_and_grants_check_agency_procedure_and_time() {
        let code = AssistCode::from_random([0, 1, 30, 31, 62, 255, 7, 8, 9, 10]);
        assert_eq!(code.as_str().len(), ASSIST_CODE_LEN);
        assert_eq!(AssistCode::parse("assist", &code.as_str().to_lowercase()).unwrap(), code);
        for bad in ["", "ABC", "0000000000", "AAAAAAAAAAA", "AAAAAAAAA-", "AAAAAAAAAI"] {
            assert_eq!(AssistCode::parse("assist", bad).unwrap_err().code, "assist_invalid", "{bad}");
        }
        let g = AssistGrant { staff_id: "s1".into(), agency: "A".into(), procedure: "P".into(), expires_at: 100 };
        assert_eq!(g.check("assist", "A", "P", 99).unwrap(), "s1");
        assert_eq!(g.check("assist", "A", "P", 100).unwrap_err().code, "assist_expired");
        assert_eq!(g.check("assist", "B", "P", 0).unwrap_err().code, "assist_invalid");
        assert_eq!(g.check("assist", "A", "Q", 0).unwrap_err().code, "assist_invalid");
        assert_eq!(assist_path("2.000815", "000.10.51.H27", &code), format!("/thu-tuc/2.000815/nop?agency=000.10.51.H27&ho-tro={}", code.as_str()));
    }
}
