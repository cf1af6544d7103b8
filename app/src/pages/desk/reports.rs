//! `/can-bo/phan-anh`: reports upward. An officer or leader reports a wrong published fee, wrong
//! procedure information, a difficulty or a system error of an agency in their scope and sees
//! the province's answer (and closes an answered report); an admin answers and closes the
//! reports of their province. A wrong fee links to the procedure's published fees and to the
//! catalog page where the corrected fee version is added.

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::api::{AgencyNode, ProcedureSummary};
use motcua_domain::staff_report::{Kind, NewReportInput, ReportView, State};

use super::use_require_staff;
use crate::api;
use crate::components::dates::datetime_vn;
use crate::components::form::Errors;
use crate::staff::use_staff;

fn flatten(nodes: Vec<AgencyNode>, out: &mut Vec<(String, String)>) {
    for n in nodes {
        out.push((n.code, n.name));
        flatten(n.children, out);
    }
}

#[component]
pub fn Reports() -> impl IntoView {
    use_require_staff();
    let ctx = use_staff();
    let is_admin = move || ctx.me.get().is_some_and(|m| m.role == "admin" || m.role == "national");
    view! {
        <section class="page desk reports">
            <h1>"Phản ánh, kiến nghị lên cấp trên"</h1>
            {move || match ctx.me.get() {
                None => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
                Some(_) if is_admin() => view! { <AdminReports/> }.into_any(),
                Some(_) => view! { <MyReports/> }.into_any(),
            }}
        </section>
    }
}

/// One report's text, state and answer.
fn report_card(r: &ReportView) -> impl IntoView {
    view! {
        <p class="card-title">{r.kind_label.clone()}" — "<span class="badge" data-state=r.state.as_str()>{r.state_label.clone()}</span></p>
        <p class="card-meta">{r.agency_name.clone()}{r.procedure_name.clone().map(|p| format!(" · {p}"))}" · "{r.created_by.clone()}", "{datetime_vn(&r.created_at)}</p>
        <p class="report-text">{r.text.clone()}</p>
        {r.answer.clone().map(|a| view! {
            <div class="answer">
                <p class="card-meta">{format!("Trả lời của {}", r.answered_by.clone().unwrap_or_default())}{r.answered_at.as_deref().map(|t| format!(", {}", datetime_vn(t)))}</p>
                <p class="report-answer">{a}</p>
            </div>
        })}
    }
}

#[component]
fn MyReports() -> impl IntoView {
    let ctx = use_staff();
    let agencies = RwSignal::new(Vec::<(String, String)>::new());
    let procedures = RwSignal::new(Vec::<ProcedureSummary>::new());
    let agency = RwSignal::new(String::new());
    let procedure = RwSignal::new(String::new());
    let kind = RwSignal::new(Kind::WrongFee.as_str().to_string());
    let text = RwSignal::new(String::new());
    let errors = RwSignal::new(Errors::default());
    let sent = RwSignal::new(false);
    let list = RwSignal::new(None::<Result<Vec<ReportView>, String>>);
    let reload = move || spawn_local(async move { list.set(Some(api::outreach::my_reports().await.map_err(|e| e.message))) });
    reload();
    Effect::new(move |_| {
        let Some(me) = ctx.me.get() else { return };
        spawn_local(async move {
            let mut all = vec![];
            flatten(api::catalog::agencies().await.unwrap_or_default(), &mut all);
            let mine: Vec<(String, String)> = all.into_iter().filter(|(c, _)| me.agencies.contains(c)).collect();
            if let Some((c, _)) = mine.first() {
                agency.set(c.clone());
            }
            agencies.set(mine);
        });
    });
    Effect::new(move |_| {
        let a = agency.get();
        if a.is_empty() {
            return;
        }
        spawn_local(async move { procedures.set(api::catalog::procedures("", &a).await.unwrap_or_default()) });
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        sent.set(false);
        let p = procedure.get_untracked();
        let body = NewReportInput { agency: agency.get_untracked(), procedure: (!p.is_empty()).then_some(p), kind: kind.get_untracked(), text: text.get_untracked() };
        spawn_local(async move {
            match api::outreach::report(&body).await {
                Ok(_) => {
                    text.set(String::new());
                    sent.set(true);
                    reload();
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };
    let close = move |id: String| {
        spawn_local(async move {
            if let Err(e) = api::outreach::close_mine(&id).await {
                errors.set(e.into());
            }
            reload();
        })
    };
    view! {
        <form on:submit=submit novalidate>
            <label class="field" for="r-agency">
                <span>"Cơ quan"</span>
                <select id="r-agency" on:change=move |ev| agency.set(event_target_value(&ev)) prop:value=agency>
                    {move || agencies.get().into_iter().map(|(c, n)| view! { <option value=c.clone()>{n}</option> }).collect_view()}
                </select>
                <span class="field-error" role="alert">{move || errors.read().at("agency")}</span>
            </label>
            <label class="field" for="r-kind">
                <span>"Nội dung phản ánh"</span>
                <select id="r-kind" on:change=move |ev| kind.set(event_target_value(&ev)) prop:value=kind>
                    {Kind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{k.label_vi()}</option> }).collect_view()}
                </select>
                <span class="field-error" role="alert">{move || errors.read().at("kind")}</span>
            </label>
            <label class="field" for="r-procedure">
                <span>"Thủ tục (bắt buộc khi phí hoặc thông tin thủ tục sai)"</span>
                <select id="r-procedure" on:change=move |ev| procedure.set(event_target_value(&ev)) prop:value=procedure>
                    <option value="">"— Không gắn với thủ tục —"</option>
                    {move || procedures.get().into_iter().map(|p| view! { <option value=p.code.clone()>{format!("{} — {}", p.code, p.name)}</option> }).collect_view()}
                </select>
                <span class="field-error" role="alert">{move || errors.read().at("procedure")}</span>
            </label>
            <label class="field" for="r-text">
                <span>"Mô tả (đúng là gì, căn cứ nào)"</span>
                <textarea id="r-text" rows="4" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <span class="field-error" role="alert">{move || errors.read().at("text")}</span>
            </label>
            {move || errors.get().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || sent.get().then(|| view! { <p class="notice" role="status">"Đã gửi phản ánh lên quản trị cấp tỉnh."</p> })}
            <button type="submit">"Gửi phản ánh"</button>
        </form>
        <h2>"Phản ánh đã gửi"</h2>
        {move || match list.get() {
            None => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
            Some(Err(m)) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
            Some(Ok(v)) if v.is_empty() => view! { <p class="muted">"Chưa gửi phản ánh nào."</p> }.into_any(),
            Some(Ok(v)) => view! {
                <ul class="cards my-reports">
                    {v.into_iter().map(|r| {
                        let id = r.id.clone();
                        let answered = r.state == State::Answered;
                        view! {
                            <li class="card report">
                                {report_card(&r)}
                                {answered.then(|| view! { <button type="button" class="secondary" on:click=move |_| close(id.clone())>"Đã rõ, đóng phản ánh"</button> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
fn AdminReports() -> impl IntoView {
    let status = RwSignal::new("open".to_string());
    let list = RwSignal::new(None::<Result<Vec<ReportView>, String>>);
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        let s = status.get_untracked();
        spawn_local(async move { list.set(Some(api::outreach::reports(&s).await.map_err(|e| e.message))) })
    };
    Effect::new(move |_| {
        status.track();
        reload();
    });
    let tabs = [("open", "Chờ trả lời"), ("answered", "Đã trả lời"), ("closed", "Đã đóng"), ("all", "Tất cả")];
    view! {
        <div class="tabs" role="group" aria-label="Trạng thái phản ánh">
            {tabs.into_iter().map(|(key, label)| view! {
                <button type="button" class="tab" aria-pressed=move || (status.get() == key).to_string() on:click=move |_| status.set(key.to_string())>{label}</button>
            }).collect_view()}
        </div>
        {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        {move || match list.get() {
            None => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
            Some(Err(m)) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
            Some(Ok(v)) if v.is_empty() => view! { <p class="muted">"Không có phản ánh nào trong mục này."</p> }.into_any(),
            Some(Ok(v)) => view! {
                <ul class="cards admin-reports">
                    {v.into_iter().map(|r| {
                        let answer = RwSignal::new(String::new());
                        let (id_a, id_c) = (r.id.clone(), r.id.clone());
                        let input_id = format!("ans-{}", r.id);
                        let send = move |_| {
                            let id = id_a.clone();
                            spawn_local(async move {
                                match api::outreach::answer(&id, &answer.get_untracked()).await {
                                    Ok(_) => { error.set(None); reload(); }
                                    Err(e) => error.set(Some(e.message)),
                                }
                            })
                        };
                        let close = move |_| {
                            let id = id_c.clone();
                            spawn_local(async move {
                                match api::outreach::close(&id).await {
                                    Ok(_) => { error.set(None); reload(); }
                                    Err(e) => error.set(Some(e.message)),
                                }
                            })
                        };
                        view! {
                            <li class="card report">
                                {report_card(&r)}
                                {r.fee_page.clone().map(|href| view! {
                                    <p><a href=href target="_blank" rel="noopener">"Xem mức phí đang công bố"</a>" · "<a href="/can-bo/quan-tri">"Thêm phiên bản phí đã sửa"</a></p>
                                })}
                                {(r.state == State::Open).then(|| view! {
                                    <label class="field" for=input_id.clone()>
                                        <span>"Trả lời"</span>
                                        <textarea id=input_id.clone() rows="3" prop:value=answer on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                                    </label>
                                    <button type="button" on:click=send>"Gửi trả lời"</button>
                                })}
                                {(r.state != State::Closed).then(|| view! { <button type="button" class="secondary" on:click=close>"Đóng phản ánh"</button> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
