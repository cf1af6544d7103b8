//! `use_online_status`: whether the browser believes it has a network (`navigator.onLine`,
//! updated by the window's `online`/`offline` events).

use leptos::ev;
use leptos::prelude::*;

pub fn use_online_status() -> Signal<bool> {
    let online = RwSignal::new(window().navigator().on_line());
    // The listeners live as long as the page (the layout that asks is mounted once).
    let _ = window_event_listener(ev::online, move |_| online.set(true));
    let _ = window_event_listener(ev::offline, move |_| online.set(false));
    online.into()
}
