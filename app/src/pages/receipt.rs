//! `/bien-lai/{code}`: anyone holding a receipt can check it here (the QR/URL printed on it).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::receipt::Receipt;
use crate::i18n::t;

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    let receipt = LocalResource::new(move || {
        let code = params.read().get("code").unwrap_or_default();
        async move { api::receipts::verify(&code).await }
    });
    view! {
        <section class="page">
            <h1>{t("Kiểm tra biên lai", "Check a receipt")}</h1>
            <Suspense fallback=|| view! { <p class="muted">{t("Đang kiểm tra…", "Checking…")}</p> }>
                {move || Suspend::new(async move {
                    match receipt.await {
                        Ok(r) => view! { <p class="paid">{t("Biên lai hợp lệ", "Valid receipt")}</p><Receipt receipt=r/> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
