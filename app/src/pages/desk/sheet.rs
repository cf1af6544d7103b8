//! `/can-bo/ho-so/:id/phieu-kiem-soat`: the progress-control sheet (phiếu kiểm soát quá trình
//! giải quyết hồ sơ) — every step with who took it, when, the deadline, and whether it was on
//! time — and the digitization marks (documents scanned at reception, the signed result at
//! return); printable on A4 (style/main.css `@media print`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use motcua_domain::api::StaffDossier;

use super::{day, use_require_staff, when};
use crate::api::{self, ApiFailure};

#[component]
pub fn ControlSheet() -> impl IntoView {
    use_require_staff();
    let params = use_params_map();
    let data = RwSignal::new(None::<Result<StaffDossier, ApiFailure>>);
    let id = params.read_untracked().get("id").unwrap_or_default();
    spawn_local(async move { data.set(Some(api::desk::dossier(&id).await)) });
    view! {
        <section class="page sheet">
            {move || match data.get() {
                None => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(d)) => {
                    let s = d.detail.summary.clone();
                    let deadline = s.deadline.as_deref().map(day).unwrap_or_default();
                    view! {
                        <p class="no-print"><a href=format!("/can-bo/ho-so/{}", s.id)>"← Về hồ sơ"</a></p>
                        <div class="sheet-head">
                            <p><strong>{s.agency_name.to_uppercase()}</strong><br/>"BỘ PHẬN MỘT CỬA"</p>
                            <p><strong>"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</strong><br/>"Độc lập - Tự do - Hạnh phúc"</p>
                        </div>
                        <h1 class="sheet-title">"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"</h1>
                        <dl class="facts">
                            <dt>"Mã hồ sơ"</dt><dd class="dossier-code">{s.code.clone().unwrap_or_default()}</dd>
                            <dt>"Thủ tục"</dt><dd>{s.procedure_name.clone()}</dd>
                            <dt>"Người nộp"</dt><dd>{d.detail.applicant.full_name.clone()}</dd>
                            <dt>"Ngày tiếp nhận"</dt><dd>{s.submitted_at.as_deref().map(when).unwrap_or_default()}</dd>
                            <dt>"Thời hạn giải quyết"</dt><dd>{format!("{} ngày làm việc", d.processing_days)}</dd>
                            <dt>"Hạn trả kết quả"</dt><dd>{deadline.clone()}</dd>
                            <dt>"Trạng thái"</dt><dd>{s.status_label.clone()}</dd>
                        </dl>
                        <div class="table-wrap" tabindex="0" role="region" aria-label="Bảng các bước giải quyết hồ sơ">
                            <table class="lines steps">
                                <caption class="visually-hidden">"Các bước giải quyết hồ sơ"</caption>
                                <thead><tr>
                                    <th scope="col">"STT"</th><th scope="col">"Bước xử lý"</th><th scope="col">"Người thực hiện"</th>
                                    <th scope="col">"Thời gian"</th><th scope="col">"Hạn"</th><th scope="col">"Kết quả"</th>
                                </tr></thead>
                                <tbody>
                                    {d.steps.iter().enumerate().map(|(i, st)| view! {
                                        <tr>
                                            <td>{i + 1}</td>
                                            <td>{st.action_label.clone()}{st.reason.clone().map(|r| view! { <br/><span class="muted">{r}</span> })}</td>
                                            <td>{st.actor.clone()}</td>
                                            <td>{when(&st.at)}</td>
                                            <td>{deadline.clone()}</td>
                                            <td class="on-time">{match st.on_time { Some(true) => "Đúng hạn", Some(false) => "Quá hạn", None => "—" }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <section class="digitization" aria-labelledby="digitization-title">
                            <h2 id="digitization-title">"Số hóa hồ sơ, kết quả"</h2>
                            <dl class="facts">
                                <dt>"Khi tiếp nhận"</dt>
                                <dd class="digitized-reception" data-done=d.digitization.at_reception.to_string()>
                                    {if d.digitization.at_reception { "Đã số hóa" } else { "Chưa số hóa" }}
                                </dd>
                                <dt>"Khi trả kết quả"</dt>
                                <dd class="digitized-return" data-done=d.digitization.at_return.to_string()>
                                    {if d.digitization.at_return { "Đã số hóa, có chữ ký số" } else { "Chưa số hóa" }}
                                </dd>
                            </dl>
                            {(!d.digitization.reception_documents.is_empty()).then(|| view! {
                                <p>"Giấy tờ đã số hóa khi tiếp nhận:"</p>
                                <ul class="digitized-documents">
                                    {d.digitization.reception_documents.iter().map(|doc| view! { <li>{doc.clone()}</li> }).collect_view()}
                                </ul>
                            })}
                        </section>
                        <button type="button" class="no-print" on:click=|_| { let _ = window().print(); }>"In phiếu (A4)"</button>
                    }.into_any()
                }
            }}
        </section>
    }
}
