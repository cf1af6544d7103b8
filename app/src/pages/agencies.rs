//! "Chọn cơ quan": the agency tree (province → … → commune, whatever depth the data has) and a
//! search that ignores diacritics and case ("son tay" finds "Sơn Tây"). Choosing an agency
//! remembers it and goes back to its procedures (or to `?next=`).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use motcua_domain::api::AgencyNode;
use motcua_domain::pages::agencies;

use crate::api;
use crate::components::agency::{flatten, use_chosen, ChosenAgency};
use crate::i18n::{self, t};

#[component]
pub fn AgencyPicker() -> impl IntoView {
    let tree = LocalResource::new(|| async { api::catalog::agencies().await });
    let (search, set_search) = signal(String::new());
    let chosen = use_chosen();
    let query = use_query_map();
    let navigate = use_navigate();
    let choose = Callback::new(move |a: ChosenAgency| {
        let next = query.read_untracked().get("next").filter(|n| n.starts_with('/') && !n.starts_with("//"));
        let to = next.unwrap_or_else(|| format!("/?agency={}", api::encode(&a.code)));
        chosen.set(Some(a));
        navigate(&to, Default::default());
    });

    view! {
        <section class="page">
            <h1>{t("Chọn cơ quan giải quyết", "Choose the handling agency")}</h1>
            <label class="search">
                <span class="visually-hidden">{t("Tìm cơ quan", "Search agencies")}</span>
                <input type="search" placeholder=t("Tìm theo tên, ví dụ: son tay", "Search by name, e.g. son tay") prop:value=search
                    on:input=move |ev| set_search.set(event_target_value(&ev))/>
            </label>
            <Suspense fallback=|| view! { <p class="muted">{t("Đang tải danh sách cơ quan…", "Loading agencies…")}</p> }>
                {move || Suspend::new(async move {
                    match tree.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                        Ok(nodes) => {
                            let all = StoredValue::new(flatten(&nodes));
                            view! {
                                <Show when=move || !search.read().trim().is_empty()
                                    fallback=move || view! { <ul class="tree" aria-label=t("Cây cơ quan", "Agency tree")>{nodes.clone().into_iter().map(|n| view! { <TreeNode node=n choose=choose/> }).collect_view()}</ul> }>
                                    {move || {
                                        let q = search.get();
                                        let hits: Vec<_> = all.with_value(|a| a.iter().filter(|(n, path)| agencies::matches(n, path, &q)).take(agencies::MAX_RESULTS).cloned().collect());
                                        if hits.is_empty() {
                                            return view! { <p class="muted">{t("Không tìm thấy cơ quan phù hợp.", "No matching agency found.")}</p> }.into_any();
                                        }
                                        view! {
                                            <ul class="cards" aria-label=t("Kết quả tìm cơ quan", "Agency search results")>
                                                {hits.into_iter().map(|(n, path)| {
                                                    let pick = ChosenAgency { code: n.code.clone(), name: n.name.clone() };
                                                    view! {
                                                        <li class="card"><button type="button" class="choice" on:click=move |_| choose.run(pick.clone())>
                                                            <span class="card-title">{n.name}</span>
                                                            <span class="card-meta">{path}</span>
                                                        </button></li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </Show>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One agency: a leaf is a button; a parent opens (native `<details>`, no script state) to its
/// own procedures and its children.
#[component]
fn TreeNode(node: AgencyNode, choose: Callback<ChosenAgency>) -> AnyView {
    let pick = ChosenAgency { code: node.code.clone(), name: node.name.clone() };
    if node.children.is_empty() {
        return view! {
            <li><button type="button" class="choice" on:click=move |_| choose.run(pick.clone())>{node.name}</button></li>
        }
        .into_any();
    }
    let name = node.name.clone();
    view! {
        <li>
            <details>
                <summary>{node.name}</summary>
                <ul>
                    <li><button type="button" class="choice own" on:click=move |_| choose.run(pick.clone())>{i18n::pick(format!("Thủ tục của {name}"), format!("Procedures of {name}"))}</button></li>
                    {node.children.into_iter().map(|c| view! { <TreeNode node=c choose=choose/> }).collect_view()}
                </ul>
            </details>
        </li>
    }
    .into_any()
}
