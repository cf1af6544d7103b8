//! Assisted filing at the desk: a QR code and link to the procedure's online form with the
//! agency preselected and the officer's short-lived assist code, for a citizen who files online
//! on their own phone (on a paperless day the walk-in page opens it by itself). The dossier
//! they send stays online and shows "nộp trực tuyến có hỗ trợ" with the officer's name.

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::paperless::AssistLink;

use crate::api;

#[component]
pub fn AssistPanel(agency: RwSignal<String>, procedure: RwSignal<String>, open: RwSignal<bool>) -> impl IntoView {
    let link = RwSignal::new(None::<Result<AssistLink, String>>);
    // A new link whenever the panel opens or the procedure changes while it is open.
    Effect::new(move |_| {
        let (a, p) = (agency.get(), procedure.get());
        if !open.get() || a.is_empty() || p.is_empty() {
            link.set(None);
            return;
        }
        spawn_local(async move {
            link.set(Some(api::outreach::assist(&a, &p).await.map_err(|e| e.message)));
            // On a phone the panel is below the form: bring it to the officer's eyes.
            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("assist-title")) {
                el.scroll_into_view();
            }
        });
    });
    view! {
        <Show when=move || open.get()>
            <section class="assist card" aria-labelledby="assist-title">
                <h2 id="assist-title">"Hỗ trợ công dân nộp hồ sơ trực tuyến"</h2>
                {move || match link.get() {
                    None => view! { <p class="muted">"Đang tạo mã…"</p> }.into_any(),
                    Some(Err(m)) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
                    Some(Ok(l)) => view! {
                        <p>"Mời công dân quét mã bằng điện thoại của mình, đăng nhập bằng số điện thoại và nộp hồ sơ "<strong>{l.procedure_name.clone()}</strong>" tại "{l.agency_name.clone()}"."</p>
                        <div class="qr assist-qr" inner_html=l.svg.clone() role="img" aria-label="Mã QR mở biểu mẫu nộp hồ sơ trực tuyến"></div>
                        <p>"Hoặc mở đường dẫn: "<a class="assist-url" href=l.url.clone() target="_blank" rel="noopener">{l.url.clone()}</a></p>
                        <p class="muted">"Mã hỗ trợ "<strong class="assist-code">{l.code.clone()}</strong>" có hiệu lực đến "{crate::components::dates::datetime_vn(&l.expires_at)}". Hồ sơ vẫn là hồ sơ trực tuyến và được ghi nhận có hỗ trợ của bạn."</p>
                    }.into_any(),
                }}
                <button type="button" class="secondary" on:click=move |_| open.set(false)>"Đóng"</button>
            </section>
        </Show>
    }
}
