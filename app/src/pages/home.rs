//! The home page: the procedures on offer, searchable without diacritics. With `?agency=CODE`
//! (a commune portal's link, or the agency chooser) it lists that agency's procedures. A link
//! leads to `/nop-phi`, where bills without a dossier (fines, land obligations) are paid.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use motcua_domain::pages::{self, home::Card};

use crate::api;
use crate::components::agency::{use_chosen, ChosenAgency};
use crate::i18n::{self, t};

#[component]
pub fn Home() -> impl IntoView {
    let query = use_query_map();
    let chosen = use_chosen();
    // `?agency=` (a commune portal's link) wins over the remembered choice, and becomes it.
    let agency = move || query.read().get("agency").or_else(|| chosen.read().as_ref().map(|a| a.code.clone())).unwrap_or_default();
    Effect::new(move || {
        let Some(code) = query.read().get("agency") else { return };
        if chosen.read_untracked().as_ref().is_some_and(|a| a.code == code) {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(tree) = api::catalog::agencies().await {
                if let Some((n, _)) = crate::components::agency::flatten(&tree).into_iter().find(|(n, _)| n.code == code) {
                    chosen.set(Some(ChosenAgency { code: n.code, name: n.name }));
                }
            }
        });
    });
    let (search, set_search) = signal(String::new());
    let procedures = LocalResource::new(move || {
        let agency = agency();
        let q = search.get();
        async move {
            api::catalog::procedures(&q, &agency).await
        }
    });

    view! {
        <section class="page">
            <h1>{t("Thủ tục hành chính", "Administrative procedures")}</h1>
            <p class="agency-line">
                {move || match chosen.get() {
                    Some(a) => view! { <span>{t("Cơ quan: ", "Agency: ")}<strong class="agency-name">{a.name}</strong></span>" " <a href="/co-quan" class="inline-link">{t("Đổi cơ quan", "Change agency")}</a> }.into_any(),
                    None => view! { <a href="/co-quan" class="button">{t("Chọn cơ quan giải quyết", "Choose the handling agency")}</a> }.into_any(),
                }}
            </p>
            <p class="pay-bill">
                <a href="/nop-phi" class="inline-link">{t(
                    "Tra cứu và nộp khoản phải nộp (tiền phạt, đất đai, bảo hiểm)",
                    "Look up and pay a bill (fines, land, insurance)",
                )}</a>
            </p>
            <p class="guide-link">
                // A static page (public/huong-dan.html), not a route of the app.
                <a href="/huong-dan" rel="external" class="inline-link">{t(
                    "Hướng dẫn sử dụng: tạo tài khoản, nộp hồ sơ, nộp phí",
                    "How to: create an account, file a dossier, pay",
                )}</a>
            </p>
            <p class="verify-link">
                // A static page (public/kiem-tra.html): anyone checks a signed document there.
                <a href="/kiem-tra" rel="external" class="inline-link">{t(
                    "Kiểm tra giấy tờ có chữ ký số (kết quả, bản sao chứng thực)",
                    "Check a digitally signed document (result, certified copy)",
                )}</a>
            </p>
            <label class="search">
                <span class="visually-hidden">{t("Tìm thủ tục", "Search procedures")}</span>
                <input
                    type="search"
                    placeholder=t("Tìm thủ tục, ví dụ: chứng thực", "Search procedures, e.g. chung thuc")
                    prop:value=search
                    on:input=move |ev| set_search.set(event_target_value(&ev))
                />
            </label>
            <Transition fallback=|| view! { <p class="muted">{t("Đang tải danh sách thủ tục…", "Loading procedures…")}</p> }>
                {move || Suspend::new(async move {
                    match procedures.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t("Không tìm thấy thủ tục phù hợp.", "No matching procedure found.")}</p> }.into_any(),
                        Ok(list) => {
                            // The cards as the Worker's page writes them (one renderer for both).
                            let cards: Vec<Card> = list.iter().map(|summary| Card { summary, field: "" }).collect();
                            let html = pages::home::cards(&cards, i18n::lang());
                            view! { <ul class="cards" aria-label=t("Danh sách thủ tục", "Procedures") inner_html=html></ul> }.into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
