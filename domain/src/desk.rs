//! The one-stop desk's rules: which inbox tab a dossier belongs to and in what order officers see
//! them, the documents that must be ticked before a dossier is received, fee-notice lines changed
//! by an officer (only with a written reason), the result file an officer attaches, the signed
//! pay link a walk-in citizen gets by SMS, and the steps of the progress-control sheet (phiếu
//! kiểm soát quá trình giải quyết hồ sơ). Pure: time and keys come in as arguments.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::{Date, PrimitiveDateTime};

use crate::calendar::{self, DeadlineStatus};
use crate::dossier::{self, DossierAction, DossierStatus, Role};
use crate::fee::{FeeBreakdown, FeeLineAmount};
use crate::money::Vnd;
use crate::validation::FieldError;

// ---------------------------------------------------------------------------------------------
// The inbox

/// The tabs of the officer's inbox (`?tab=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxTab {
    /// Waiting for the desk: submitted, or received and not yet moved on.
    New,
    Supplement,
    AwaitingPayment,
    Processing,
    DueSoon,
    Overdue,
}

impl InboxTab {
    pub const ALL: [InboxTab; 6] =
        [InboxTab::New, InboxTab::Supplement, InboxTab::AwaitingPayment, InboxTab::Processing, InboxTab::DueSoon, InboxTab::Overdue];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxTab::New => "new",
            InboxTab::Supplement => "supplement",
            InboxTab::AwaitingPayment => "awaiting_payment",
            InboxTab::Processing => "processing",
            InboxTab::DueSoon => "due_soon",
            InboxTab::Overdue => "overdue",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            InboxTab::New => "Mới",
            InboxTab::Supplement => "Chờ bổ sung",
            InboxTab::AwaitingPayment => "Chờ thanh toán",
            InboxTab::Processing => "Đang giải quyết",
            InboxTab::DueSoon => "Sắp đến hạn",
            InboxTab::Overdue => "Quá hạn",
        }
    }

    /// `None`/empty means the default tab (`new`).
    pub fn parse(field: &str, input: Option<&str>) -> Result<InboxTab, FieldError> {
        let input = input.map(str::trim).unwrap_or("");
        if input.is_empty() {
            return Ok(InboxTab::New);
        }
        InboxTab::ALL.into_iter().find(|t| t.as_str() == input).ok_or_else(|| {
            FieldError::new(
                field,
                "unknown_tab",
                "Danh mục hồ sơ không hợp lệ.",
                "Unknown tab: use new, supplement, awaiting_payment, processing, due_soon or overdue.",
            )
        })
    }

    /// The statuses of a status tab (`None` for the deadline tabs, which span every open status).
    pub fn statuses(self) -> Option<&'static [DossierStatus]> {
        use DossierStatus as S;
        match self {
            InboxTab::New => Some(&[S::Submitted, S::Received]),
            InboxTab::Supplement => Some(&[S::SupplementRequested]),
            InboxTab::AwaitingPayment => Some(&[S::FeeNotified]),
            InboxTab::Processing => Some(&[S::Paid, S::Processing, S::ResultReady]),
            InboxTab::DueSoon | InboxTab::Overdue => None,
        }
    }
}

/// Statuses whose deadline still runs: the desk owes the citizen something.
pub fn deadline_runs(status: DossierStatus) -> bool {
    !status.is_final() && !matches!(status, DossierStatus::Draft | DossierStatus::Returned)
}

/// The last deadlines that count as overdue and as due soon on `today`, for a query:
/// overdue ⇔ `deadline <= overdue_until`; due soon ⇔ `overdue_until < deadline <= due_soon_until`.
/// Agrees with [`calendar::deadline_status`].
pub fn deadline_bounds(today: Date) -> (Date, Date) {
    let overdue_until = today.previous_day().unwrap_or(today);
    (overdue_until, calendar::next_working_day(today))
}

/// Where a dossier stands against its deadline, only while the deadline runs.
pub fn urgency(status: DossierStatus, deadline: Option<Date>, now_local: PrimitiveDateTime) -> Option<DeadlineStatus> {
    deadline.filter(|_| deadline_runs(status)).map(|d| calendar::deadline_status(now_local, d))
}

/// The sort key of the inbox: overdue first, then due soon, then the rest; within each, the
/// earliest deadline first, then the newest submission.
pub fn urgency_rank(u: Option<DeadlineStatus>) -> u8 {
    match u {
        Some(DeadlineStatus::Overdue) => 0,
        Some(DeadlineStatus::DueSoon) => 1,
        Some(DeadlineStatus::OnTime) => 2,
        None => 3,
    }
}

/// The officer's actions allowed in `status` (the domain's state machine decides).
pub fn officer_actions(status: DossierStatus, has_fees: bool) -> Vec<DossierAction> {
    DossierAction::ALL
        .into_iter()
        .filter(|a| a.role() == Role::Officer && dossier::transition(status, *a, Role::Officer, has_fees).is_ok())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Receiving: the checklist of required documents

/// Every required document must be ticked before a dossier is received (seed 004: the desk
/// checks the dossier's components). Names are compared after trimming.
pub fn check_documents(required: &[String], ticked: &[String]) -> Result<(), FieldError> {
    let missing: Vec<&String> = required.iter().filter(|r| !ticked.iter().any(|t| t.trim() == r.trim())).collect();
    match missing.first() {
        None => Ok(()),
        Some(first) => Err(FieldError::new(
            "documents",
            "documents_missing",
            format!("Chưa kiểm tra đủ thành phần hồ sơ: còn thiếu \"{}\"{}.", first, if missing.len() > 1 { format!(" và {} giấy tờ khác", missing.len() - 1) } else { String::new() }),
            format!("Not every required document is ticked: \"{first}\" is missing ({} in all).", missing.len()),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Fee notices changed by an officer

/// An officer's change of one line of the computed fee notice.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineChange {
    /// The line's `code` in the computed breakdown.
    pub code: String,
    /// The new amount in đồng.
    pub amount: i64,
    #[serde(default)]
    pub reason: String,
}

/// A line of a sent fee notice: the computed line, and when an officer changed it, the amount
/// the domain computed and the written reason (shown to the citizen and on the receipt).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeLine {
    #[serde(flatten)]
    pub line: FeeLineAmount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_amount: Option<Vnd>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_reason: Option<String>,
}

/// The lines and total of a fee notice after the officer's changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdjustedNotice {
    pub lines: Vec<NoticeLine>,
    pub total: Vnd,
    /// How many lines were changed.
    pub changed: usize,
}

/// Applies the changes to the computed breakdown. A change needs a known line, an amount the
/// domain accepts as money, and a written reason of at least 5 characters; a change that keeps
/// the computed amount is ignored. Field names point into the request (`changes.0.reason`).
pub fn adjust_notice(breakdown: &FeeBreakdown, changes: &[LineChange]) -> Result<AdjustedNotice, FieldError> {
    let mut lines: Vec<NoticeLine> =
        breakdown.lines.iter().cloned().map(|line| NoticeLine { line, computed_amount: None, change_reason: None }).collect();
    let mut changed = 0;
    for (i, c) in changes.iter().enumerate() {
        let at = |f: &str| format!("changes.{i}.{f}");
        let Some(target) = lines.iter_mut().find(|l| l.line.code == c.code) else {
            return Err(FieldError::new(at("code"), "unknown_line", "Khoản phí cần điều chỉnh không có trong thông báo.", "No such fee line."));
        };
        if target.computed_amount.is_some() {
            return Err(FieldError::new(at("code"), "duplicate_change", "Mỗi khoản phí chỉ được điều chỉnh một lần.", "A line can be changed once."));
        }
        let amount = Vnd::from_dong(&at("amount"), c.amount)?;
        if amount == target.line.amount {
            continue;
        }
        let reason = crate::text_input::normalize(&at("reason"), &c.reason, 500, true)?;
        let reason = reason.as_str();
        if reason.chars().count() < 5 {
            return Err(FieldError::new(
                at("reason"),
                "reason_required",
                format!("Cần ghi rõ lý do khi thay đổi khoản \"{}\".", target.line.name),
                format!("A written reason is required to change the line \"{}\".", target.line.code),
            ));
        }
        target.computed_amount = Some(target.line.amount);
        target.change_reason = Some(reason.to_string());
        target.line.amount = amount;
        changed += 1;
    }
    let total = lines.iter().fold(Vnd::dong(0), |sum, l| Vnd::dong(sum.as_dong() + l.line.amount.as_dong()));
    Ok(AdjustedNotice { lines, total, changed })
}

// ---------------------------------------------------------------------------------------------
// The result file

pub const RESULT_MAX_BYTES: usize = 10 * 1024 * 1024;
pub const RESULT_TYPES: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

/// A digitized result: PDF, JPEG or PNG, not empty, at most 10 MB, with a usable file name.
/// Returns the cleaned name (no path, no control characters, at most 120 characters).
pub fn check_result_file(name: &str, content_type: &str, size: usize) -> Result<String, FieldError> {
    let ct = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !RESULT_TYPES.contains(&ct.as_str()) {
        return Err(FieldError::new("file", "unsupported_type", "Chỉ nhận tệp PDF, JPEG hoặc PNG.", "Only PDF, JPEG or PNG files."));
    }
    if size == 0 {
        return Err(FieldError::new("file", "empty", "Tệp kết quả đang trống.", "The file is empty."));
    }
    if size > RESULT_MAX_BYTES {
        return Err(FieldError::new("file", "too_large", "Tệp kết quả không quá 10 MB.", "The file is at most 10 MB."));
    }
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = crate::text_input::strip_invisible(base).chars().filter(|c| !matches!(c, '"' | '<' | '>')).take(120).collect();
    let clean = clean.trim().to_string();
    if clean.is_empty() || clean.starts_with('.') {
        return Err(FieldError::new("name", "invalid_name", "Tên tệp không hợp lệ.", "Invalid file name."));
    }
    Ok(clean)
}

// ---------------------------------------------------------------------------------------------
// The pay link of a walk-in dossier

/// How long an SMS pay link works.
pub const PAY_LINK_TTL_SECONDS: i64 = 24 * 3600;

/// What a pay link grants: paying the one open fee notice of one dossier, until it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayLink {
    pub dossier_id: String,
    pub notice_id: String,
    pub expires_at: i64,
}

fn pay_link_mac(key: &[u8], dossier_id: &str, notice_id: &str, expires_at: i64) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    // Domain separation: a pay-link signature is never valid for anything else signed with the key.
    mac.update(format!("motcua-paylink-v1\n{dossier_id}\n{notice_id}\n{expires_at}").as_bytes());
    mac
}

/// A record id: lower-case hex as made before sharding, or one that names its shard (`s42…`,
/// `crate::shard::sharded_id`), so pay links keep working when ids carry the province.
fn is_id(s: &str) -> bool {
    let hex = (16..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    hex || matches!(crate::shard::shard_of_id("id", s), Ok(Some(_)))
}

impl PayLink {
    /// `<dossier>.<notice>.<expires>.<hmac-sha256 hex>`, bound to the fee notice so that a new
    /// notice (changed amounts) invalidates old links.
    pub fn sign(&self, key: &[u8]) -> String {
        let tag = pay_link_mac(key, &self.dossier_id, &self.notice_id, self.expires_at).finalize().into_bytes();
        format!("{}.{}.{}.{}", self.dossier_id, self.notice_id, self.expires_at, hex::encode(tag))
    }

    /// The link's grant if the signature holds (constant-time) and it has not expired. Every
    /// failure is the same error, so a caller learns nothing about which part was wrong.
    pub fn verify(key: &[u8], token: &str, now: i64) -> Result<PayLink, PayLinkError> {
        let parts: Vec<&str> = token.trim().split('.').collect();
        let [dossier_id, notice_id, expires, tag] = parts.as_slice() else { return Err(PayLinkError::Invalid) };
        if !is_id(dossier_id) || !is_id(notice_id) || tag.len() != 64 {
            return Err(PayLinkError::Invalid);
        }
        let expires_at: i64 = expires.parse().map_err(|_| PayLinkError::Invalid)?;
        let tag = hex::decode(tag).map_err(|_| PayLinkError::Invalid)?;
        pay_link_mac(key, dossier_id, notice_id, expires_at).verify_slice(&tag).map_err(|_| PayLinkError::Invalid)?;
        if now >= expires_at {
            return Err(PayLinkError::Expired);
        }
        Ok(PayLink { dossier_id: dossier_id.to_string(), notice_id: notice_id.to_string(), expires_at })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayLinkError {
    Invalid,
    Expired,
}

impl PayLinkError {
    pub fn code(self) -> &'static str {
        match self {
            PayLinkError::Invalid => "pay_link_invalid",
            PayLinkError::Expired => "pay_link_expired",
        }
    }
    pub fn message_vi(self) -> &'static str {
        match self {
            PayLinkError::Invalid => "Đường dẫn thanh toán không hợp lệ.",
            PayLinkError::Expired => "Đường dẫn thanh toán đã hết hạn. Vui lòng đề nghị cán bộ gửi lại.",
        }
    }
    pub fn message_en(self) -> &'static str {
        match self {
            PayLinkError::Invalid => "The pay link is not valid.",
            PayLinkError::Expired => "The pay link has expired; ask the desk for a new one.",
        }
    }
}

/// The SMS with the pay link (no diacritics: plain GSM text fits one or two messages).
pub fn pay_link_sms(agency_name: &str, dossier_code: &str, total: Vnd, url: &str) -> String {
    format!(
        "{}: Ho so {} can thanh toan {} dong. Thanh toan truc tuyen tai {} (hieu luc 24 gio).",
        crate::text::fold(agency_name).to_uppercase(),
        dossier_code,
        total.grouped(),
        url
    )
}

/// A person's name reduced to initials ("Nguyễn Văn An" → "N. V. A."), for the pay-link page
/// that anyone holding the link can open.
pub fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).map(|c| format!("{c}.")).collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// The progress-control sheet

/// Whether a step happened by the dossier's deadline (`None` when there is no deadline).
pub fn step_on_time(step_date: Date, deadline: Option<Date>) -> Option<bool> {
    deadline.map(|d| step_date <= d)
}

/// Searchable text of a dossier: folded name, phone, citizen ID and code.
pub fn search_text(code: &str, full_name: &str, phone: &str, id_number: &str) -> String {
    crate::text::fold(&format!("{code} {full_name} {phone} {id_number}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fee::{FeeKind, FeeLineAmount};
    use time::macros::{date, datetime};

    fn line(code: &str, amount: i64) -> FeeLineAmount {
        FeeLineAmount {
            code: code.into(),
            name: format!("Khoản {code}"),
            kind: FeeKind::Phi,
            quantity: 1,
            unit_price: Vnd::dong(amount),
            amount: Vnd::dong(amount),
            beneficiary: "agency".into(),
            legal_basis: "TT 226/2016/TT-BTC".into(),
            detail_vi: None,
            exemption: None,
        }
    }

    fn breakdown() -> FeeBreakdown {
        FeeBreakdown {
            procedure: "2.000815".into(),
            total: Vnd::dong(21_000),
            lines: vec![line("copy_fee", 15_000), line("extra", 6_000)],
            effective_from: date!(2024 - 01 - 01),
            legal_basis: "TT".into(),
        }
    }

    #[test]
    fn a_change_reason_is_clean_text() {
        let b = breakdown();
        let change = |reason: &str| adjust_notice(&b, &[LineChange { code: "extra".into(), amount: 0, reason: reason.into() }]);
        let e = change("Miễn theo\u{202E} quy định").unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("changes.0.reason", "bidi_control"));
        let e = change(&"Miễn ".repeat(200)).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("changes.0.reason", "too_long"));
        let a = change("Mie\u{0302}\u{0303}n theo quy định").unwrap();
        assert_eq!(a.lines[1].change_reason.as_deref(), Some("Miễn theo quy định"));
    }

    #[test]
    fn tabs_parse_and_cover_the_open_statuses() {
        assert_eq!(InboxTab::parse("tab", None).unwrap(), InboxTab::New);
        assert_eq!(InboxTab::parse("tab", Some("overdue")).unwrap(), InboxTab::Overdue);
        let e = InboxTab::parse("tab", Some("late")).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("tab", "unknown_tab"));
        for s in DossierStatus::ALL {
            let listed = InboxTab::ALL.iter().filter_map(|t| t.statuses()).any(|ss| ss.contains(&s));
            let expected = !s.is_final() && !matches!(s, DossierStatus::Draft | DossierStatus::Returned);
            assert_eq!(listed, expected, "{s:?}");
        }
    }

    #[test]
    fn deadline_bounds_agree_with_the_calendar() {
        // Friday 2024-04-12: the next working day is Monday the 15th.
        let now = datetime!(2024-04-12 10:00);
        let (overdue_until, due_soon_until) = deadline_bounds(now.date());
        assert_eq!((overdue_until, due_soon_until), (date!(2024 - 04 - 11), date!(2024 - 04 - 15)));
        for day in 1..=30 {
            let d = date!(2024 - 04 - 01).replace_day(day).unwrap();
            let by_bounds = if d <= overdue_until {
                DeadlineStatus::Overdue
            } else if d <= due_soon_until {
                DeadlineStatus::DueSoon
            } else {
                DeadlineStatus::OnTime
            };
            assert_eq!(by_bounds, calendar::deadline_status(now, d), "{d}");
        }
    }

    #[test]
    fn urgency_stops_when_the_result_is_returned() {
        let now = datetime!(2024-04-12 10:00);
        let late = Some(date!(2024 - 04 - 01));
        assert_eq!(urgency(DossierStatus::Processing, late, now), Some(DeadlineStatus::Overdue));
        assert_eq!(urgency(DossierStatus::Returned, late, now), None);
        assert_eq!(urgency(DossierStatus::Completed, late, now), None);
        assert!(urgency_rank(Some(DeadlineStatus::Overdue)) < urgency_rank(Some(DeadlineStatus::DueSoon)));
        assert!(urgency_rank(Some(DeadlineStatus::DueSoon)) < urgency_rank(None));
    }

    #[test]
    fn officer_actions_follow_the_state_machine() {
        use DossierAction as A;
        assert_eq!(officer_actions(DossierStatus::Submitted, true), vec![A::RequestSupplement, A::Receive, A::Reject]);
        assert_eq!(officer_actions(DossierStatus::Received, true), vec![A::Reject, A::NotifyFee]);
        assert_eq!(officer_actions(DossierStatus::Received, false), vec![A::Reject, A::StartProcessing]);
        assert_eq!(officer_actions(DossierStatus::FeeNotified, true), vec![A::PayAtCounter]);
        assert_eq!(officer_actions(DossierStatus::Returned, true), vec![A::Complete]);
        assert!(officer_actions(DossierStatus::Completed, true).is_empty());
    }

    #[test]
    fn receiving_needs_every_document_ticked() {
        let req = vec!["Tờ khai".to_string(), "Bản chính giấy tờ".to_string(), "CCCD".to_string()];
        assert!(check_documents(&req, &["CCCD".into(), " Tờ khai ".into(), "Bản chính giấy tờ".into()]).is_ok());
        let e = check_documents(&req, &["CCCD".into()]).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("documents", "documents_missing"));
        assert!(e.message_vi.contains("Tờ khai") && e.message_vi.contains("1 giấy tờ khác"), "{}", e.message_vi);
        assert!(check_documents(&[], &[]).is_ok());
    }

    #[test]
    fn a_changed_line_needs_a_reason_and_is_kept_with_it() {
        let b = breakdown();
        let e = adjust_notice(&b, &[LineChange { code: "extra".into(), amount: 0, reason: " ".into() }]).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("changes.0.reason", "reason_required"));
        assert!(e.message_vi.contains("lý do"));
        let e = adjust_notice(&b, &[LineChange { code: "nope".into(), amount: 0, reason: "Miễn theo quy định".into() }]).unwrap_err();
        assert_eq!(e.code, "unknown_line");
        let e = adjust_notice(&b, &[LineChange { code: "extra".into(), amount: -1, reason: "Miễn theo quy định".into() }]).unwrap_err();
        assert_eq!(e.field, "changes.0.amount");
        let a = adjust_notice(&b, &[LineChange { code: "extra".into(), amount: 0, reason: "Hộ nghèo, miễn theo NQ 12".into() }]).unwrap();
        assert_eq!((a.total.as_dong(), a.changed), (15_000, 1));
        assert_eq!(a.lines[1].computed_amount, Some(Vnd::dong(6_000)));
        assert_eq!(a.lines[1].change_reason.as_deref(), Some("Hộ nghèo, miễn theo NQ 12"));
        let json = serde_json::to_value(&a.lines[1]).unwrap();
        assert_eq!(json["amount"], 0);
        assert_eq!(json["code"], "extra");
        // Unchanged amount: no reason needed, nothing recorded.
        let a = adjust_notice(&b, &[LineChange { code: "extra".into(), amount: 6_000, reason: String::new() }]).unwrap();
        assert_eq!((a.total.as_dong(), a.changed), (21_000, 0));
        assert!(a.lines[1].change_reason.is_none());
    }

    #[test]
    fn result_files_are_checked() {
        assert_eq!(check_result_file("C:\\scan\\ket-qua.pdf", "application/pdf", 10).unwrap(), "ket-qua.pdf");
        assert_eq!(check_result_file("a.png", "image/png; charset=x", 10).unwrap(), "a.png");
        assert_eq!(check_result_file("a.exe", "application/x-msdownload", 10).unwrap_err().code, "unsupported_type");
        assert_eq!(check_result_file("a.pdf", "application/pdf", 0).unwrap_err().code, "empty");
        assert_eq!(check_result_file("a.pdf", "application/pdf", RESULT_MAX_BYTES + 1).unwrap_err().code, "too_large");
        assert_eq!(check_result_file("../", "application/pdf", 3).unwrap_err().code, "invalid_name");
    }

    #[test]
    fn pay_links_are_signed_bound_and_expire() {
        let key = b"test-key";
        let link = PayLink { dossier_id: "a".repeat(32), notice_id: "b".repeat(32), expires_at: 1_000 };
        let token = link.sign(key);
        assert_eq!(PayLink::verify(key, &token, 999), Ok(link.clone()));
        assert_eq!(PayLink::verify(key, &token, 1_000), Err(PayLinkError::Expired));
        assert_eq!(PayLink::verify(b"other", &token, 0), Err(PayLinkError::Invalid));
        // Another dossier, notice or expiry with the same tag fails.
        let forged = token.replacen(&"a".repeat(32), &"c".repeat(32), 1);
        assert_eq!(PayLink::verify(key, &forged, 0), Err(PayLinkError::Invalid));
        let extended = token.replacen(".1000.", ".9999.", 1);
        assert_eq!(PayLink::verify(key, &extended, 0), Err(PayLinkError::Invalid));
        for bad in ["", "x", "a.b.c.d", &format!("{token}.x"), &token.to_uppercase()] {
            assert_eq!(PayLink::verify(key, bad, 0), Err(PayLinkError::Invalid), "{bad}");
        }
        assert!(!PayLinkError::Expired.message_vi().is_empty());
        // Ids that name their shard (#20) sign and verify like the old ones.
        let shard = crate::shard::ShardId::from_code("shard", 42).unwrap();
        let sharded = PayLink { dossier_id: crate::shard::sharded_id(shard, &[9; 15]), notice_id: crate::shard::sharded_id(shard, &[3; 15]), expires_at: 1_000 };
        assert_eq!(PayLink::verify(key, &sharded.sign(key), 0), Ok(sharded.clone()));
        let not_a_shard = sharded.sign(key).replacen("s42", "s30", 1);
        assert_eq!(PayLink::verify(key, &not_a_shard, 0), Err(PayLinkError::Invalid));
    }

    #[test]
    fn sms_and_initials_hide_what_they_should() {
        let sms = pay_link_sms("UBND xã Sơn Tây", "000.00.51.H23-240412-0001", Vnd::dong(21_000), "http://x/thanh-toan/t");
        assert!(sms.starts_with("UBND XA SON TAY: Ho so 000.00.51.H23-240412-0001 can thanh toan 21.000 dong"), "{sms}");
        assert!(sms.is_ascii());
        assert_eq!(initials("Nguyễn Văn An"), "N. V. A.");
        assert_eq!(search_text("ABC-1", "Nguyễn Văn An", "0912345678", "042090001234"), "abc-1 nguyen van an 0912345678 042090001234");
        assert_eq!(step_on_time(date!(2024 - 04 - 12), Some(date!(2024 - 04 - 12))), Some(true));
        assert_eq!(step_on_time(date!(2024 - 04 - 13), Some(date!(2024 - 04 - 12))), Some(false));
    }
}
