//! Dates and times as Vietnamese readers expect them (`24/11/2026 00:33`, Vietnam time), from
//! the API's RFC 3339 timestamps and ISO dates. Parsing goes through the browser's `Date` so the
//! bundle carries no date parser.

use motcua_domain::calendar::vietnam_local;

/// `2026-11-23T17:33:56.7Z` → `24/11/2026 00:33`; anything unparsable is shown as it came.
pub fn datetime_vn(rfc3339: &str) -> String {
    let millis = js_sys::Date::parse(rfc3339);
    if millis.is_nan() {
        return rfc3339.to_string();
    }
    let Ok(utc) = time::OffsetDateTime::from_unix_timestamp((millis / 1000.0) as i64) else {
        return rfc3339.to_string();
    };
    let t = vietnam_local(utc);
    format!("{:02}/{:02}/{} {:02}:{:02}", t.day(), u8::from(t.month()), t.year(), t.hour(), t.minute())
}

/// `2026-11-24` → `24/11/2026` (the domain's, so the Worker's pages write dates the same way).
pub use motcua_domain::calendar::date_vn;
