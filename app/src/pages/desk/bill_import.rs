//! Bills imported from a CSV file (the tax office's land notices, a fine system's decisions):
//! one row per line of a bill, all taken or none. A refused file lists every bad line by its
//! number and column, in Vietnamese, so the officer fixes them all at once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{self, RowFailure};
use crate::components::form::Errors;

/// The header the file must start with (`motcua_domain::bill::import::HEADER`).
fn header() -> String {
    motcua_domain::bill::import::HEADER.join(",")
}

#[component]
pub fn BillImport(agency: RwSignal<String>, on_imported: Callback<String>) -> impl IntoView {
    let errors = RwSignal::new(Errors::default());
    let rows = RwSignal::new(Vec::<RowFailure>::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        rows.set(Vec::new());
        let input = document().get_element_by_id("i-file").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(file) = input.as_ref().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
            errors.set(Errors { field: Some("file".into()), message: "Vui lòng chọn tệp CSV cần nhập.".into() });
            return;
        };
        busy.set(true);
        let call = api::bills::import(&agency.get_untracked(), &file);
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(r) => {
                    if let Some(i) = &input {
                        i.set_value("");
                    }
                    on_imported.run(format!("Đã nhập {} khoản phải nộp từ tệp.", r.imported));
                }
                Err(mut e) => {
                    rows.set(std::mem::take(&mut e.rows));
                    // The rows are listed below; the message says how many and the first.
                    errors.set(Errors { field: None, message: e.message });
                }
            }
        });
    };
    view! {
        <form class="admin-form bill-import" aria-labelledby="import-title" novalidate on:submit=submit>
            <h2 id="import-title">"Nhập khoản phải nộp từ tệp CSV"</h2>
            <p class="muted">"Mỗi dòng là một khoản (dòng) của một khoản phải nộp; các dòng liền nhau cùng loại, cơ quan, người nộp, số văn bản và hạn nộp là các khoản của cùng một khoản phải nộp. Tệp có lỗi thì không khoản nào được nhập."</p>
            <p class="muted">"Dòng đầu tiên của tệp:"</p>
            <p class="ref csv-header">{header()}</p>
            <label class="field" for="i-file">
                <span>"Tệp CSV (UTF-8)"</span>
                <input id="i-file" type="file" accept=".csv,text/csv" aria-describedby="e-i-file"
                    aria-invalid=move || errors.read().at("file").is_some().to_string()/>
                <span class="field-error" id="e-i-file" role="alert">{move || errors.read().at("file")}</span>
            </label>
            {move || errors.read().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Đang nhập…" } else { "Nhập tệp" }}</button>
        </form>
        {move || (!rows.read().is_empty()).then(|| view! {
            <table class="lines import-errors">
                <caption>"Các dòng có lỗi"</caption>
                <thead><tr><th scope="col">"Dòng"</th><th scope="col">"Cột"</th><th scope="col">"Lỗi"</th></tr></thead>
                <tbody>
                    {rows.get().into_iter().map(|r| view! {
                        <tr><td class="num">{r.line}</td><td class="import-col">{r.field}</td><td>{r.message}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}
