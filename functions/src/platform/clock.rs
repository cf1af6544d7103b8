//! The one place the functions read the clock; the domain gets time as an argument.

use time::OffsetDateTime;

pub fn now() -> OffsetDateTime {
    let millis = worker::Date::now().as_millis() as i128;
    OffsetDateTime::from_unix_timestamp_nanos(millis * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Today's date in Vietnam (UTC+7), the date fees and deadlines are counted in.
pub fn today_vn() -> time::Date {
    motcua_domain::calendar::vietnam_local(now()).date()
}

/// UTC with exactly three fractional digits (`2026-11-23T18:03:37.220Z`). A fixed width matters:
/// D1 compares these as text (ordering, "older than", day ranges), and RFC 3339's variable
/// fraction would sort `…37.5Z` after `…37.52Z`.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

/// A Vietnamese day `[00:00, 24:00) +07:00` as the UTC [`rfc3339`] bounds D1 compares with.
pub fn day_bounds_vn(date: time::Date) -> (String, String) {
    let start = date.midnight().assume_offset(time::UtcOffset::from_hms(7, 0, 0).expect("valid offset"));
    (rfc3339(start), rfc3339(start + time::Duration::days(1)))
}
