//! The OpenAPI 3.1 document of every `/api/...` route of functions/src/router.rs, built from the
//! wire types' JSON Schemas (domain's `openapi` feature, schemars, draft 2020-12 as OpenAPI 3.1
//! uses). `cargo run -p motcua-openapi` (`make openapi`) writes functions/openapi.json, which the
//! Worker serves at `GET /api/openapi.json`; tests/document.rs fails when that file is stale or
//! a route of the router is missing here.

pub mod wire;

use motcua_domain::{admin, api, auth, beneficiary, bill, fee, indicators, national, paperless, signing, staff_report};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// Who may call an operation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    /// The citizen session cookie (`POST /api/auth/otp/verify`).
    Citizen,
    /// The staff session cookie (`POST /api/staff/login`).
    Staff,
    /// Either: the owner citizen or staff covering the dossier's agency.
    CitizenOrStaff,
    /// A payment provider calling back; answers in the provider's own format, not the envelope.
    Provider,
}

pub enum Body {
    None,
    Json(Value),
    /// JSON, but an empty body is accepted too.
    OptionalJson(Value),
    /// Raw bytes of a file (the `Content-Type` header names its type).
    File,
    Csv,
    /// A provider's own callback body.
    ProviderForm,
}

pub enum Answer {
    Json(u16, Value),
    Empty(u16),
    /// A file download (its own content type).
    File,
    /// A JSON answer, or CSV with `?format=csv`.
    JsonOrCsv(Value),
    /// A provider's own answer format.
    Provider,
    /// `302` to a page (`Location`); with `Accept: application/json` a refusal is the JSON envelope.
    Redirect(&'static str),
    /// `200` with this JSON, or `204` with nothing.
    JsonOrEmpty(Value, &'static str),
}

pub struct Param {
    pub name: &'static str,
    pub description: &'static str,
    pub required: bool,
    pub schema: Value,
}

fn q(name: &'static str, description: &'static str) -> Param {
    Param { name, description, required: false, schema: json!({"type": "string"}) }
}

fn q_enum(name: &'static str, description: &'static str, values: &[&str]) -> Param {
    Param { name, description, required: false, schema: json!({"type": "string", "enum": values}) }
}

pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub access: Access,
    pub query: Vec<Param>,
    pub body: Body,
    pub answer: Answer,
    /// A request body that works on the demo data (documentation, and schemathesis's
    /// `examples` phase sends it).
    pub example: Option<Value>,
}

fn op(method: &'static str, path: &'static str, access: Access, summary: &'static str, body: Body, answer: Answer) -> Op {
    Op { method, path, summary, access, query: Vec::new(), body, answer, example: None }
}

impl Op {
    fn with_query(mut self, params: Vec<Param>) -> Op {
        self.query = params;
        self
    }
}

fn s<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    g.subschema_for::<T>().to_value()
}

fn object() -> Value {
    json!({"type": "object"})
}

/// Every `/api/...` operation of functions/src/router.rs (sandbox and dev routes excluded).
pub fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    use Access::*;
    use Answer as A;
    let dossier_detail = s::<api::DossierDetail>(g);
    let staff_dossier = s::<api::StaffDossier>(g);
    let start_body = s::<wire::StartBody>(g);
    let started = json!({
        "type": "object",
        "required": ["payment", "next"],
        "properties": {
            "payment": s::<api::PaymentSummary>(g),
            "next": {"type": "object", "description": "`{\"kind\": \"redirect\", \"url\"}` or `{\"kind\": \"qr\", \"payload\", \"svg\", \"bank_bin\", ...}`", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["redirect", "qr"]}}}
        }
    });
    let period = || q("period", "`YYYY`, `YYYY-Qn` or `YYYY-MM` (default: this year)");
    let format = || q_enum("format", "`csv` downloads the same rows as CSV", &["json", "csv"]);
    let dash_agency = || q("agency", "an agency in the caller's scope (default: the top of the scope)");
    let secret = json!({"type": "string", "writeOnly": true, "maxLength": 256});
    let code = json!({"type": "string", "maxLength": 50});
    let gateway_body = json!({
        "type": "object",
        "description": "vnpay: `tmn_code`, `hash_secret`; momo: `partner_code`, `access_key`, `secret_key`; zalopay: `app_id`, `key1`, `key2`; paygov: `partner_code`, `secret`; vietqr: `webhook_secret`",
        "properties": {"tmn_code": code, "partner_code": code, "app_id": code, "hash_secret": secret, "access_key": secret, "secret_key": secret,
                       "key1": secret, "key2": secret, "secret": secret, "webhook_secret": secret}
    });
    vec![
        op("get", "/api/ping", Public, "The router's baseline: `{\"ok\": true}`", Body::None, A::Json(200, json!({"type": "object", "properties": {"ok": {"type": "boolean"}}}))),
        op("get", "/api/health", Public, "Whether D1, R2 and the sequences answer (503 when one does not)", Body::None, A::Json(200, s::<api::Health>(g))),
        op("get", "/api/openapi.json", Public, "This document", Body::None, A::Json(200, object())),
        op("get", "/api/agencies", Public, "The agency tree", Body::None, A::Json(200, json!({"type": "array", "items": s::<api::AgencyNode>(g)}))),
        op("get", "/api/procedures", Public, "Procedures, of one agency or all, searched by `q`", Body::None, A::Json(200, json!({"type": "array", "items": s::<api::ProcedureSummary>(g)})))
            .with_query(vec![q("agency", "an agency code"), q("q", "words of the name or the code")]),
        op("get", "/api/procedures/{code}", Public, "One procedure, with its documents and fee schedule", Body::None, A::Json(200, s::<api::ProcedureDetail>(g))),
        op("post", "/api/fees/quote", Public, "The fee breakdown for a procedure's inputs", Body::Json(s::<api::FeeQuoteRequest>(g)), A::Json(200, s::<fee::FeeBreakdown>(g))),
        op("get", "/api/payments/vnpay/ipn", Provider, "VNPay IPN (signed query string)", Body::None, A::Provider),
        op("post", "/api/payments/momo/ipn", Provider, "MoMo IPN", Body::ProviderForm, A::Provider),
        op("post", "/api/payments/zalopay/callback", Provider, "ZaloPay callback", Body::ProviderForm, A::Provider),
        op("post", "/api/payments/bank/webhook", Provider, "Bank transfer webhook (VietQR)", Body::ProviderForm, A::Provider),
        op("post", "/api/payments/paygov/confirm", Provider, "National payment platform confirmation", Body::ProviderForm, A::Provider),
        op("get", "/api/receipts/{code}", Public, "Check a receipt by its verify code", Body::None, A::Json(200, s::<api::ReceiptView>(g))),
        op("get", "/api/verify/{key}", Public, "Check a signed result or electronic copy by the hex SHA-256 of its PDF or the code printed on it: the agency, certificate, signing time, dossier code, book number and revocation, no personal data (404 unknown; 400 `invalid_format`)", Body::None, A::Json(200, s::<api::Verification>(g))),
        op("get", "/api/me/documents", Citizen, "The caller's wallet: signed results and certified copies issued to them, and their own uploads filed with a dossier", Body::None, A::Json(200, s::<api::Wallet>(g))),
        op("get", "/api/me/documents/{doc}", Citizen, "One of the caller's wallet documents (the signed PDF, or the upload)", Body::None, A::File),
        op("get", "/api/dossiers/{id}/documents/{doc}", Citizen, "A wallet document the dossier references (its owner, or staff covering its agency)", Body::None, A::File),
        op("get", "/api/receipts/{code}/pdf", Public, "The receipt in its legal form as a PDF (unsigned until the signing service exists)", Body::None, A::File),
        op("post", "/api/dossiers", Citizen, "Submit a dossier", Body::Json(s::<api::SubmitDossier>(g)), A::Json(201, dossier_detail.clone())),
        op("get", "/api/dossiers", Citizen, "The caller's dossiers", Body::None, A::Json(200, json!({"type": "array", "items": s::<api::DossierSummary>(g)}))),
        op("get", "/api/dossiers/{id}", Citizen, "One of the caller's dossiers", Body::None, A::Json(200, dossier_detail.clone())),
        op(
            "post",
            "/api/dossiers/{id}/withdraw",
            Citizen,
            "Withdraw one of the caller's dossiers before processing starts (its open fee notice is cancelled)",
            Body::OptionalJson(json!({"type": "object", "properties": {"reason": {"type": ["string", "null"], "maxLength": 1000}}})),
            A::Json(200, dossier_detail.clone()),
        ),
        op("get", "/api/dossiers/{id}/files/{file}", CitizenOrStaff, "Download an attached scan", Body::None, A::File),
        op("post", "/api/uploads", Citizen, "Upload a scan (JPEG, PNG or PDF) as the raw body", Body::File, A::Json(201, s::<api::UploadView>(g)))
            .with_query(vec![q("name", "the file's name")]),
        op("post", "/api/uploads/multipart", Citizen, "Announce a large file sent in parts", Body::Json(s::<api::StartMultipart>(g)), A::Json(201, s::<api::MultipartView>(g))),
        op("get", "/api/uploads/multipart/{id}", Citizen, "A multipart upload's plan and received parts", Body::None, A::Json(200, s::<api::MultipartView>(g))),
        op("delete", "/api/uploads/multipart/{id}", Citizen, "Abort a multipart upload", Body::None, A::Empty(204)),
        op("put", "/api/uploads/multipart/{id}/parts/{n}", Citizen, "Send part `n` (from 1)", Body::File, A::Json(200, s::<api::PartView>(g))),
        op("post", "/api/uploads/multipart/{id}/complete", Citizen, "Assemble the parts into one upload", Body::None, A::Json(201, s::<api::UploadView>(g))),
        op("post", "/api/dossiers/{id}/payments", CitizenOrStaff, "Start paying the dossier's open fee notice", Body::Json(start_body.clone()), A::Json(201, started.clone())),
        op("get", "/api/dossiers/{id}/results/{file}", CitizenOrStaff, "Download a result file", Body::None, A::File),
        op("get", "/api/pay/{token}", Public, "What a pay link shows", Body::None, A::Json(200, s::<api::PayLinkView>(g))),
        op("post", "/api/pay/{token}/payments", Public, "Start paying through a pay link", Body::Json(start_body), A::Json(201, started.clone())),
        op("get", "/api/staff/dossiers", Staff, "The officer's inbox", Body::None, A::Json(200, s::<api::InboxPage>(g)))
            .with_query(vec![q("tab", "the inbox tab"), q("q", "words of the applicant, code or procedure")]),
        op("post", "/api/staff/dossiers", Staff, "A dossier taken in at the desk: handed in at the counter (`channel` `counter`, default) or received by public post (`post`, with its `postal_item`); counted in the intake figures", Body::Json(s::<api::WalkInDossier>(g)), A::Json(201, staff_dossier.clone())),
        op("post", "/api/staff/dossiers/{id}/counter-payment", Staff, "Record a cash payment at the counter", Body::None, A::Json(200, staff_dossier.clone())),
        op("post", "/api/staff/dossiers/{id}/results", Staff, "Attach a result file (raw body)", Body::File, A::Json(201, staff_dossier.clone()))
            .with_query(vec![q("name", "the file's name")]),
        op("post", "/api/staff/dossiers/{id}/files", Staff, "A scan made at reception of one of the procedure's documents (raw body: JPEG, PNG or PDF, type from its bytes), for a walk-in or an online dossier; audited", Body::File, A::Json(201, staff_dossier.clone()))
            .with_query(vec![q("type", "one of the procedure's documents"), q("name", "the file's name")]),
        op("get", "/api/staff/dossiers/{id}/files/{scan}", Staff, "Download a desk scan", Body::None, A::File),
        op("post", "/api/staff/dossiers/{id}/results/{file}/sign", Staff, "Sign a result as PDF (PAdES B-B) with the agency's certificate through the remote-signing provider; for procedure 2.000815 with `certify_copy` it is an electronic copy certified from the original, numbered in the agency's certification book. 409 `already_signed`, 422 `not_compared`, `certify_copy_required`, `not_signable`", Body::Json(s::<api::SignRequest>(g)), A::Json(201, s::<api::SignedFile>(g))),
        op("post", "/api/staff/documents/{doc}/revoke", Staff, "Revoke a signed document of the caller's agencies with a reason (audited; 409 `already_revoked`)", Body::Json(s::<api::RevokeDocument>(g)), A::Json(200, s::<api::SignatureView>(g))),
        op("post", "/api/staff/dossiers/{id}/pay-link", Staff, "Send a pay link by SMS", Body::None, A::Json(201, s::<api::PayLinkSent>(g))),
        op("get", "/api/staff/audit", Staff, "The audit log", Body::None, A::Json(200, json!({"type": "array", "items": s::<api::AuditEntry>(g)})))
            .with_query(vec![q("entity", "an entity kind (`dossier`, `agency`, ...)"), q("id", "an entity id")]),
        op("get", "/api/admin/catalog", Staff, "Agencies in scope and every procedure (admin)", Body::None, A::Json(200, object())),
        op("post", "/api/admin/agencies", Staff, "Create an agency (admin)", Body::Json(s::<admin::AgencyInput>(g)), A::Json(201, s::<admin::AgencyInput>(g))),
        op("put", "/api/admin/agencies/{code}", Staff, "Change an agency (admin)", Body::Json(s::<admin::AgencyInput>(g)), A::Json(200, s::<admin::AgencyInput>(g))),
        op("get", "/api/admin/agencies/{code}/embed-origins", Staff, "Portals allowed to frame the agency's embed page", Body::None, A::Json(200, object())),
        op("put", "/api/admin/agencies/{code}/embed-origins", Staff, "Replace the embed origins", Body::Json(s::<wire::EmbedOriginsBody>(g)), A::Json(200, object())),
        op("put", "/api/admin/agencies/{code}/bank-account", Staff, "Set the agency's beneficiary account", Body::Json(s::<admin::BankAccountInput>(g)), A::Json(200, s::<admin::BankAccountInput>(g))),
        op("get", "/api/admin/agencies/{code}/accounts", Staff, "The agency's beneficiary accounts by purpose (`phi`, `le_phi`) and which are missing", Body::None, A::Json(200, object())),
        op("put", "/api/admin/agencies/{code}/accounts", Staff, "Set beneficiary accounts (the purposes given)", Body::Json(s::<beneficiary::AccountsInput>(g)), A::Json(200, object())),
        op("get", "/api/admin/agencies/{code}/gateways/{provider}", Staff, "The agency's merchant at a provider, secrets masked, or where it inherits one from", Body::None, A::Json(200, object())),
        op("put", "/api/admin/agencies/{code}/gateways/{provider}", Staff, "Set the agency's merchant credentials (write-only secrets, sealed)", Body::Json(gateway_body), A::Json(200, object())),
        op("post", "/api/admin/settlements/import", Staff, "Import a provider's daily settlement file (or a bank statement) and match it with the ledger", Body::Csv, A::Json(201, object()))
            .with_query(vec![q_enum("provider", "the file's format", &["vnpay", "momo", "zalopay", "vietqr"]), q("date", "`YYYY-MM-DD`, the Vietnamese day of the file"), q("agency", "an agency code in the admin's scope")]),
        op("get", "/api/admin/settlements/differences", Staff, "Differences found by settlement imports", Body::None, A::Json(200, object()))
            .with_query(vec![q("agency", "an agency code in the admin's scope"), q_enum("status", "open only (default) or all", &["open", "all"])]),
        op("post", "/api/admin/settlements/differences/{id}/resolve", Staff, "Close a difference with a note (once)", Body::Json(s::<wire::ResolveBody>(g)), A::Json(200, object())),
        op("post", "/api/admin/archive/{shard}/{month}", Staff, "National admin or the province's admin: archive one step (at most 500 dossiers) of a closed month (3 full months after its end; 400 `month_not_closed` naming `month` otherwise) of the province's database to the archive bucket, then its progress; call again while `state` is `running`", Body::None, A::Json(200, s::<motcua_domain::archive::month::Progress>(g))),
        op("get", "/api/admin/archive/{shard}/{month}", Staff, "An archive run's progress (404 before its first step)", Body::None, A::Json(200, s::<motcua_domain::archive::month::Progress>(g))),
        op("get", "/api/admin/national-sync", Staff, "Messages to the national portal in the admin's scope, failed first, with counts by state", Body::None, A::Json(200, s::<national::SyncList>(g)))
            .with_query(vec![
                q_enum("status", "only messages in this state", &["pending", "sent", "acknowledged", "failed"]),
                q("agency", "an agency code in the admin's scope"),
                q("dossier", "a dossier code or id"),
            ]),
        op("post", "/api/admin/national-sync/backfill", Staff, "Queue one message for each of an agency's dossiers that never had one (its latest state)", Body::None, A::Json(200, json!({"type": "object", "properties": {"queued": {"type": "integer"}}})))
            .with_query(vec![q("agency", "an agency code in the admin's scope")]),
        op("post", "/api/admin/national-sync/{id}/retry", Staff, "Send a failed message to the national portal again (the ladder starts over)", Body::None, A::Json(200, s::<national::SyncItem>(g))),
        op("get", "/api/admin/national-mapping", Staff, "Our codes as the national portal knows them: the agencies in scope (`MaDonVi`), every procedure (`MaTTHC`) and its fee lines (`MaPhiLePhi`); empty when the same as ours", Body::None, A::Json(200, s::<national::mapping::MappingView>(g))),
        op("put", "/api/admin/national-mapping", Staff, "Set mappings (an empty code removes one): agencies by their province's admin, procedures and fee lines by the national admin (403 `forbidden_role`); audited", Body::Json(s::<national::mapping::MappingInput>(g)), A::Json(200, s::<national::mapping::MappingView>(g))),
        op("post", "/api/admin/national-catalog/pull", Staff, "National admin: compare the next page of the portal's catalog (LayDanhSachTTHC, LayThuTuc) with ours into the review list; call again while `finished` is false (503 `portal_unavailable` when the portal does not answer)", Body::None, A::Json(200, s::<national::catalog::PullProgress>(g)))
            .with_query(vec![q("procedure", "compare only this procedure (our code or the portal's)"), q("limit", "at most this many codes in this call (1–60, default 60; at most 10 detail calls whatever the limit)")]),
        op("get", "/api/admin/national-catalog/differences", Staff, "The review list: what differs between the portal's catalog and ours, both values side by side", Body::None, A::Json(200, s::<national::catalog::DifferenceList>(g)))
            .with_query(vec![
                q_enum("status", "open (default), resolved, gone or all", &["open", "resolved", "gone", "all"]),
                q("procedure", "our code or the portal's"),
                q_enum("kind", "one kind of difference", &["name", "processing_days", "fee_amount", "legal_basis_missing", "only_national", "only_ours"]),
            ]),
        op("post", "/api/admin/national-catalog/differences/{id}/resolve", Staff, "National admin: mark an open difference reviewed, with a note (audited); a later pull reopens it only if the values change", Body::Json(s::<wire::ResolveBody>(g)), A::Json(200, s::<national::catalog::CatalogDifference>(g))),
        op("get", "/api/admin/agencies/{code}/paperless", Staff, "The agency's paperless days: procedures taken online only on some ISO weekdays and dates, except on some dates (admin of the agency's scope); `version` 0 before the first", Body::None, A::Json(200, s::<paperless::PaperlessView>(g))),
        op("put", "/api/admin/agencies/{code}/paperless", Staff, "Replace the agency's paperless days (audited; with `version`, refused as 409 `conflict` when someone saved meanwhile); 400 names the item: `unknown_procedure`, `not_handled`, `out_of_range`, `invalid_date`, `duplicate`, `contradiction`", Body::Json(s::<paperless::PaperlessInput>(g)), A::Json(200, s::<paperless::PaperlessView>(g))),
        op("get", "/api/admin/agencies/{code}/signing", Staff, "The agency's remote-signing account (VNPT SmartCA: the key holder's id and, optionally, the certificate's serial); `configured: false` and `version` 0 before the first (admin of the agency's scope; the provider's credentials are the deployment's, never shown)", Body::None, A::Json(200, s::<signing::SigningAccountView>(g))),
        op("put", "/api/admin/agencies/{code}/signing", Staff, "Replace the agency's remote-signing account (audited as `signing_account.put` with the holder id masked; with `version`, refused as 409 `conflict` when someone saved meanwhile); 400 names the field: `user_id` `required | invalid_format | too_long`, `serial_number` `invalid_format`, `provider` `unknown_provider`", Body::Json(s::<signing::SigningAccountInput>(g)), A::Json(200, s::<signing::SigningAccountView>(g))),
        op("post", "/api/staff/assist", Staff, "Assisted filing: a 2-hour code bound to the calling officer and the link (with its QR code as SVG) to the procedure's online form at the agency; a dossier submitted with it stays online and records the officer", Body::Json(s::<paperless::AssistRequest>(g)), A::Json(201, s::<paperless::AssistLink>(g))),
        op("post", "/api/staff/reports", Staff, "Report upward a wrong published fee, wrong procedure information, a difficulty or a system error of an agency in the caller's scope (audited)", Body::Json(s::<staff_report::NewReportInput>(g)), A::Json(201, s::<staff_report::ReportView>(g))),
        op("get", "/api/staff/reports", Staff, "The caller's own reports, newest first, with the province's answers", Body::None, A::Json(200, json!({"type": "array", "items": s::<staff_report::ReportView>(g)}))),
        op("post", "/api/staff/reports/{id}/close", Staff, "The sender closes their own answered report (409 `wrong_state` while open, `report_closed` once closed)", Body::None, A::Json(200, s::<staff_report::ReportView>(g))),
        op("get", "/api/admin/reports", Staff, "Reports of the agencies in the admin's scope, open first", Body::None, A::Json(200, json!({"type": "array", "items": s::<staff_report::ReportView>(g)})))
            .with_query(vec![q_enum("status", "one state, or all (default)", &["open", "answered", "closed", "all"])]),
        op("post", "/api/admin/reports/{id}/answer", Staff, "Answer an open report (audited; 409 once answered or closed)", Body::Json(s::<staff_report::AnswerInput>(g)), A::Json(200, s::<staff_report::ReportView>(g))),
        op("post", "/api/admin/reports/{id}/close", Staff, "Close an open or answered report (audited; 409 once closed)", Body::None, A::Json(200, s::<staff_report::ReportView>(g))),
        op("post", "/api/dossiers/{id}/rating", Citizen, "Rate a returned dossier once: `score` 1–5, `reasons` (codes of the fixed list), `comment`; the portal's level is derived from the score and synced (409 `not_finished` before the result is returned, 409 `already_rated`)", Body::Json(s::<national::RatingInput>(g)), A::Json(201, s::<national::Rating>(g))),
        op("post", "/api/staff/bills", Staff, "Issue a bill of the officer's agency: a land obligation, a fine, insurance or another charge (201 with its code; SMS to the payer's phone when given)", Body::Json(s::<bill::NewBillInput>(g)), A::Json(201, s::<bill::BillView>(g))),
        op("get", "/api/staff/bills", Staff, "Bills of the caller's agencies (newest first) and how many are in each state", Body::None, A::Json(200, json!({"type": "object", "properties": {"bills": {"type": "array", "items": s::<bill::BillView>(g)}, "counts": object()}})))
            .with_query(vec![
                q("agency", "an agency code in the caller's scope"),
                q_enum("state", "only bills in this state", &["open", "paid", "cancelled", "expired"]),
                q_enum("kind", "only bills of this kind", &["land_obligation", "fine", "insurance", "other"]),
                q("q", "a bill code, a payer's number, a document number, or part of a payer's name"),
            ]),
        op("post", "/api/staff/bills/import", Staff, "Import bills as CSV (`kind,agency,payer_name,payer_id,payer_phone,document_number,document_date,violation,issued_by,line_name,amount,beneficiary,budget_item,due_date`; consecutive rows of one document, payer and due date are one bill): all rows or none, every bad row named by line and column", Body::Csv, A::Json(201, json!({"type": "object", "properties": {"imported": {"type": "integer"}, "codes": {"type": "array", "items": {"type": "string"}}}}))),
        op("get", "/api/staff/bills/{code}", Staff, "One bill of the caller's agencies, with its receipt once paid", Body::None, A::Json(200, s::<bill::BillView>(g))),
        op("post", "/api/staff/bills/{code}/cancel", Staff, "Cancel an open bill with a reason (audited); 409 once paid, cancelled or expired", Body::Json(json!({"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 1000}}})), A::Json(200, s::<bill::BillView>(g))),
        op("post", "/api/staff/bills/{code}/counter-payment", Staff, "Record a bill paid in cash at the desk, or at the treasury with its receipt number (`reference`); settled and receipted like an online payment", Body::OptionalJson(json!({"type": "object", "properties": {"reference": {"type": ["string", "null"], "maxLength": 60}}})), A::Json(200, s::<bill::BillView>(g))),
        op("get", "/api/staff/payment-links", Staff, "The payment links of the caller's agencies", Body::None, A::Json(200, json!({"type": "object", "properties": {"links": {"type": "array", "items": s::<bill::link::Link>(g)}}})))
            .with_query(vec![q("agency", "an agency code in the caller's scope")]),
        op("post", "/api/staff/payment-links", Staff, "Publish a payment link `/nop-tien/{slug}`: a fixed amount, or a range the payer chooses within, with a reference the payer types", Body::Json(s::<bill::link::LinkInput>(g)), A::Json(201, s::<bill::link::Link>(g))),
        op("get", "/api/bills/lookup", Public, "A bill by its code and the payer's number (CCCD or tax code), the name reduced to initials; a wrong code and a wrong payer answer the same 404; too many misses from one address answer 429", Body::None, A::Json(200, s::<bill::BillView>(g)))
            .with_query(vec![q("code", "the bill's code (`000.10.51.H27-P261206-0001`)"), q("payer_id", "the payer's CCCD (12 digits) or tax code")]),
        op("get", "/api/bills/mine", Citizen, "Open bills whose payer is the logged-in citizen's identification number", Body::None, A::Json(200, json!({"type": "object", "properties": {"bills": {"type": "array", "items": s::<bill::BillView>(g)}}}))),
        op("post", "/api/bills/{code}/payments", Public, "Start paying a bill (the payer's number, or the payer logged in): the same gateways, callbacks and receipts as a dossier's fees; 409 `bill_paid`, `bill_cancelled`, `bill_expired`", Body::Json(json!({"type": "object", "required": ["provider"], "properties": {"provider": {"type": "string", "enum": ["vnpay", "momo", "zalopay", "vietqr", "paygov"]}, "payer_id": {"type": "string", "maxLength": 20}}})), A::Json(201, started.clone())),
        op("get", "/api/payment-links/{slug}", Public, "What a payment link's page shows", Body::None, A::Json(200, s::<bill::link::Link>(g))),
        op("post", "/api/payment-links/{slug}/payments", Public, "Pay through a payment link: a bill of kind `other` is made (the same payer, reference and day reuse it) and its payment started", Body::Json(s::<bill::link::LinkPaymentInput>(g)), A::Json(201, object())),
        op("get", "/api/dashboard/bills", Staff, "Bills paid online and otherwise per kind in the period, open bills, and the land obligations against seed 001's 50 %", Body::None, A::JsonOrCsv(json!({"type": "object", "properties": {"kinds": {"type": "array", "items": s::<bill::report::KindRow>(g)}}})))
            .with_query(vec![dash_agency(), period(), format()]),
        op("get", "/api/staff/refunds", Staff, "Refunds of the caller's agencies, the ones waiting first", Body::None, A::Json(200, json!({"type": "array", "items": object()})))
            .with_query(vec![q_enum("status", "open only (default) or all", &["open", "all"])]),
        op("post", "/api/staff/refunds/{id}/decision", Staff, "A second officer approves, rejects or records the transfer of a refund paid by hand", Body::Json(s::<wire::DecisionBody>(g)), A::Json(200, object())),
        op("put", "/api/admin/agencies/{code}/procedures/{procedure}", Staff, "The agency handles the procedure", Body::Json(s::<wire::HandlingBody>(g)), A::Json(200, object())),
        op("post", "/api/admin/procedures", Staff, "Create a procedure", Body::Json(s::<admin::ProcedureInput>(g)), A::Json(201, s::<admin::ProcedureInput>(g))),
        op("put", "/api/admin/procedures/{code}", Staff, "Change a procedure", Body::Json(s::<admin::ProcedureInput>(g)), A::Json(200, s::<admin::ProcedureInput>(g))),
        op("post", "/api/admin/procedures/{code}/fee-versions", Staff, "Add a dated fee version", Body::Json(s::<fee::FeeVersion>(g)), A::Json(201, s::<fee::FeeSchedule>(g))),
        op("get", "/api/staff/dossiers/{id}", Staff, "A dossier as the desk sees it", Body::None, A::Json(200, staff_dossier.clone())),
        op("post", "/api/staff/dossiers/{id}/actions", Staff, "Take an action on a dossier", Body::Json(s::<wire::ActionBody>(g)), A::Json(200, staff_dossier.clone())),
        op("post", "/api/staff/dossiers/{id}/fee-notice", Staff, "Send the fee notice (optionally with changed lines)", Body::OptionalJson(s::<wire::NoticeBody>(g)), A::Json(200, staff_dossier)),
        op("post", "/api/staff/payments/{id}/refunds", Staff, "Refund a settled payment", Body::Json(s::<wire::RefundBody>(g)), A::Json(201, object())),
        op("get", "/api/staff/statements", Staff, "The daily statement of an agency", Body::None, A::JsonOrCsv(object()))
            .with_query(vec![q("agency", "an agency code in the caller's scope"), q("date", "`YYYY-MM-DD` (default: today)"), format()]),
        op("get", "/api/dashboard/rates", Staff, "Online payment rates by agency", Body::None, A::JsonOrCsv(object())).with_query(vec![dash_agency(), period(), format()]),
        op("get", "/api/dashboard/trend", Staff, "Monthly trend", Body::None, A::JsonOrCsv(object())).with_query(vec![dash_agency(), period(), format()]),
        op("get", "/api/dashboard/procedures", Staff, "Rates by procedure", Body::None, A::JsonOrCsv(object())).with_query(vec![dash_agency(), period(), format()]),
        op("get", "/api/dashboard/coverage", Staff, "Which agencies can take online payment", Body::None, A::JsonOrCsv(object())).with_query(vec![dash_agency(), format()]),
        op("get", "/api/dashboard/dormant", Staff, "Agencies without recent dossiers", Body::None, A::JsonOrCsv(object())).with_query(vec![dash_agency(), format()]),
        op("get", "/api/dashboard/overdue", Staff, "Overdue dossiers by agency", Body::None, A::JsonOrCsv(object())).with_query(vec![dash_agency(), format()]),
        op("get", "/api/dashboard/intake", Staff, "Submissions online, at the counter and by post per agency (each against its own online-submission target), by procedure and by month", Body::None, A::JsonOrCsv(object())).with_query(vec![dash_agency(), period(), format()]),
        op("get", "/api/dashboard/digitization", Staff, "Dossiers digitized at reception (desk scans, uploads or wallet documents) and at return (a signed result) per agency, and the share of commune and district units issuing electronic certified copies against seed 001's 35 %", Body::None, A::JsonOrCsv(object())).with_query(vec![dash_agency(), period(), format()]),
        op("get", "/api/dashboard/ratings", Staff, "Citizens' ratings per agency: count, mean score, distribution 1–5, top reasons", Body::None, A::JsonOrCsv(object())).with_query(vec![dash_agency(), period(), format()]),
        op("get", "/api/admin/agencies/{code}/targets", Staff, "The unit's own targets for a year and what applies after inheritance (its own, the nearest ancestor's, else the default)", Body::None, A::Json(200, s::<indicators::TargetsView>(g)))
            .with_query(vec![q("year", "the year (default: this year)")]),
        op("put", "/api/admin/agencies/{code}/targets", Staff, "Set the unit's own targets for a year (percents as decimal strings, null = inherit; audited)", Body::Json(s::<indicators::TargetsInput>(g)), A::Json(200, s::<indicators::TargetsView>(g))),
        op("post", "/api/dashboard/import", Staff, "Import counts of other systems (CSV `agency,period,online,other`)", Body::Csv, A::Json(200, json!({"type": "object", "properties": {"imported": {"type": "integer"}}}))),
        op("post", "/api/auth/otp/request", Public, "Send a log-in code by SMS", Body::Json(s::<auth::OtpRequest>(g)), A::Json(202, s::<auth::OtpRequested>(g))),
        op("post", "/api/auth/otp/verify", Public, "Log in with the code (sets the citizen cookie)", Body::Json(s::<auth::OtpVerify>(g)), A::Json(200, s::<auth::CitizenProfile>(g))),
        op("post", "/api/auth/logout", Public, "End the citizen session", Body::None, A::JsonOrEmpty(s::<auth::LogoutAnswer>(g), "A session opened by the national portal's account: `logout_url`, where to send the browser so the portal ends its session too (`id_token_hint`, `post_logout_redirect_uri`)")),
        op("get", "/api/auth/national", Public, "Whether log-in with the national public-service portal's account is offered", Body::None, A::Json(200, s::<auth::NationalLoginInfo>(g))),
        op("get", "/api/auth/national/start", Public, "Start a log-in with the national portal's account (OpenID Connect, code + PKCE S256, state, nonce, `acr_values=LoA1`)", Body::None, A::Redirect("To the portal's authorize endpoint; a refusal (`invalid_return`, 404 `national_login_off`) goes back to `/tai-khoan?loi=CODE`"))
            .with_query(vec![q("return", "where to land after the log-in: a path of this site (`/ho-so`), never `//host` or `/\\host`; default `/tai-khoan`")]),
        op("get", "/api/auth/national/callback", Public, "The portal sends the browser back here; the code is exchanged, the id_token verified (RS256 against the JWKS, issuer, audience, expiry, nonce) and the citizen session set", Body::None, A::Redirect("To the return path with the citizen cookie set; a refusal goes to `/tai-khoan?loi=CODE` (`invalid_state`, `code_rejected`, `token_signature`, `token_audience`, `token_expired`, `token_nonce`, `token_issuer`, `provider_denied`, `identity_missing`…)"))
            .with_query(vec![q("code", "the authorization code"), q("state", "the state of the log-in started here"), q("error", "the portal's refusal (`access_denied`)")]),
        op("get", "/api/me", Citizen, "The citizen's profile", Body::None, A::Json(200, s::<auth::CitizenProfile>(g))),
        op("put", "/api/me", Citizen, "Change the citizen's profile", Body::Json(s::<auth::ProfileUpdate>(g)), A::Json(200, s::<auth::CitizenProfile>(g))),
        op("post", "/api/staff/login", Public, "Staff log-in (sets the staff cookie)", Body::Json(s::<auth::StaffLogin>(g)), A::Json(200, s::<auth::StaffProfile>(g))),
        op("get", "/api/staff/me", Staff, "The staff member's profile and scope", Body::None, A::Json(200, s::<auth::StaffProfile>(g))),
        op("post", "/api/staff/logout", Public, "End the staff session", Body::None, A::Empty(204)),
    ]
}

/// Demo-data request bodies (agency `000.10.51.H27` is UBND xã Sơn Tây, procedure `2.000815`
/// the certified copy; the demo citizen is 0912345678).
fn example(method: &str, path: &str) -> Option<Value> {
    let applicant = json!({"full_name": "Nguyễn Văn An", "id_number": "042090001234", "phone": "0912345678", "address": "Thôn Tân Hương, xã Sơn Tây"});
    let submission = json!({"agency": "000.10.51.H27", "procedure": "2.000815", "applicant": applicant, "inputs": {"pages": 5, "copies": 3}});
    let example = match (method, path) {
        ("post", "/api/fees/quote") => json!({"procedure": "2.000815", "agency": "000.10.51.H27", "inputs": {"pages": 5, "copies": 1}}),
        ("post", "/api/dossiers") | ("post", "/api/staff/dossiers") => submission,
        ("post", "/api/uploads/multipart") => json!({"name": "giay-to.pdf", "size": 12_000_000, "content_type": "application/pdf"}),
        ("post", "/api/dossiers/{id}/payments") | ("post", "/api/pay/{token}/payments") => json!({"provider": "vnpay"}),
        ("post", "/api/staff/dossiers/{id}/actions") => json!({"action": "receive", "documents": []}),
        ("post", "/api/staff/dossiers/{id}/fee-notice") => json!({"changes": []}),
        ("post", "/api/staff/payments/{id}/refunds") => json!({"amount": 1000, "reason": "Thu thừa"}),
        ("post", "/api/admin/agencies") => json!({"code": "000.11.51.H27", "name": "UBND xã Thử Nghiệm", "level": "commune", "parent_code": "000.00.51.H27"}),
        ("put", "/api/admin/agencies/{code}") => json!({"code": "000.10.51.H27", "name": "UBND xã Sơn Tây", "level": "commune", "parent_code": "000.00.51.H27"}),
        ("put", "/api/admin/agencies/{code}/embed-origins") => json!({"origins": ["https://dichvucong.hatinh.gov.vn"]}),
        ("put", "/api/admin/agencies/{code}/bank-account") => json!({"bank_bin": "970415", "account_number": "113000123456", "account_name": "UBND XA SON TAY"}),
        ("put", "/api/admin/agencies/{code}/procedures/{procedure}") => json!({"online_payment": true}),
        ("put", "/api/admin/agencies/{code}/accounts") => json!({"accounts": [{"purpose": "le_phi", "holder_name": "Kho bạc Nhà nước Hương Sơn", "treasury_code": "1234", "bank_bin": "970418", "account_number": "711100000436", "account_name": "KBNN HUONG SON", "chapter": "805", "budget_items": {"le_phi": "2771"}}]}),
        ("put", "/api/admin/agencies/{code}/gateways/{provider}") => json!({"tmn_code": "SONTAY01", "hash_secret": "a-new-hash-secret-from-vnpay"}),
        ("post", "/api/staff/refunds/{id}/decision") => json!({"action": "approve"}),
        ("post", "/api/staff/bills") => json!({"kind": "fine", "agency": "000.10.51.H27", "payer": {"name": "Nguyễn Văn An", "id_number": "042090001234"},
            "document": {"number": "12/QĐ-XPHC", "date": "2026-12-01", "violation": "Không đội mũ bảo hiểm", "issued_by": "Trần Văn Bình"},
            "lines": [{"name": "Tiền phạt vi phạm hành chính", "amount": 400000, "budget_item": "4254"}], "due_date": "2027-01-05"}),
        ("post", "/api/staff/bills/{code}/cancel") => json!({"reason": "Quyết định xử phạt bị hủy"}),
        ("post", "/api/staff/bills/{code}/counter-payment") => json!({"reference": "KB-0001234"}),
        ("post", "/api/bills/{code}/payments") => json!({"provider": "vietqr", "payer_id": "042090001234"}),
        ("post", "/api/staff/payment-links") => json!({"agency": "000.10.51.H27", "slug": "phi-trong-giu-xe", "title": "Phí trông giữ xe", "reference_label": "Biển số xe", "min_amount": 5000, "max_amount": 200000, "line_name": "Phí trông giữ xe"}),
        ("post", "/api/payment-links/{slug}/payments") => json!({"provider": "vietqr", "reference": "38A-12345", "payer": {"name": "Đỗ Minh Tâm", "id_number": "042090001240"}, "amount": 30000}),
        ("put", "/api/admin/agencies/{code}/paperless") => json!({"procedures": ["2.000815"], "weekdays": [2, 4], "dates": ["2026-12-24"], "except_dates": ["2026-12-31"], "version": 1}),
        ("post", "/api/staff/dossiers/{id}/results/{file}/sign") => json!({"certify_copy": {"compared_with_original": true, "pages": 2}}),
        ("post", "/api/staff/documents/{doc}/revoke") => json!({"reason": "Cấp nhầm người yêu cầu; đã cấp lại bản đúng."}),
        ("put", "/api/admin/agencies/{code}/signing") => json!({"provider": "vnpt_smartca", "user_id": "001090012399", "serial_number": "5401010a3f", "version": 1}),
        ("post", "/api/staff/assist") => json!({"agency": "000.10.51.H27", "procedure": "2.000815"}),
        ("post", "/api/staff/reports") => json!({"agency": "000.10.51.H27", "procedure": "2.000815", "kind": "wrong_fee", "text": "Lệ phí chứng thực đang công bố 3.000 đồng/trang; theo Thông tư 226/2016/TT-BTC là 2.000 đồng/trang."}),
        ("post", "/api/admin/reports/{id}/answer") => json!({"text": "Đã thêm phiên bản phí đúng từ ngày 01/01/2027."}),
        ("post", "/api/dossiers/{id}/rating") => json!({"score": 5, "reasons": ["thai_do_can_bo", "dung_hen"], "comment": "Cán bộ hướng dẫn tận tình"}),
        ("put", "/api/admin/agencies/{code}/targets") => json!({"year": 2026, "online_payment_rate": "30", "online_submission_rate": "50"}),
        ("post", "/api/admin/settlements/differences/{id}/resolve") => json!({"note": "Đã tra soát với VNPAY"}),
        ("put", "/api/admin/national-mapping") => json!({"agencies": [{"code": "000.10.51.H27", "national_code": "000.10.51.H42"}]}),
        ("post", "/api/admin/national-catalog/differences/{id}/resolve") => json!({"note": "Mức phí đúng theo Thông tư 226/2016/TT-BTC; đã đề nghị Cổng DVCQG cập nhật"}),
        ("post", "/api/admin/procedures") | ("put", "/api/admin/procedures/{code}") => json!({"code": "2.000815", "name": "Chứng thực bản sao từ bản chính", "level": "commune", "processing_days": 1, "documents": ["Bản chính"], "legal_basis": "Nghị định 23/2015/NĐ-CP"}),
        ("post", "/api/admin/procedures/{code}/fee-versions") => json!({"effective_from": "2027-01-01", "legal_basis": "Thông tư 226/2016/TT-BTC", "lines": []}),
        ("post", "/api/auth/otp/request") => json!({"phone": "0987654321"}),
        ("post", "/api/auth/otp/verify") => json!({"phone": "0987654321", "code": "123456"}),
        ("put", "/api/me") => json!({"full_name": "Nguyễn Văn An", "citizen_id": "042090001234", "email": "an.nguyen@example.vn", "address": "Thôn Tân Hương, xã Sơn Tây", "notify_channels": ["sms", "email"]}),
        ("post", "/api/staff/login") => json!({"username": "sontay.motcua", "password": "MotCua@2026"}),
        _ => return None,
    };
    Some(example)
}

/// The `{...}` parameters of a path.
pub fn path_params(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect()
}

fn json_content(schema: Value) -> Value {
    json!({"application/json": {"schema": schema}})
}

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": json_content(json!({"$ref": "#/components/schemas/ErrorBody"}))})
}

/// The whole document.
pub fn document() -> Value {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    g.subschema_for::<api::ErrorBody>();
    let mut ops = operations(&mut g);
    for o in &mut ops {
        if o.example.is_none() {
            o.example = example(o.method, o.path);
        }
    }
    let mut paths = Map::new();
    for o in ops {
        let mut operation = Map::new();
        operation.insert("summary".into(), json!(o.summary));
        operation.insert("operationId".into(), json!(format!("{} {}", o.method.to_uppercase(), o.path)));
        let mut params: Vec<Value> = path_params(o.path)
            .into_iter()
            .map(|p| json!({"name": p, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        for p in &o.query {
            params.push(json!({"name": p.name, "in": "query", "required": p.required, "description": p.description, "schema": p.schema}));
        }
        if !params.is_empty() {
            operation.insert("parameters".into(), Value::Array(params));
        }
        match o.access {
            Access::Citizen => operation.insert("security".into(), json!([{"citizen": []}])),
            Access::Staff => operation.insert("security".into(), json!([{"staff": []}])),
            Access::CitizenOrStaff => operation.insert("security".into(), json!([{"citizen": []}, {"staff": []}])),
            Access::Public | Access::Provider => None,
        };
        let with_example = |schema: Value| match &o.example {
            Some(example) => json!({"application/json": {"schema": schema, "example": example}}),
            None => json_content(schema),
        };
        let body = match o.body {
            Body::None => None,
            Body::Json(schema) => Some(json!({"required": true, "content": with_example(schema)})),
            Body::OptionalJson(schema) => Some(json!({"required": false, "content": with_example(schema)})),
            Body::File => Some(json!({"required": true, "content": {
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                "image/png": {"schema": {"type": "string", "format": "binary"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}
            }})),
            Body::Csv => Some(json!({"required": true, "content": {"text/csv": {"schema": {"type": "string"}, "example": "agency,period,online,other\n000.10.51.H27,2026-01,3,7\n"}}})),
            Body::ProviderForm => Some(json!({"required": true, "description": "The provider's own callback body.", "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}}
            }})),
        };
        if let Some(body) = body {
            operation.insert("requestBody".into(), body);
        }
        let mut responses = Map::new();
        match o.answer {
            Answer::Json(status, schema) => {
                responses.insert(status.to_string(), json!({"description": "Success", "content": json_content(schema)}));
            }
            Answer::Empty(status) => {
                responses.insert(status.to_string(), json!({"description": "Done, no content"}));
            }
            Answer::File => {
                responses.insert("200".into(), json!({"description": "The file", "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}));
            }
            Answer::JsonOrCsv(schema) => {
                responses.insert("200".into(), json!({"description": "Success", "content": {
                    "application/json": {"schema": schema},
                    "text/csv": {"schema": {"type": "string"}}
                }}));
            }
            Answer::Provider => {
                responses.insert("200".into(), json!({"description": "The provider's own acknowledgement format (also for a refused callback)"}));
            }
            Answer::Redirect(description) => {
                responses.insert("302".into(), json!({"description": description, "headers": {"Location": {"schema": {"type": "string"}}}}));
            }
            Answer::JsonOrEmpty(schema, description) => {
                responses.insert("200".into(), json!({"description": description, "content": json_content(schema)}));
                responses.insert("204".into(), json!({"description": "Done, no content"}));
            }
        }
        if o.access != Access::Provider {
            responses.insert("4XX".into(), error_response("A client error in the error envelope; `field` names the input at fault"));
        }
        operation.insert("responses".into(), Value::Object(responses));
        let item = paths.entry(o.path.to_string()).or_insert_with(|| json!({}));
        item.as_object_mut().unwrap().insert(o.method.into(), Value::Object(operation));
    }
    let schemas: Map<String, Value> = g.take_definitions(true).into_iter().collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "motcua API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The one-stop public-service desk: catalog, fees, dossiers, payments, the desk, the dashboard. Every failed call answers 4xx/5xx with the error envelope `{\"error\": {\"code\", \"message\", \"message_vi\", \"field\"}}` except the payment providers' callbacks, which answer in each provider's format."
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "citizen": {"type": "apiKey", "in": "cookie", "name": auth::session::CITIZEN_COOKIE, "description": "Set by `POST /api/auth/otp/verify`."},
                "staff": {"type": "apiKey", "in": "cookie", "name": auth::session::STAFF_COOKIE, "description": "Set by `POST /api/staff/login`."}
            }
        }
    })
}

/// The document as committed: pretty JSON with a final newline.
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("a JSON value serializes");
    text.push('\n');
    text
}
