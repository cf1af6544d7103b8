//! Interface language. Vietnamese is the default; a citizen can switch to English (the switch in
//! the header). The choice is kept on the phone (`localStorage`) and applied by reloading the
//! page: every text is then picked once, when its view is built, so pages need no reactive
//! wrapper around each string. A reload loses nothing: drafts and pending uploads are saved on
//! the phone as they change.
//!
//! Texts are written in place as pairs, Vietnamese first: `t("Hồ sơ của tôi", "My dossiers")`.
//! Server errors and domain validation carry both languages (`message_vi`, `message`), and
//! [`pick`] chooses between them.

use std::cell::Cell;

use crate::storage;

const KEY: &str = "motcua.lang";

/// The domain's, which the Worker's pages are written in too (`motcua_domain::pages`).
pub use motcua_domain::pages::Lang;

thread_local! {
    static LANG: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// The language of this page load (read from the phone once). The staff app (`/can-bo`,
/// `/lanh-dao`) is always in Vietnamese, whatever a citizen chose on the same browser.
pub fn lang() -> Lang {
    if cfg!(feature = "staff") {
        return Lang::Vi;
    }
    LANG.with(|cell| {
        cell.get().unwrap_or_else(|| {
            let l = Lang::from_code(storage::get(KEY).as_deref());
            cell.set(Some(l));
            l
        })
    })
}

/// The text in the current language.
pub fn t(vi: &'static str, en: &'static str) -> &'static str {
    lang().t(vi, en)
}

/// The same for owned texts (formatted ones, server and domain messages).
pub fn pick(vi: String, en: String) -> String {
    lang().pick(vi, en)
}

/// Marks the document with the language (`<html lang>`), for screen readers and hyphenation.
pub fn apply_to_document() {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang().code());
    }
    // The shell's `<title>` is Vietnamese; the staff shell keeps its own.
    if lang() == Lang::En {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(app_name());
        }
    }
}

/// Saves the choice and reloads the page in that language.
pub fn switch_to(l: Lang) {
    storage::set(KEY, l.code());
    storage::set_cookie(KEY, Some(l.code()));
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

pub fn app_name() -> &'static str {
    lang().app_name()
}
