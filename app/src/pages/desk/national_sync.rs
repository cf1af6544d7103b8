//! `/can-bo/dong-bo-dvcqg`: the national portal's sync for admins. Every dossier event and
//! rating becomes a message to Cổng DVCQG; this page counts them by state in the admin's
//! agencies, lists them (what failed first, with the portal's reason in full) and sends a failed
//! one again. A failed message holds back its dossier's later ones until it is sent again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::national::sync::SyncState;
use motcua_domain::national::{SyncItem, SyncList};

use super::{use_require_staff, when, ListShape};
use crate::api::national::state_key;
use crate::api::{self, ApiFailure};
use crate::staff::use_staff;

/// The filter's tabs, in the order an operator looks at them.
const FILTERS: [(Option<SyncState>, &str); 5] = [
    (Some(SyncState::Failed), "Gửi không thành công"),
    (Some(SyncState::Pending), "Chờ gửi"),
    (Some(SyncState::Sent), "Đang gửi"),
    (Some(SyncState::Acknowledged), "Cổng đã nhận"),
    (None, "Tất cả"),
];

/// What went wrong, by the sync's error code (the server keeps the portal's own words in `error`).
fn error_label(code: &str) -> &'static str {
    match code {
        "refused" => "Cổng DVCQG từ chối bản tin",
        "unreachable" => "Không kết nối được Cổng DVCQG",
        "timeout" => "Cổng DVCQG không trả lời kịp",
        "server_error" => "Cổng DVCQG báo lỗi máy chủ",
        "bad_reply" => "Cổng DVCQG trả lời không đúng định dạng",
        "gave_up" => "Đã thử lại nhiều lần không thành công",
        "not_configured" => "Chưa cấu hình kết nối Cổng DVCQG",
        "login_refused" | "session_refused" | "session_expired" => "Cổng DVCQG không chấp nhận tài khoản kết nối",
        "unreadable" => "Không lập được bản tin từ hồ sơ",
        _ => "Lỗi khi gửi",
    }
}

fn count_of(list: &SyncList, state: SyncState) -> i64 {
    match state {
        SyncState::Pending => list.pending,
        SyncState::Sent => list.sent,
        SyncState::Acknowledged => list.acknowledged,
        SyncState::Failed => list.failed,
    }
}

#[component]
pub fn NationalSync() -> impl IntoView {
    use_require_staff();
    let ctx = use_staff();
    let admin = Memo::new(move |_| ctx.me.get().map(|m| m.role == "admin" || m.role == "national"));
    let filter = RwSignal::new(Some(SyncState::Failed));
    let dossier = RwSignal::new(String::new());
    let dossier_input = RwSignal::new(String::new());
    let list = RwSignal::new(None::<Result<SyncList, ApiFailure>>);
    let refresh = RwSignal::new(0u32);
    let done = RwSignal::new(String::new());
    let stale = RwSignal::new(None::<String>);
    let abort = api::use_abort();
    Effect::new(move |_| {
        let (state, code) = (filter.get(), dossier.get());
        refresh.track();
        if admin.get() != Some(true) {
            return;
        }
        let call = api::national::list(state, &code).signal(abort.next());
        spawn_local(async move {
            match call.await {
                Err(e) if e.is_aborted() => {}
                r => list.set(Some(r)),
            }
        });
    });
    let shape = Memo::new(move |_| ListShape::of(list.read().as_ref(), |l: &SyncList| l.items.is_empty()));
    // The counts and the connection's flag, without the rows (so the tabs do not rebuild them).
    let summary = Memo::new(move |_| {
        list.with(|l| {
            l.as_ref().and_then(|r| r.as_ref().ok()).map(|l| {
                let counts = SyncList {
                    pending: l.pending,
                    sent: l.sent,
                    acknowledged: l.acknowledged,
                    failed: l.failed,
                    configured: l.configured,
                    items: Vec::new(),
                };
                (counts, l.items.len())
            })
        })
    });
    let on_done = Callback::new(move |msg: String| {
        stale.set(None);
        done.set(msg);
        refresh.update(|n| *n += 1);
    });
    // Someone else sent it again meanwhile, or it is no longer failed: say so and read again.
    let on_stale = Callback::new(move |msg: String| {
        done.set(String::new());
        stale.set(Some(msg));
        refresh.update(|n| *n += 1);
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        dossier.set(dossier_input.get_untracked().trim().to_string());
    };
    let choose = move |state: Option<SyncState>| {
        done.set(String::new());
        stale.set(None);
        filter.set(state);
    };

    view! {
        <section class="page desk national-sync">
            <h1>"Đồng bộ Cổng DVCQG"</h1>
            <p class="muted">"Mỗi thay đổi trạng thái hồ sơ và mỗi đánh giá của người dân được gửi lên Cổng Dịch vụ công Quốc gia theo thứ tự. Bản tin gửi không thành công giữ lại các bản tin sau của cùng hồ sơ cho đến khi được gửi lại."</p>
            {move || (admin.get() == Some(false)).then(|| view! {
                <p class="error" role="alert">"Trang này dành cho quản trị viên của tỉnh hoặc quốc gia."</p>
            })}
            {move || summary.get().filter(|(s, _)| !s.configured).map(|_| view! {
                <p class="notice" id="not-configured" role="status">"Chưa cấu hình kết nối Cổng DVCQG: các bản tin đang chờ."</p>
            })}
            <div class="tabs" role="group" aria-label="Lọc bản tin theo trạng thái gửi">
                {FILTERS.into_iter().map(|(state, label)| {
                    let key = state.map(state_key).unwrap_or("all");
                    let count = move || summary.get().zip(state).map(|((s, _), st)| count_of(&s, st));
                    view! {
                        <button type="button" class="tab" data-state=key class:urgent={move || state == Some(SyncState::Failed) && count().unwrap_or(0) > 0}
                            aria-pressed=move || (filter.get() == state).to_string() on:click=move |_| choose(state)>
                            {format!("{label} ")}<span class="count">{count}</span>
                        </button>
                    }
                }).collect_view()}
            </div>
            <form class="search" role="search" on:submit=search>
                <label class="field" for="ns-dossier">
                    <span>"Tìm theo mã hồ sơ"</span>
                    <input id="ns-dossier" type="search" autocomplete="off" prop:value=dossier_input on:input=move |ev| dossier_input.set(event_target_value(&ev))/>
                </label>
                <div class="row">
                    <button type="submit">"Tìm"</button>
                    <button type="button" class="secondary" on:click=move |_| { stale.set(None); refresh.update(|n| *n += 1); }>"Tải lại danh sách"</button>
                </div>
            </form>
            <p class="done-msg" role="status">{move || done.get()}</p>
            {move || stale.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || match shape.get() {
                ListShape::Loading if admin.get() == Some(false) => ().into_any(),
                ListShape::Loading => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
                ListShape::Failed(m) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
                ListShape::Empty => view! {
                    <p class="muted">{move || {
                        let none = match filter.get() {
                            Some(SyncState::Failed) => "Không có bản tin nào gửi không thành công",
                            Some(_) => "Không có bản tin nào ở trạng thái này",
                            None => "Chưa có bản tin nào",
                        };
                        match dossier.get() {
                            d if d.is_empty() => format!("{none}."),
                            d => format!("{none} của hồ sơ {d}."),
                        }
                    }}</p>
                }.into_any(),
                ListShape::Rows => view! {
                    <p class="muted">{move || summary.get().map(|(_, n)| if n >= 200 { "200 bản tin mới nhất.".to_string() } else { format!("{n} bản tin.") })}</p>
                    <ul class="cards sync-list">
                        <For
                            each=move || list.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.items.clone()).unwrap_or_default())
                            key=|i| (i.key(), i.state, i.attempts, i.next_try_at.clone())
                            children=move |i| view! { <SyncCard item=i on_done=on_done on_stale=on_stale/> }
                        />
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// One message: which dossier and state it reports, how its delivery went, and why it failed.
#[component]
fn SyncCard(item: SyncItem, on_done: Callback<String>, on_stale: Callback<String>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = item.id;
    let key = item.key();
    let code = item.dossier_code.clone();
    let retry = {
        let (code, key) = (code.clone(), key.clone());
        move |_| {
            error.set(None);
            busy.set(true);
            let call = api::national::retry(&key);
            let code = code.clone();
            spawn_local(async move {
                let answer = call.await;
                busy.set(false);
                match answer {
                    Ok(i) => on_done.run(format!(
                        "Đã gửi lại bản tin của hồ sơ {code}: {}. Bản tin rời danh sách “Gửi không thành công”; tải lại danh sách để xem Cổng DVCQG đã nhận chưa.",
                        i.state_label.to_lowercase()
                    )),
                    Err(e) if e.status == 409 => on_stale.run(format!("Không gửi lại được bản tin của hồ sơ {code}: {}", e.message)),
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    };
    // Ids count per shard: the shard makes the title unique on a list across provinces.
    let title_id = format!("sync-{}", key.replace(':', "-"));
    let what = match (item.kind.as_str(), item.status_label.clone(), item.status_code) {
        ("rating", _, _) => "Đánh giá mức độ hài lòng của người dân".to_string(),
        (_, Some(label), Some(c)) => format!("Trạng thái “{label}” (mã {c} trên Cổng DVCQG)"),
        (_, Some(label), None) => format!("Trạng thái “{label}”"),
        _ => "Thông tin hồ sơ".to_string(),
    };
    let failed = item.state == SyncState::Failed;
    view! {
        <li class="sync-item" data-state=state_key(item.state) data-id=id.to_string()>
            <div class="card-body">
                <h2 class="card-title" id=title_id.clone()>
                    <a href=format!("/can-bo/ho-so/{}", item.dossier_id)>{format!("Hồ sơ {code}")}</a>
                </h2>
                <span class="card-meta">{item.agency_name.clone()}</span>
                <dl class="facts">
                    <dt>"Nội dung"</dt><dd class="sync-what">{what}</dd>
                    <dt>"Trạng thái gửi"</dt><dd><strong class="sync-state">{item.state_label.clone()}</strong></dd>
                    <dt>"Số lần gửi"</dt><dd class="sync-attempts">{item.attempts}</dd>
                    {item.next_try_at.clone().map(|at| view! { <dt>"Gửi lại lúc"</dt><dd>{when(&at)}</dd> })}
                    <dt>"Tạo lúc"</dt><dd>{when(&item.created_at)}</dd>
                    {item.sent_at.clone().map(|at| view! { <dt>"Gửi gần nhất"</dt><dd>{when(&at)}</dd> })}
                    {item.acknowledged_at.clone().map(|at| view! { <dt>"Cổng đã nhận lúc"</dt><dd>{when(&at)}</dd> })}
                    {(item.error_code.is_some() || item.error.is_some()).then(|| {
                        let code = item.error_code.clone().unwrap_or_default();
                        view! {
                            <dt>"Lỗi"</dt>
                            <dd class="sync-error">
                                <strong>{error_label(&code)}</strong>
                                {(!code.is_empty()).then(|| view! { " "<span class="ref sync-error-code">{format!("({code})")}</span> })}
                                {item.error.clone().map(|e| view! { <br/><span class="sync-error-text">{e}</span> })}
                            </dd>
                        }
                    })}
                </dl>
                {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                {failed.then(|| view! {
                    <button type="button" class="retry" aria-describedby=title_id.clone() disabled=move || busy.get() on:click=retry.clone()>
                        {move || if busy.get() { "Đang gửi lại…" } else { "Gửi lại" }}
                    </button>
                })}
            </div>
        </li>
    }
}
