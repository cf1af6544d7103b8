//! The phone's `localStorage`, through the browser's own API (no crate): the chosen agency and
//! the dossier drafts live here; [`session`] is the tab's own, for a trip to a payment provider.
//! Every call tolerates a missing or full storage (private mode): the app still works, it only
//! forgets.

fn store() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn get(key: &str) -> Option<String> {
    store()?.get_item(key).ok().flatten()
}

pub fn set(key: &str, value: &str) {
    if let Some(s) = store() {
        let _ = s.set_item(key, value);
    }
}

pub fn remove(key: &str) {
    if let Some(s) = store() {
        let _ = s.remove_item(key);
    }
}

/// A preference the Worker's pages read too (`motcua.lang`, `motcua.agency`,
/// functions/src/pages): a cookie of the same name beside the `localStorage` key, a year long.
/// Never a secret: it only picks what a page shows.
pub fn set_cookie(name: &str, value: Option<&str>) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let cookie = match value {
        Some(v) => format!("{name}={}; Path=/; Max-Age=31536000; SameSite=Lax", String::from(js_sys::encode_uri_component(v))),
        None => format!("{name}=; Path=/; Max-Age=0; SameSite=Lax"),
    };
    let _ = js_sys::Reflect::set(&doc, &"cookie".into(), &cookie.into());
}

/// Every key that starts with `prefix`.
pub fn keys(prefix: &str) -> Vec<String> {
    let Some(s) = store() else { return Vec::new() };
    let n = s.length().unwrap_or(0);
    (0..n).filter_map(|i| s.key(i).ok().flatten()).filter(|k| k.starts_with(prefix)).collect()
}

/// The tab's `sessionStorage`: what must survive a trip to a payment provider and back, but not
/// the tab (the payer's number typed to look a bill up).
pub mod session {
    fn store() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok().flatten()
    }

    pub fn get(key: &str) -> Option<String> {
        store()?.get_item(key).ok().flatten()
    }

    pub fn set(key: &str, value: &str) {
        if let Some(s) = store() {
            let _ = s.set_item(key, value);
        }
    }

    pub fn remove(key: &str) {
        if let Some(s) = store() {
            let _ = s.remove_item(key);
        }
    }
}
