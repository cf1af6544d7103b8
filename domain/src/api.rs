//! The serde types that cross the wire between the functions and the app. Both shells use these
//! so a renamed field breaks the build instead of a page.

use serde::{Deserialize, Serialize};

/// The error envelope of every failed API call: `{"error": {"code", "message", "field"}}`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    /// English, for API clients.
    pub message: String,
    /// Vietnamese, what the app shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub version: String,
    /// Every database in [`Self::databases`] answered.
    pub d1: bool,
    pub r2: bool,
    pub sequences: bool,
    /// The D1 databases asked: the national one, then each province's database once (`DB`
    /// again while provinces have no binding of their own).
    #[serde(default)]
    pub databases: Vec<DatabaseHealth>,
}

/// One D1 database the health check asked `SELECT 1`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseHealth {
    /// The Worker's binding (`DB`, `DB_P42`).
    pub binding: String,
    /// `national` or `shard`.
    pub home: String,
    pub ok: bool,
}

/// One node of the agency tree (any depth: provinces merged and districts were abolished in 2025).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyNode {
    pub code: String,
    pub name: String,
    /// `province`, `district`, `commune`, or a department's own level.
    pub level: String,
    #[serde(default)]
    pub children: Vec<AgencyNode>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureSummary {
    /// National base procedure code (mã TTHC), e.g. `2.000815`.
    pub code: String,
    pub name: String,
    pub level: String,
    pub processing_days: u32,
    pub has_fees: bool,
    pub online_payment: bool,
}

/// `POST /api/fees/quote` body: the inputs named by the procedure's fee schedule
/// (`{"procedure": "2.000815", "agency": "000.00.51.H23", "inputs": {"pages": 5, "copies": 1}}`).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeQuoteRequest {
    pub procedure: String,
    pub agency: String,
    #[serde(default)]
    pub inputs: serde_json::Map<String, serde_json::Value>,
}

/// `POST /api/fees/quote` answer: `{"total": 7000, "lines": [...], ...}`, amounts in đồng.
pub type FeeQuoteResponse = crate::fee::FeeBreakdown;

/// The person who hands in a dossier (seed 004's "Thông tin người nộp").
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Applicant {
    // Names, addresses and content are kept in NFC (see `text_input`); `applicant::validate`
    // refuses control and bidi characters and bounds their length.
    #[serde(deserialize_with = "crate::text_input::nfc")]
    pub full_name: String,
    /// Số CMND/CCCD: a 12-digit citizen ID, or the legacy 9-digit number.
    pub id_number: String,
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(deserialize_with = "crate::text_input::nfc")]
    pub address: String,
    /// Địa bàn: the administrative area, free text.
    #[serde(default, deserialize_with = "crate::text_input::nfc")]
    pub area: String,
}

/// `POST /api/dossiers`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmitDossier {
    pub agency: String,
    pub procedure: String,
    pub applicant: Applicant,
    /// The dossier's owner when different from the submitter (None = "Lấy từ thông tin người nộp").
    #[serde(default)]
    pub owner: Option<Applicant>,
    #[serde(default, deserialize_with = "crate::text_input::nfc")]
    pub content: String,
    #[serde(default)]
    pub receive_by_post: bool,
    #[serde(default)]
    pub send_by_post: bool,
    /// The procedure's own inputs (`pages`, `copies`, `value`, ...), as the fee schedule names them.
    #[serde(default)]
    pub inputs: serde_json::Map<String, serde_json::Value>,
    /// Ids of the caller's own uploads (`POST /api/uploads`) to attach, in the form's order;
    /// errors name them `files[i]`.
    #[serde(default)]
    pub files: Vec<String>,
    /// The desk's assisted-filing code (`?ho-tro=` of the officer's QR link): the dossier stays
    /// online and records the officer who helped. Refused at `assist` when unknown or expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assist: Option<String>,
    /// Ids from the caller's wallet (`GET /api/me/documents`) to reference instead of uploading
    /// again; errors name them `documents[i]`.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// A scan uploaded by a citizen (`POST /api/uploads` answer, and each attachment of a dossier).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadView {
    pub id: String,
    pub name: String,
    /// The type found in the file's first bytes: `image/jpeg`, `image/png` or `application/pdf`.
    pub content_type: String,
    pub size: u64,
}

/// `POST /api/uploads/multipart`: a file announced before it goes up in parts.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartMultipart {
    pub name: String,
    pub size: u64,
    /// `image/jpeg`, `image/png` or `application/pdf`; part 1's first bytes still decide.
    pub content_type: String,
}

/// A multipart upload in progress (`POST /api/uploads/multipart`, `GET …/{id}`): its plan and
/// the parts the server already has, so a client resumes by sending only the others.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipartView {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub part_size: u64,
    /// How many parts, numbered from 1.
    pub parts: u32,
    /// The part numbers received, in order.
    #[serde(default)]
    pub received: Vec<u32>,
}

/// `PUT /api/uploads/multipart/{id}/parts/{n}` answer.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartView {
    pub part: u32,
    pub size: u64,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierSummary {
    pub id: String,
    pub code: Option<String>,
    pub agency_code: String,
    pub agency_name: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub status: crate::dossier::DossierStatus,
    pub status_label: String,
    pub deadline: Option<String>,
    pub submitted_at: Option<String>,
    /// A dossier of an archived month (#20): read-only, its record kept in the archive.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub archived: bool,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: String,
    pub action: String,
    pub label: String,
    pub to_status: String,
    pub actor_role: String,
    pub reason: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeNoticeView {
    pub id: String,
    pub total: i64,
    /// Each line with its amount and, when an officer changed it, the computed amount and why.
    pub lines: Vec<crate::desk::NoticeLine>,
    pub status: NoticeStatus,
    pub created_at: String,
}

/// Where a fee notice stands: open (payable), settled, or cancelled (replaced by a new notice, or
/// the dossier withdrawn).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    Open,
    Settled,
    Cancelled,
}

/// The answer to starting a payment: the attempt, and where to send the payer next (the
/// provider's page, or the VietQR code with the bank details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Started {
    pub payment: PaymentSummary,
    pub next: crate::gateway::StartPayment,
}

/// A payment attempt as the citizen sees it: few states, the ledger's truth.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentSummary {
    pub id: String,
    pub reference: String,
    pub provider: crate::payment::Channel,
    pub amount: i64,
    pub status: crate::payment::Status,
    pub status_label: String,
    pub finished: bool,
    pub created_at: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptView {
    /// The legal number within the collector's year (at most 8 digits, NĐ 254/2026 Đ23.2).
    pub number: String,
    /// Ký hiệu mẫu biên lai and ký hiệu biên lai.
    pub form_symbol: String,
    pub symbol: String,
    /// The collecting agency's name and tax code as printed.
    pub collector: crate::receipt::Collector,
    pub amount: i64,
    pub amount_in_words: String,
    /// Whether the collector's digital signature is on it yet.
    pub signature: crate::receipt::SignatureState,
    /// Set when the legal form could not be made (the agency has no tax code yet): what is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_missing: Option<String>,
    pub agency_code: String,
    pub agency_name: String,
    pub dossier_code: Option<String>,
    pub procedure_name: String,
    pub payer_name: String,
    pub lines: serde_json::Value,
    pub total: i64,
    pub provider: String,
    pub provider_txn: String,
    pub issued_at: String,
    /// Where anyone holding the receipt can check it (`/bien-lai/<verify_code>`).
    pub verify_url: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierDetail {
    #[serde(flatten)]
    pub summary: DossierSummary,
    pub channel: String,
    pub has_fees: bool,
    pub applicant: Applicant,
    pub inputs: serde_json::Map<String, serde_json::Value>,
    pub timeline: Vec<TimelineEntry>,
    pub fee_notice: Option<FeeNoticeView>,
    pub payments: Vec<PaymentSummary>,
    pub receipt: Option<ReceiptView>,
    /// Money given back by the agency, newest first.
    #[serde(default)]
    pub refunds: Vec<RefundSummary>,
    /// True when the open amount can be paid now.
    pub payable: bool,
    /// The attached scans (download at `/api/dossiers/{id}/files/{file}`).
    #[serde(default)]
    pub files: Vec<UploadView>,
    /// The digitized result the desk attached, for the citizen to download and reuse.
    #[serde(default)]
    pub results: Vec<ResultFile>,
    /// The citizen's satisfaction rating, once given (`POST /api/dossiers/{id}/rating`).
    #[serde(default)]
    pub rating: Option<crate::national::Rating>,
    /// The postal item number of a dossier received by public post (`channel` = `post`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_item: Option<String>,
    /// Documents referenced from the citizen's wallet instead of uploaded again.
    #[serde(default)]
    pub wallet_documents: Vec<ReferencedDocument>,
}

/// `POST /api/staff/dossiers`: a submission taken in at the desk, handed in at the counter or
/// received by public post (`motcua_domain::indicators::desk_intake`).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeskIntakeFields {
    /// `counter` (default) or `post`.
    #[serde(default)]
    pub channel: Option<String>,
    /// The postal item number (letters and digits, 6–20), required for `post`.
    #[serde(default)]
    pub postal_item: Option<String>,
}

/// The walk-in body as documented: a submission plus how it arrived.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalkInDossier {
    #[serde(flatten)]
    pub submission: SubmitDossier,
    #[serde(flatten)]
    pub intake: DeskIntakeFields,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundSummary {
    pub amount: i64,
    pub reason: String,
    /// `done`, `processing` (the provider confirms later), `failed`; paid back by hand:
    /// `requested`, `approved`, `paid` (with the transfer reference) or `rejected`.
    pub status: String,
    pub created_at: String,
}

/// A result file of a dossier (`GET /api/dossiers/{id}/results/{file}` downloads it).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultFile {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub url: String,
    pub created_at: String,
    /// Once signed: the signature (the download is then the signed PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureView>,
}

// ---- The one-stop desk (`/api/staff/...`) ----

/// One row of the officer's inbox.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    pub id: String,
    pub code: Option<String>,
    pub applicant_name: String,
    pub procedure_name: String,
    pub agency_name: String,
    pub channel: String,
    pub status: crate::dossier::DossierStatus,
    pub status_label: String,
    pub deadline: Option<String>,
    /// `on_time`, `due_soon` or `overdue` while the deadline runs.
    pub urgency: Option<crate::calendar::DeadlineStatus>,
    pub urgency_label: Option<String>,
    pub submitted_at: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TabCount {
    pub tab: String,
    pub label: String,
    pub count: i64,
}

/// `GET /api/staff/dossiers?tab=&q=`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPage {
    pub tab: String,
    pub items: Vec<InboxItem>,
    pub counts: Vec<TabCount>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionView {
    pub action: String,
    pub label: String,
}

/// One line of the progress-control sheet (phiếu kiểm soát quá trình giải quyết hồ sơ).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlStep {
    pub at: String,
    pub actor: String,
    pub action_label: String,
    pub status_label: String,
    pub reason: Option<String>,
    /// Whether the step was taken by the dossier's deadline.
    pub on_time: Option<bool>,
}

/// `GET /api/staff/dossiers/{id}`: the citizen's view plus what the desk needs.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffDossier {
    #[serde(flatten)]
    pub detail: DossierDetail,
    /// The procedure's required documents (the receive checklist).
    pub documents: Vec<String>,
    pub actions: Vec<ActionView>,
    pub urgency: Option<crate::calendar::DeadlineStatus>,
    pub urgency_label: Option<String>,
    pub steps: Vec<ControlStep>,
    /// The handling agency's processing days (for the control sheet).
    pub processing_days: i64,
    /// Once paid: whether online (gateway, VietQR, pay link) or not (cash at the counter).
    pub paid_online: Option<bool>,
    /// An online dossier filed with a desk officer's help ("nộp trực tuyến có hỗ trợ"): the
    /// officer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assisted_by: Option<String>,
    /// Scans the desk attached (at reception, for walk-ins and online dossiers alike).
    #[serde(default)]
    pub scans: Vec<DeskScan>,
    #[serde(default)]
    pub digitization: Digitization,
}

/// `POST /api/staff/dossiers/{id}/pay-link`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayLinkSent {
    pub url: String,
    pub expires_at: String,
    /// The phone the SMS went to, masked.
    pub sent_to: String,
}

/// `GET /api/pay/{token}`: what anyone holding a pay link sees (no phone, no citizen ID).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayLinkView {
    pub dossier_code: Option<String>,
    pub procedure_name: String,
    pub agency_name: String,
    pub payer: String,
    /// The dossier's status (absent from older servers), so the app can show it in English.
    #[serde(default)]
    pub status: Option<crate::dossier::DossierStatus>,
    pub status_label: String,
    pub fee_notice: Option<FeeNoticeView>,
    pub payable: bool,
    pub receipt: Option<ReceiptView>,
}

/// One row of the audit log.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// `GET /api/procedures/{code}`: what a citizen reads before filling anything in.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureDetail {
    #[serde(flatten)]
    pub summary: ProcedureSummary,
    pub level_label: String,
    pub documents: Vec<String>,
    pub legal_basis: String,
    /// The fee schedule, so the app computes the same breakdown as the server while typing.
    pub fee_schedule: Option<crate::fee::FeeSchedule>,
    /// With `?agency=`: the days on which that agency takes this procedure online only
    /// (paperless days); absent when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_only: Option<crate::paperless::OnlineOnlyDays>,
}

// ---- Digitized, signed and reusable documents (`/api/.../sign`, `/api/verify`, the wallet) ----

/// What a signed document is: a dossier's result, or an electronic copy certified from the
/// original (Nghị định 23/2015/NĐ-CP; electronic copies: Nghị định 45/2020/NĐ-CP, Điều 10).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedKind {
    Result,
    CertifiedCopy,
}

/// A revoked document: when and why (the agency's reason, shown to whoever checks it).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub at: String,
    pub reason: String,
}

/// The digital signature on a result or an electronic copy, as the desk and the owner see it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureView {
    /// The signed document's id (its wallet id; revoke at `/api/staff/documents/{id}/revoke`).
    pub document_id: String,
    pub kind: SignedKind,
    /// Hex SHA-256 of the signed PDF (`GET /api/verify/{sha256}`).
    pub sha256: String,
    /// The short code printed on the document's verification page (`/kiem-tra?ma=`).
    pub code: String,
    /// The officer who had it signed.
    pub signer: String,
    /// The certificate's subject (the agency) and issuer.
    pub certificate_subject: String,
    pub issuer: String,
    pub signed_at: String,
    /// An electronic copy's number in the agency's certification book (`12/2026/SCT/BS-ĐT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revocation>,
    pub verify_url: String,
}

/// `POST /api/staff/dossiers/{id}/results/{file}/sign`: `{}` signs a result; with
/// `certify_copy` (procedure 2.000815) the file is the copy certified from the original.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignRequest {
    #[serde(default)]
    pub certify_copy: Option<CertifyCopy>,
}

/// The officer's statement that the copy was compared with the original, and its page count.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifyCopy {
    pub compared_with_original: bool,
    pub pages: u32,
}

/// The answer of a signing: the result file's id and its signature.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedFile {
    pub file: String,
    #[serde(flatten)]
    pub signature: SignatureView,
}

/// `POST /api/staff/documents/{id}/revoke`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeDocument {
    #[serde(deserialize_with = "crate::text_input::nfc")]
    pub reason: String,
}

/// `GET /api/verify/{sha256 | code}`: public, without personal data.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// Signed by a certificate motcua recorded, and not revoked.
    pub valid: bool,
    pub kind: SignedKind,
    pub title: String,
    pub agency_name: String,
    pub issuer: String,
    pub certificate_subject: String,
    pub signed_at: String,
    pub dossier_code: String,
    pub code: String,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book_number: Option<String>,
    pub revoked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<Revocation>,
}

/// A document in the citizen's wallet, or one a dossier references from it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WalletKind {
    SignedResult,
    CertifiedCopy,
    Upload,
}

/// `GET /api/me/documents`: one document.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletDocument {
    pub id: String,
    pub kind: WalletKind,
    pub title: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub created_at: String,
    /// The dossier it came from (a result) or was first filed with (an upload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureView>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wallet {
    pub documents: Vec<WalletDocument>,
}

/// A wallet document a dossier references (`"documents": [id, …]` of `POST /api/dossiers`), as
/// the desk sees it: signed, and whether its bytes still match the recorded hash.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferencedDocument {
    pub id: String,
    pub kind: WalletKind,
    pub title: String,
    pub url: String,
    pub signed: bool,
    /// The stored bytes hash to the signed record (checked when the dossier is read).
    pub verified: bool,
    pub revoked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A scan an officer attached at the desk (`POST /api/staff/dossiers/{id}/files?type=&name=`).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskScan {
    pub id: String,
    /// One of the procedure's documents.
    pub document_type: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub url: String,
    pub created_at: String,
    pub created_by: String,
}

/// The control sheet's digitization marks: documents digitized at reception, the result at
/// return (seed 004: "số hóa khi tiếp nhận, trả kết quả").
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digitization {
    pub at_reception: bool,
    /// The procedure's documents that have a scan (desk scans, the citizen's uploads are
    /// counted as a whole: an online dossier is digital from the start).
    pub reception_documents: Vec<String>,
    /// A signed result or certified copy exists.
    pub at_return: bool,
}
