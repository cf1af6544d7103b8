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

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
