//! The one-stop desk (staff bundle): the inbox, a dossier and its actions, walk-in dossiers,
//! counter payment, the digitized result, the SMS pay link. Every write answers the dossier as
//! the desk sees it ([`StaffDossier`]); a dossier changed meanwhile by someone else is refused
//! with 409 `conflict` ([`super::ApiFailure::dossier_changed`]).

use motcua_domain::api::{InboxPage, PayLinkSent, SignRequest, SignatureView, SignedFile, StaffDossier};
use motcua_domain::desk::LineChange;
use serde::Serialize;
use serde_json::Value;

use super::{encode, get, post, Call};

/// `GET /api/staff/dossiers?tab=&q=`.
pub fn inbox(tab: &str, q: &str) -> Call<InboxPage> {
    get(format!("/api/staff/dossiers?tab={}&q={}", encode(tab), encode(q)))
}

/// `GET /api/staff/dossiers/{id}`.
pub fn dossier(id: &str) -> Call<StaffDossier> {
    get(format!("/api/staff/dossiers/{}", encode(id)))
}

#[derive(Serialize)]
pub struct Act<'a> {
    /// A `DossierAction` the state allows (`receive`, `request_supplement`, `reject`, ...).
    pub action: &'a str,
    pub reason: &'a str,
    /// The required documents ticked (receive only).
    pub documents: &'a [String],
}

/// `POST /api/staff/dossiers/{id}/actions`.
pub fn act(id: &str, act: &Act<'_>) -> Call<StaffDossier> {
    post(format!("/api/staff/dossiers/{}/actions", encode(id))).json(act)
}

#[derive(Serialize)]
struct Notice<'a> {
    changes: &'a [LineChange],
}

/// `POST /api/staff/dossiers/{id}/fee-notice`: the computed notice, with the lines the officer
/// changed (each with its written reason).
pub fn fee_notice(id: &str, changes: &[LineChange]) -> Call<StaffDossier> {
    post(format!("/api/staff/dossiers/{}/fee-notice", encode(id))).json(&Notice { changes })
}

/// `POST /api/staff/dossiers/{id}/counter-payment`: cash taken at the counter, receipt issued.
pub fn counter_payment(id: &str) -> Call<StaffDossier> {
    post(format!("/api/staff/dossiers/{}/counter-payment", encode(id)))
}

/// `POST /api/staff/dossiers/{id}/pay-link`: texts the citizen a signed link to pay.
pub fn send_pay_link(id: &str) -> Call<PayLinkSent> {
    post(format!("/api/staff/dossiers/{}/pay-link", encode(id)))
}

/// `POST /api/staff/dossiers/{id}/results?name=`: the digitized result, the file as the body.
pub fn attach_result(id: &str, file: &web_sys::File) -> Call<StaffDossier> {
    let ct = if file.type_().is_empty() { "application/octet-stream".to_string() } else { file.type_() };
    post(format!("/api/staff/dossiers/{}/results?name={}", encode(id), encode(&file.name()))).blob(ct, file)
}

/// `POST /api/staff/dossiers`: a dossier handed in at the counter (or by post). The body is the
/// walk-in form (`agency`, `procedure`, `applicant`, `inputs`).
pub fn walk_in(body: &Value) -> Call<StaffDossier> {
    post("/api/staff/dossiers".into()).json(body)
}

/// `POST /api/staff/dossiers/{id}/files?type=&name=`: a scan taken at the desk for one of the
/// procedure's documents (the file as the body), with upload progress; answers the dossier with
/// its `scans`.
pub async fn attach_scan(id: &str, document_type: &str, file: &web_sys::File, progress: super::uploads::Progress) -> Result<StaffDossier, super::ApiFailure> {
    let ct = if file.type_().is_empty() { "application/octet-stream".to_string() } else { file.type_() };
    let url = format!("/api/staff/dossiers/{}/files?type={}&name={}", encode(id), encode(document_type), encode(&file.name()));
    super::uploads::post_file(&url, file, &ct, progress).await
}

/// `GET /api/staff/dossiers/{id}/files/{scan}`: where a desk scan downloads, for a link.
pub fn scan_url(id: &str, scan: &str) -> String {
    format!("/api/staff/dossiers/{}/files/{}", encode(id), encode(scan))
}

/// `POST /api/staff/dossiers/{id}/results/{file}/sign`: signs a result (`{}`), or for procedure
/// 2.000815 certifies the copy (`certify_copy`). Refusals: 409 `already_signed`,
/// `signing_not_configured`; 422 `not_compared`, `encrypted_pdf`, `unsupported_pdf`,
/// `not_signable`.
pub fn sign(id: &str, file: &str, request: &SignRequest) -> Call<SignedFile> {
    post(format!("/api/staff/dossiers/{}/results/{}/sign", encode(id), encode(file))).json(request)
}

#[derive(Serialize)]
struct Revoke<'a> {
    reason: &'a str,
}

/// `POST /api/staff/documents/{document_id}/revoke` `{"reason"}`: the agency withdraws a signed
/// document's validity; answers the signature with `revoked`.
pub fn revoke(document_id: &str, reason: &str) -> Call<SignatureView> {
    post(format!("/api/staff/documents/{}/revoke", encode(document_id))).json(&Revoke { reason })
}
