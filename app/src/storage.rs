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
