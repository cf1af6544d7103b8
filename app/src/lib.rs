//! motcua's app: the citizen's phone-first portal (and, later, the one-stop desk under `/can-bo`
//! and the leaders' dashboard under `/lanh-dao`), client-side rendered with Leptos. It only talks
//! to `/api/*`; every rule it shows (fees, validation, statuses) comes from `motcua-domain`.

use wasm_bindgen::prelude::wasm_bindgen;

mod api;
mod app;
mod components;
mod i18n;
mod pages;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
