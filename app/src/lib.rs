//! motcua's app: the citizen's phone-first portal (and, later, the one-stop desk under `/can-bo`
//! and the leaders' dashboard under `/lanh-dao`), client-side rendered with Leptos. It only talks
//! to `/api/*`; every rule it shows (fees, validation, statuses) comes from `motcua-domain`.

// The staff and landing bundles reuse the citizen app's modules but mount only their own pages,
// so the other pages are unused there (and left out of their wasm); the citizen build compiles
// no staff code at all.
#![cfg_attr(any(feature = "staff", feature = "landing"), allow(dead_code, unused_imports))]

use wasm_bindgen::prelude::wasm_bindgen;

mod api;
mod app;
mod components;
mod hooks;
mod i18n;
mod pages;
mod storage;
#[cfg(feature = "staff")]
mod staff;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    i18n::apply_to_document();
    #[cfg(not(any(feature = "staff", feature = "landing")))]
    {
        pages::full_load::arrived();
        leptos::mount::mount_to_body(app::App);
    }
    #[cfg(all(feature = "landing", not(feature = "staff")))]
    leptos::mount::mount_to_body(app::Landing);
    #[cfg(feature = "staff")]
    leptos::mount::mount_to_body(staff::StaffApp);
}
