//! motcua's app: the citizen's phone-first portal (and, later, the one-stop desk under `/can-bo`
//! and the leaders' dashboard under `/lanh-dao`), client-side rendered with Leptos. It only talks
//! to `/api/*`; every rule it shows (fees, validation, statuses) comes from `motcua-domain`.

// The staff bundle reuses the citizen app's modules but mounts only its own pages, so the
// citizen's pages are unused there (and left out of its wasm); the citizen build compiles no
// staff code at all.
#![cfg_attr(feature = "staff", allow(dead_code, unused_imports))]

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
    #[cfg(not(feature = "staff"))]
    leptos::mount::mount_to_body(app::App);
    #[cfg(feature = "staff")]
    leptos::mount::mount_to_body(staff::StaffApp);
}
