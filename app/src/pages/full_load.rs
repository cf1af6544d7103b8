//! The landing bundle's way out: a page it does not have is loaded from the server, which answers
//! it with the whole app. A marker in `sessionStorage` stops a loop should the same page come
//! back from the landing bundle again (an old cached shell offline): then it says "not found".

use leptos::prelude::*;

use crate::pages::not_found::NotFound;

const MARKER: &str = "motcua.full-load";

#[component]
pub fn FullLoad() -> impl IntoView {
    let window = web_sys::window().expect("window");
    // The router draws the new page before it writes the address bar, so the page wanted is
    // the router's location, not the window's.
    let location = leptos_router::hooks::use_location();
    let search = location.search.get_untracked();
    let here = if search.is_empty() { location.pathname.get_untracked() } else { format!("{}?{search}", location.pathname.get_untracked()) };
    let session = window.session_storage().ok().flatten();
    let tried = session.as_ref().and_then(|s| s.get_item(MARKER).ok().flatten()).is_some_and(|m| m == here);
    if tried {
        if let Some(s) = &session {
            let _ = s.remove_item(MARKER);
        }
        return view! { <NotFound/> }.into_any();
    }
    if let Some(s) = &session {
        let _ = s.set_item(MARKER, &here);
    }
    let _ = window.location().assign(&here);
    view! { <p class="page muted" role="status">{crate::i18n::t("Đang mở trang…", "Opening the page…")}</p> }.into_any()
}

/// The whole app has started: whatever the landing bundle sent here arrived.
pub fn arrived() {
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.remove_item(MARKER);
    }
}
