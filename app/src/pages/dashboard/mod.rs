//! The leaders' dashboard (`/lanh-dao?agency=&period=`): the online payment rate of each agency
//! in the caller's scope against the year's target (bar chart sorted by rate, target line,
//! agencies below it marked, the numbers beside, and the share of dossiers whose latest state
//! Cổng DVCQG acknowledged), the monthly trend, the drill-down by agency and
//! procedure, fee procedures with online payment, dormant procedures and overdue dossiers; beside
//! the payment rate, each unit's online-submission rate (intake: online, at the counter, by post,
//! with its monthly trend) and the citizens' ratings. Each unit is compared with its own target
//! (its own, its district's or province's, else the default). Every table has its CSV; every
//! count of payments links to the dossiers behind it in the desk's list.

mod chart;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::HashMap;

use motcua_domain::dashboard::{Period, RateRow, RatesView};
use motcua_domain::indicators::{verdict, IntakeRow, IntakeView, RatingsView};

use crate::api::{self, encode, ApiFailure};
use crate::staff::use_staff;

/// `43109` → `43.109` (Vietnamese grouping).
pub fn group_vi(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// The desk's list of the dossiers behind a count.
fn desk_link(agency: &str, period: &Period, paid: &str) -> String {
    format!(
        "/can-bo?agency={}&from={}&to={}&paid={paid}",
        encode(agency),
        motcua_domain::calendar::format_iso_date(period.from),
        motcua_domain::calendar::format_iso_date(period.to)
    )
}

fn query_suffix(agency: &str, period: &str) -> String {
    let mut q = Vec::new();
    if !agency.is_empty() {
        q.push(format!("agency={}", encode(agency)));
    }
    if !period.is_empty() {
        q.push(format!("period={}", encode(period)));
    }
    q.join("&")
}

fn failure_view(e: ApiFailure) -> AnyView {
    let msg = if e.status == 404 { "Không tìm thấy dữ liệu thống kê trong phạm vi của bạn.".to_string() } else { e.message };
    view! { <p class="error" role="alert">{msg}</p> }.into_any()
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let ctx = use_staff();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if ctx.checked.get() && ctx.me.get().is_none() {
            navigate("/can-bo/dang-nhap", Default::default());
        }
    });
    let query = use_query_map();
    let agency = Memo::new(move |_| query.read().get("agency").unwrap_or_default());
    let period = Memo::new(move |_| query.read().get("period").unwrap_or_default());
    let qs = Memo::new(move |_| query_suffix(&agency.get(), &period.get()));
    let ready = move || ctx.me.get().is_some();

    let rates = LocalResource::new(move || {
        let q = qs.get();
        let go = ready();
        async move { if go { Some(api::dashboard::rates(&q).await) } else { None } }
    });
    let trend = LocalResource::new(move || {
        let q = qs.get();
        let go = ready();
        async move { if go { Some(api::dashboard::trend(&q).await) } else { None } }
    });
    let procs = LocalResource::new(move || {
        let q = qs.get();
        let go = ready();
        async move { if go { Some(api::dashboard::procedures(&q).await) } else { None } }
    });
    let intake = LocalResource::new(move || {
        let q = qs.get();
        let go = ready();
        async move { if go { Some(api::dashboard::intake(&q).await) } else { None } }
    });
    let ratings = LocalResource::new(move || {
        let q = qs.get();
        let go = ready();
        async move { if go { Some(api::dashboard::ratings(&q).await) } else { None } }
    });
    let digitization = LocalResource::new(move || {
        let q = qs.get();
        let go = ready();
        async move { if go { Some(api::dashboard::digitization(&q).await) } else { None } }
    });
    let scope_q = Memo::new(move |_| query_suffix(&agency.get(), ""));
    let coverage = LocalResource::new(move || {
        let q = scope_q.get();
        let go = ready();
        async move { if go { Some(api::dashboard::coverage(&q).await) } else { None } }
    });
    let dormant = LocalResource::new(move || {
        let q = scope_q.get();
        let go = ready();
        async move { if go { Some(api::dashboard::dormant(&q).await) } else { None } }
    });
    let overdue = LocalResource::new(move || {
        let q = scope_q.get();
        let go = ready();
        async move { if go { Some(api::dashboard::overdue(&q).await) } else { None } }
    });

    let period_input = RwSignal::new(String::new());
    Effect::new(move |_| period_input.set(period.get()));
    let nav2 = use_navigate();
    let choose = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = query_suffix(&agency.get_untracked(), period_input.get_untracked().trim());
        nav2(&format!("/lanh-dao?{q}"), Default::default());
    };
    let csv = move |route: &str, with_period: bool| {
        let q = if with_period { qs.get() } else { scope_q.get() };
        api::dashboard::csv_url(route, &q)
    };

    view! {
        <section class="page dashboard">
            <h1>"Thanh toán trực tuyến phí, lệ phí"</h1>
            <form class="period no-print" on:submit=choose>
                <label for="period">"Kỳ báo cáo"</label>
                <input id="period" name="period" list="period-presets" placeholder="2023, 2023-Q4, 2023-10 hoặc 2023-01-01..2023-10-23"
                    prop:value=move || period_input.get() on:input=move |ev| period_input.set(event_target_value(&ev))/>
                <datalist id="period-presets">
                    <option value="2026"/><option value="2025"/><option value="2024"/><option value="2023"/>
                    <option value="2023-01-01..2023-10-23"/>
                </datalist>
                <button type="submit">"Xem"</button>
            </form>
            {move || rates.get().flatten().map(|r| match r {
                Err(e) => failure_view(e),
                Ok(v) => {
                    // The intake rate of each unit, beside its payment rate (once loaded).
                    let by_unit: HashMap<String, IntakeRow> = intake.get().flatten().and_then(Result::ok)
                        .map(|i| i.rows.into_iter().chain(std::iter::once(i.summary)).map(|r| (r.code.clone(), r)).collect())
                        .unwrap_or_default();
                    rates_view(v, by_unit, csv("rates", true)).into_any()
                }
            })}
            <h2 id="intake-title">"Hồ sơ nộp trực tuyến"</h2>
            {move || intake.get().flatten().map(|r| match r {
                Err(e) => failure_view(e),
                Ok(v) => intake_view(v, csv("intake", true)).into_any(),
            })}
            <h2 id="digitization-title">"Số hóa hồ sơ, kết quả và bản sao điện tử"</h2>
            {move || digitization.get().flatten().map(|r| match r {
                Err(e) => failure_view(e),
                Ok(v) => digitization_view(v, csv("digitization", true)).into_any(),
            })}
            <h2 id="ratings-title">"Đánh giá của người dân"</h2>
            {move || ratings.get().flatten().map(|r| match r {
                Err(e) => failure_view(e),
                Ok(v) => ratings_view(v, csv("ratings", true)).into_any(),
            })}
            <h2>"Xu hướng theo tháng"</h2>
            {move || trend.get().flatten().map(|r| match r {
                Err(e) => failure_view(e),
                Ok(t) => view! {
                    <chart::TrendChart trend=t.clone()/>
                    <p class="no-print"><a href=csv("trend", true) download="xu-huong.csv">"Tải CSV xu hướng"</a></p>
                }.into_any(),
            })}
            <h2>"Theo thủ tục"</h2>
            {move || procs.get().flatten().map(|r| match r {
                Err(e) => failure_view(e),
                Ok(rows) => view! {
                    <div class="table-wrap"><table class="lines" id="procedures">
                        <thead><tr><th scope="col">"Thủ tục"</th><th scope="col" class="num">"Trực tuyến"</th><th scope="col" class="num">"Khác"</th><th scope="col" class="num">"Tỷ lệ"</th></tr></thead>
                        <tbody>{rows.into_iter().map(|p| view! {
                            <tr class:below=p.below_target><td>{p.name}<br/><span class="muted">{p.code}</span></td>
                            <td class="num">{group_vi(p.online)}</td><td class="num">{group_vi(p.other)}</td><td class="num">{p.rate_display}</td></tr>
                        }).collect_view()}</tbody>
                    </table></div>
                    <p class="no-print"><a href=csv("procedures", true) download="thu-tuc.csv">"Tải CSV theo thủ tục"</a></p>
                }.into_any(),
            })}
            <h2>"Thủ tục có phí được thanh toán trực tuyến"</h2>
            {move || coverage.get().flatten().map(|r| match r {
                Err(e) => failure_view(e),
                Ok(c) => view! {
                    <p>{format!("{}/{} thủ tục có phí, lệ phí đã cho thanh toán trực tuyến ({}; chỉ tiêu tối thiểu 50%, mục tiêu 100%). {} cơ quan chưa đủ tài khoản thụ hưởng (phí và lệ phí).",
                        c.with_online_payment, c.with_fees, c.rate_display, c.agencies_without_account)}</p>
                    <div class="table-wrap"><table class="lines" id="coverage">
                        <thead><tr><th scope="col">"Cơ quan"</th><th scope="col" class="num">"Có phí"</th><th scope="col" class="num">"Trực tuyến"</th><th scope="col">"Tài khoản thụ hưởng"</th></tr></thead>
                        <tbody>{c.rows.into_iter().map(|r| view! {
                            <tr><td>{r.name}</td><td class="num">{r.with_fees}</td><td class="num">{r.with_online_payment}</td>
                            <td>{match (r.has_phi_account, r.has_le_phi_account) {
                                (true, true) => "Đủ (phí và lệ phí)",
                                (true, false) => "Thiếu tài khoản KBNN nhận lệ phí",
                                (false, true) => "Thiếu tài khoản thu phí",
                                (false, false) => "Chưa có",
                            }}</td></tr>
                        }).collect_view()}</tbody>
                    </table></div>
                    <p class="no-print"><a href=csv("coverage", false) download="thu-tuc-co-phi.csv">"Tải CSV"</a></p>
                }.into_any(),
            })}
            <h2>"Hồ sơ quá hạn"</h2>
            {move || overdue.get().flatten().map(|r| match r {
                Err(e) => failure_view(e),
                Ok(rows) => view! {
                    <div class="table-wrap"><table class="lines" id="overdue">
                        <thead><tr><th scope="col">"Cơ quan"</th><th scope="col" class="num">"Quá hạn"</th></tr></thead>
                        <tbody>{rows.into_iter().map(|r| view! {
                            <tr><td>{r.name}</td><td class="num"><a href=format!("/can-bo?agency={}&overdue=1", encode(&r.code))>{group_vi(r.overdue)}</a></td></tr>
                        }).collect_view()}</tbody>
                    </table></div>
                    <p class="no-print"><a href=csv("overdue", false) download="ho-so-qua-han.csv">"Tải CSV"</a></p>
                }.into_any(),
            })}
            <h2>"Thủ tục không phát sinh hồ sơ trong 3 năm"</h2>
            {move || dormant.get().flatten().map(|r| match r {
                Err(e) => failure_view(e),
                Ok(rows) => view! {
                    <p>{format!("{} cặp cơ quan – thủ tục không có hồ sơ trong 3 năm gần nhất.", rows.len())}</p>
                    <details><summary>"Xem danh sách"</summary>
                    <div class="table-wrap"><table class="lines" id="dormant">
                        <thead><tr><th scope="col">"Cơ quan"</th><th scope="col">"Thủ tục"</th><th scope="col">"Hồ sơ gần nhất"</th></tr></thead>
                        <tbody>{rows.into_iter().map(|r| view! {
                            <tr><td>{r.agency_name}</td><td>{r.procedure_name}<br/><span class="muted">{r.procedure}</span></td><td>{r.last_dossier.unwrap_or_else(|| "Chưa có".into())}</td></tr>
                        }).collect_view()}</tbody>
                    </table></div></details>
                    <p class="no-print"><a href=csv("dormant", false) download="thu-tuc-khong-phat-sinh.csv">"Tải CSV"</a></p>
                }.into_any(),
            })}
        </section>
    }
}

/// The national portal's share of a row in words, for the cell's title.
fn national_title(r: &RateRow) -> String {
    match r.national_total {
        0 => "Chưa có hồ sơ nào cần đồng bộ Cổng DVCQG trong kỳ".into(),
        total => format!("{} / {} hồ sơ có trạng thái mới nhất đã được Cổng DVCQG tiếp nhận", group_vi(r.national_synced), group_vi(total)),
    }
}

/// "30,00% · Đạt" — the unit's own target and its verdict; the title says where it comes from.
/// Under a unit's rate below its target: how many more online payments would reach it.
fn to_target_note(r: &RateRow) -> Option<impl IntoView> {
    r.to_target.filter(|n| *n > 0 && r.meets_target == Some(false)).map(|n| {
        view! {
            <br/><span class="small muted to-target" title="Số lượt thanh toán trực tuyến cần thêm để đạt chỉ tiêu, nếu các lượt tới đều trực tuyến">
                {format!("thiếu {}", group_vi(n))}
            </span>
        }
    })
}

fn target_cell(display: &str, source: &str, meets: Option<bool>) -> impl IntoView {
    let origin = match source {
        "own" => "Chỉ tiêu được giao cho đơn vị",
        "inherited" => "Theo chỉ tiêu của cấp trên",
        "default" => "Chỉ tiêu chung (Nghị quyết 01/NQ-CP: 30%)",
        _ => "Chưa giao chỉ tiêu",
    };
    view! {
        <td class="target-cell" title=origin data-source=source.to_string()>
            {if display == "—" { "—".to_string() } else { format!("{display} · {}", verdict(meets)) }}
        </td>
    }
}

fn intake_view(v: IntakeView, csv_href: String) -> impl IntoView {
    let s = v.summary.clone();
    let row_view = move |r: IntakeRow, foot: bool| {
        let name = if foot { view! { <th scope="row">{format!("Tổng: {}", r.name)}</th> }.into_any() } else { view! { <th scope="row">{r.name.clone()}</th> }.into_any() };
        view! {
            <tr class:below=r.meets_target == Some(false) data-code=r.code.clone()>
                {name}
                <td class="num">{group_vi(r.online)}</td>
                <td class="num">{group_vi(r.counter)}</td>
                <td class="num">{group_vi(r.post)}</td>
                <td class="num">{r.rate_display.clone()}</td>
                {target_cell(&r.target_display, &r.target_source, r.meets_target)}
            </tr>
        }
    };
    view! {
        <p class="lead" id="intake-summary">
            {format!("{} · {}: ", s.name, v.period.label)}
            <strong class="big" class:below=s.meets_target == Some(false)>{s.rate_display.clone()}</strong>
            {format!(" hồ sơ nộp trực tuyến ({} trực tuyến, {} tại quầy, {} qua bưu chính).", group_vi(s.online), group_vi(s.counter), group_vi(s.post))}
        </p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Bảng hồ sơ nộp trực tuyến theo cơ quan">
            <table class="lines" id="intake">
                <caption class="visually-hidden">"Hồ sơ nộp trực tuyến, tại quầy và qua bưu chính theo cơ quan"</caption>
                <thead><tr>
                    <th scope="col">"Cơ quan"</th><th scope="col" class="num">"Trực tuyến"</th><th scope="col" class="num">"Tại quầy"</th>
                    <th scope="col" class="num">"Bưu chính"</th><th scope="col" class="num">"Tỷ lệ"</th><th scope="col">"Chỉ tiêu"</th>
                </tr></thead>
                <tbody>{v.rows.into_iter().map(|r| row_view(r, false)).collect_view()}</tbody>
                <tfoot>{row_view(s, true)}</tfoot>
            </table>
        </div>
        <h3>"Nộp trực tuyến theo tháng"</h3>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Bảng nộp trực tuyến theo tháng">
            <table class="lines" id="intake-trend">
                <thead><tr><th scope="col">"Tháng"</th><th scope="col" class="num">"Trực tuyến"</th><th scope="col" class="num">"Tại quầy"</th><th scope="col" class="num">"Bưu chính"</th><th scope="col" class="num">"Tỷ lệ"</th></tr></thead>
                <tbody>{v.trend.into_iter().map(|p| view! {
                    <tr><th scope="row">{format!("{}/{}", p.month.get(5..7).unwrap_or(""), p.month.get(0..4).unwrap_or(""))}</th>
                    <td class="num">{group_vi(p.online)}</td><td class="num">{group_vi(p.counter)}</td><td class="num">{group_vi(p.post)}</td><td class="num">{p.rate_display}</td></tr>
                }).collect_view()}</tbody>
            </table>
        </div>
        <details><summary>"Theo thủ tục"</summary>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Bảng nộp trực tuyến theo thủ tục"><table class="lines" id="intake-procedures">
                <thead><tr><th scope="col">"Thủ tục"</th><th scope="col" class="num">"Trực tuyến"</th><th scope="col" class="num">"Tại quầy"</th><th scope="col" class="num">"Bưu chính"</th><th scope="col" class="num">"Tỷ lệ"</th></tr></thead>
                <tbody>{v.procedures.into_iter().map(|p| view! {
                    <tr><td>{p.name}<br/><span class="muted">{p.code}</span></td><td class="num">{group_vi(p.online)}</td><td class="num">{group_vi(p.counter)}</td><td class="num">{group_vi(p.post)}</td><td class="num">{p.rate_display}</td></tr>
                }).collect_view()}</tbody>
            </table></div>
        </details>
        <p class="no-print"><a id="intake-csv" href=csv_href download="ho-so-truc-tuyen.csv">"Tải CSV hồ sơ nộp trực tuyến"</a></p>
    }
}

fn digitization_view(v: motcua_domain::document::DigitizationView, csv_href: String) -> impl IntoView {
    use motcua_domain::document::DigitizationRow;
    let pct = |x: f64| format!("{x:.1}").replace('.', ",") + " %";
    let s = v.summary.clone();
    let c = v.copy_units.clone();
    let row_view = move |r: DigitizationRow, foot: bool| {
        let name = if foot { format!("Tổng: {}", r.agency_name) } else { r.agency_name.clone() };
        view! {
            <tr data-code=r.agency_code.clone()>
                <th scope="row">{name}</th>
                <td class="num">{group_vi(r.counts.received)}</td>
                <td class="num">{group_vi(r.counts.at_reception)}</td>
                <td class="num">{pct(r.reception_rate)}</td>
                <td class="num">{group_vi(r.counts.with_result)}</td>
                <td class="num">{group_vi(r.counts.at_return)}</td>
                <td class="num">{pct(r.return_rate)}</td>
                <td class="num">{group_vi(r.counts.copies)}</td>
            </tr>
        }
    };
    view! {
        <p class="lead" id="digitization-summary">
            {format!("{} · {}: số hóa khi tiếp nhận ", s.agency_name, v.period.label)}
            <strong class="big">{pct(s.reception_rate)}</strong>
            {format!(", kết quả được ký số {}.", pct(s.return_rate))}
        </p>
        <p id="copy-units" class:below=!c.meets_target>
            {format!("Đơn vị cấp xã, cấp huyện cấp bản sao điện tử có chứng thực: {}/{} ({}); chỉ tiêu {} %{}",
                c.issuing, c.units, pct(c.rate), c.target, if c.meets_target { " — đạt." } else { " — chưa đạt." })}
        </p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Bảng số hóa theo cơ quan">
            <table class="lines" id="digitization">
                <caption class="visually-hidden">"Hồ sơ số hóa khi tiếp nhận, kết quả ký số và bản sao điện tử theo cơ quan"</caption>
                <thead><tr>
                    <th scope="col">"Cơ quan"</th><th scope="col" class="num">"Tiếp nhận"</th><th scope="col" class="num">"Số hóa khi tiếp nhận"</th>
                    <th scope="col" class="num">"Tỷ lệ"</th><th scope="col" class="num">"Có kết quả"</th><th scope="col" class="num">"Kết quả ký số"</th>
                    <th scope="col" class="num">"Tỷ lệ"</th><th scope="col" class="num">"Bản sao điện tử"</th>
                </tr></thead>
                <tbody>{v.rows.into_iter().map(|r| row_view(r, false)).collect_view()}</tbody>
                <tfoot>{row_view(s, true)}</tfoot>
            </table>
        </div>
        <p class="no-print"><a id="digitization-csv" href=csv_href download="so-hoa.csv">"Tải CSV số hóa"</a></p>
    }
}

fn ratings_view(v: RatingsView, csv_href: String) -> impl IntoView {
    let s = v.summary.clone();
    let reasons = |r: &motcua_domain::indicators::RatingsRow| r.top_reasons.iter().map(|x| format!("{} ({})", x.label, x.count)).collect::<Vec<_>>().join("; ");
    view! {
        <p class="lead" id="ratings-summary">{if s.count == 0 {
            format!("{} · {}: chưa có đánh giá.", s.name, v.period.label)
        } else {
            format!("{} · {}: {} đánh giá, điểm trung bình {}/5, {} hài lòng (4–5 điểm).", s.name, v.period.label, group_vi(s.count), s.average_display, s.satisfied_display)
        }}</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Bảng đánh giá theo cơ quan">
            <table class="lines" id="ratings">
                <caption class="visually-hidden">"Đánh giá của người dân theo cơ quan"</caption>
                <thead><tr>
                    <th scope="col">"Cơ quan"</th><th scope="col" class="num">"Số đánh giá"</th><th scope="col" class="num">"Điểm TB"</th>
                    <th scope="col" class="num wrap">"1 · 2 · 3 · 4 · 5"</th><th scope="col">"Lý do nhiều nhất"</th>
                </tr></thead>
                <tbody>{v.rows.iter().chain(std::iter::once(&s)).map(|r| view! {
                    <tr data-code=r.code.clone()>
                        <th scope="row">{r.name.clone()}</th>
                        <td class="num">{group_vi(r.count)}</td>
                        <td class="num">{r.average_display.clone()}</td>
                        <td class="num">{r.distribution.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" · ")}</td>
                        <td>{reasons(r)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
        </div>
        <p class="no-print"><a id="ratings-csv" href=csv_href download="danh-gia.csv">"Tải CSV đánh giá"</a></p>
    }
}

fn rates_view(v: RatesView, intake: HashMap<String, IntakeRow>, csv_href: String) -> impl IntoView {
    let period_key = v.period.key.clone();
    let s = v.summary.clone();
    let period = v.period.clone();
    let up = v.parent.clone().map(|p| format!("/lanh-dao?{}", query_suffix(&p, &period_key)));
    let row_view = {
        let period = period.clone();
        let period_key = period_key.clone();
        move |r: RateRow, foot: bool| {
            let drill = format!("/lanh-dao?{}", query_suffix(&r.code, &period_key));
            let name = if foot { view! { <th scope="row">{format!("Tổng: {}", r.name)}</th> }.into_any() } else { view! { <th scope="row"><a href=drill>{r.name.clone()}</a></th> }.into_any() };
            view! {
                <tr class:below=r.below_target data-code=r.code.clone()>
                    {name}
                    <td class="num"><a href=desk_link(&r.code, &period, "online")>{group_vi(r.online)}</a></td>
                    <td class="num"><a href=desk_link(&r.code, &period, "other")>{group_vi(r.other)}</a></td>
                    <td class="num"><a href=desk_link(&r.code, &period, "any")>{group_vi(r.total)}</a></td>
                    <td class="num">{r.rate_display.clone()}{to_target_note(&r)}</td>
                    {target_cell(&r.target_display, &r.target_source, r.meets_target)}
                    <td class="num national" title=national_title(&r)>{r.national_rate_display.clone()}
                        {(r.national_total > 0).then(|| view! { <br/><span class="small muted">{format!("{}/{}", group_vi(r.national_synced), group_vi(r.national_total))}</span> })}</td>
                    <td class="num intake-rate" title="Tỷ lệ hồ sơ nộp trực tuyến">{intake.get(&r.code).map(|i| i.rate_display.clone()).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        }
    };
    view! {
        <p class="lead">
            {format!("{} · {}: ", s.name, v.period.label)}
            <strong class="big" class:below=s.below_target>{s.rate_display.clone()}</strong>
            {format!(" trực tuyến ({} / {} hồ sơ có phí, lệ phí); chỉ tiêu năm {}: {}.", group_vi(s.online), group_vi(s.total), v.period.target_year(), s.target_display)}
            {s.to_target.filter(|n| *n > 0 && s.meets_target == Some(false)).map(|n| view! {
                <span id="to-target">{format!(" Để đạt chỉ tiêu cần thêm {} lượt thanh toán trực tuyến (nếu các lượt tới đều trực tuyến).", group_vi(n))}</span>
            })}
        </p>
        <p>{format!("{} đơn vị có phát sinh thanh toán trực tuyến.", v.with_online_display)}</p>
        <p id="national-summary">"Đồng bộ Cổng DVCQG: "<strong>{s.national_rate_display.clone()}</strong>
            {if s.national_total > 0 {
                format!(" ({} / {} hồ sơ có trạng thái mới nhất đã được Cổng Dịch vụ công Quốc gia tiếp nhận).", group_vi(s.national_synced), group_vi(s.national_total))
            } else {
                " (chưa có hồ sơ nào cần đồng bộ trong kỳ).".to_string()
            }}</p>
        {up.map(|href| view! { <p class="no-print"><a href=href>"↑ Lên cấp trên"</a></p> })}
        <chart::RateChart rows=v.rows.clone() target=v.target/>
        <div class="table-wrap">
            <table class="lines" id="rates">
                <caption class="visually-hidden">"Tỷ lệ thanh toán trực tuyến theo cơ quan"</caption>
                <thead><tr>
                    <th scope="col">"Cơ quan"</th><th scope="col" class="num">"Trực tuyến"</th><th scope="col" class="num">"Khác"</th>
                    <th scope="col" class="num">"Tổng"</th><th scope="col" class="num">"Tỷ lệ"</th><th scope="col">"Chỉ tiêu"</th>
                    <th scope="col" class="num wrap">"Đồng bộ Cổng DVCQG"</th>
                    <th scope="col" class="num wrap">"Nộp trực tuyến"</th>
                </tr></thead>
                <tbody>{v.rows.clone().into_iter().map(|r| row_view.clone()(r, false)).collect_view()}</tbody>
                <tfoot>{row_view(s, true)}</tfoot>
            </table>
        </div>
        <p class="no-print"><a id="rates-csv" href=csv_href download="ty-le.csv">"Tải CSV bảng tỷ lệ"</a></p>
    }
}
