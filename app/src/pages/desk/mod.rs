//! The one-stop desk's pages (staff bundle only): the inbox, a dossier with its actions, the
//! printable progress-control sheet, walk-in dossiers, catalog administration (with each
//! agency's accounts and payment merchants), reconciliation with the providers' settlement
//! files, refunds decided under four eyes, the national portal's sync, the review of its
//! catalog against ours, and bills without a dossier (fines, land obligations, payment links).

pub mod admin;
pub mod agency_money;
pub mod assist;
pub mod bill_import;
pub mod bill_new;
pub mod bills;
pub mod documents;
pub mod dossier;
pub mod inbox;
pub mod national_sync;
pub mod national_catalog;
pub mod paperless_days;
pub mod payment_links;
pub mod reconcile;
pub mod reports;
pub mod refunds;
pub mod sheet;
pub mod targets;
pub mod walk_in;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::staff::use_staff;

/// Sends a visitor without a staff session to the log-in page.
pub fn use_require_staff() {
    let ctx = use_staff();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if ctx.checked.get() && ctx.me.get().is_none() {
            navigate("/can-bo/dang-nhap", Default::default());
        }
    });
}

/// `2026-11-23T10:05:00Z` as `23/11/2026 17:05` (Vietnam time); dates as `23/11/2026`.
pub fn when(at: &str) -> String {
    // The API's timestamps are UTC RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fff]Z`); parsed by hand so
    // the bundle does not carry `time`'s parser.
    let parsed = (|| {
        let date = motcua_domain::calendar::parse_iso_date("at", at.get(..10)?).ok()?;
        let hour: u8 = at.get(11..13)?.parse().ok()?;
        let minute: u8 = at.get(14..16)?.parse().ok()?;
        let t = time::PrimitiveDateTime::new(date, time::Time::from_hms(hour, minute, 0).ok()?).assume_utc();
        Some(motcua_domain::calendar::vietnam_local(t))
    })();
    match parsed {
        Some(l) => format!("{:02}/{:02}/{} {:02}:{:02}", l.day(), l.month() as u8, l.year(), l.hour(), l.minute()),
        None => day(at),
    }
}

pub fn day(iso: &str) -> String {
    match motcua_domain::calendar::parse_iso_date("d", iso) {
        Ok(d) => format!("{:02}/{:02}/{}", d.day(), d.month() as u8, d.year()),
        Err(_) => iso.to_string(),
    }
}

/// What a list page shows. Its `Memo` changes only when the shape does, so a list read again
/// keeps its rows (keyed) and whatever was typed into them.
#[derive(Clone, PartialEq)]
pub enum ListShape {
    Loading,
    Failed(String),
    Empty,
    Rows,
}

impl ListShape {
    pub fn of<T>(answer: Option<&Result<T, crate::api::ApiFailure>>, empty: impl FnOnce(&T) -> bool) -> ListShape {
        match answer {
            None => ListShape::Loading,
            Some(Err(e)) => ListShape::Failed(e.message.clone()),
            Some(Ok(v)) if empty(v) => ListShape::Empty,
            Some(Ok(_)) => ListShape::Rows,
        }
    }
}

/// Today in Vietnam (UTC+7) as `YYYY-MM-DD`, the day a settlement file or a statement is for.
pub fn today_vn() -> String {
    let vn = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(js_sys::Date::now() + 7.0 * 3_600_000.0));
    String::from(vn.to_iso_string()).chars().take(10).collect()
}

/// A provider as the API names it (`vnpay`, `bank`, `counter`, ...), in Vietnamese.
pub fn provider_label(provider: &str) -> String {
    match provider {
        "counter" => "Tại quầy".into(),
        "bank" => "Sao kê ngân hàng".into(),
        other => motcua_domain::gateway::Provider::parse("provider", other).map(|p| p.label().to_string()).unwrap_or_else(|_| other.to_string()),
    }
}
