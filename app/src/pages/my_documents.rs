//! "Giấy tờ của tôi" (`/giay-to`): the citizen's wallet — results and electronic certified copies
//! the agencies signed for them, and the scans they uploaded with a type — each with its
//! download and, when signed, the code anyone can check it by. A new dossier reuses them
//! ("Dùng giấy tờ đã có" in the form) instead of uploading them again.

use leptos::prelude::*;
use motcua_domain::api::{WalletDocument, WalletKind};

use crate::api;
use crate::components::attachments::human_size;
use crate::components::dates::datetime_vn;
use crate::i18n::{pick, t};
use crate::pages::account::login_href;

/// What a wallet document is, in the interface's language.
pub fn kind_label(kind: WalletKind) -> &'static str {
    match kind {
        WalletKind::SignedResult => t("Kết quả có chữ ký số", "Signed result"),
        WalletKind::CertifiedCopy => t("Bản sao điện tử có chứng thực", "Certified electronic copy"),
        WalletKind::Upload => t("Giấy tờ bạn đã tải lên", "Your upload"),
    }
}

#[component]
pub fn MyDocuments() -> impl IntoView {
    let wallet = LocalResource::new(|| async { api::documents::wallet().await });
    view! {
        <section class="page">
            <h1>{t("Giấy tờ của tôi", "My documents")}</h1>
            <p class="muted">{t(
                "Kết quả và bản sao điện tử có chữ ký số của cơ quan, cùng giấy tờ bạn đã tải lên. Khi nộp hồ sơ mới, chọn “Dùng giấy tờ đã có” để không phải tải lại.",
                "Results and electronic copies digitally signed by the agency, and the documents you uploaded. When filing a new dossier, choose “Use a document you have” instead of uploading it again.",
            )}</p>
            <Suspense fallback=|| view! { <p class="muted">{t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match wallet.await {
                        Err(e) if e.is_unauthorized() => view! {
                            <p>{t("Vui lòng ", "Please ")}<a href=login_href("/giay-to")>{t("đăng nhập", "log in")}</a>{t(" để xem giấy tờ của bạn.", " to see your documents.")}</p>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                        Ok(w) if w.documents.is_empty() => view! { <p class="muted">{t("Bạn chưa có giấy tờ nào.", "You have no documents yet.")}</p> }.into_any(),
                        Ok(w) => view! {
                            <ul class="cards wallet" aria-label=t("Danh sách giấy tờ", "Documents")>
                                {w.documents.into_iter().map(|d| view! { <DocumentCard d=d/> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DocumentCard(d: WalletDocument) -> impl IntoView {
    let revoked = d.signature.as_ref().and_then(|s| s.revoked.clone());
    let meta = match &d.dossier_code {
        Some(code) => pick(format!("Hồ sơ {code} · {}", datetime_vn(&d.created_at)), format!("Dossier {code} · {}", datetime_vn(&d.created_at))),
        None => datetime_vn(&d.created_at),
    };
    view! {
        <li class="card wallet-document" data-kind=format!("{:?}", d.kind)>
            <div class="card-body">
                <h2 class="card-title">{d.title.clone()}</h2>
                <p class="card-meta">{kind_label(d.kind)}" · "{meta}</p>
                {d.signature.clone().map(|s| view! {
                    <p class="badge-line">
                        {if revoked.is_some() {
                            view! { <span class="badge revoked">{t("Đã thu hồi", "Revoked")}</span> }.into_any()
                        } else {
                            view! { <span class="badge">{t("Có chữ ký số", "Digitally signed")}</span> }.into_any()
                        }}
                    </p>
                    <p>{t("Mã kiểm tra: ", "Verification code: ")}<strong class="verify-code">{s.code.clone()}</strong>
                        {s.book_number.clone().map(|n| pick(format!(" · số chứng thực {n}"), format!(" · certification number {n}")))}</p>
                    <p><a class="verify-link" href=api::documents::verify_page(&s.code) rel="external">{t("Kiểm tra giấy tờ", "Check the document")}</a></p>
                })}
                {revoked.map(|r| view! { <p class="error revocation">{pick(format!("Lý do thu hồi: {}", r.reason), format!("Reason for revocation: {}", r.reason))}</p> })}
                <p><a class="download" href=d.url.clone() download=d.name.clone()>{t("Tải về ", "Download ")}{d.name.clone()}</a>
                    " "<span class="muted">{human_size(d.size as f64)}</span></p>
            </div>
        </li>
    }
}
