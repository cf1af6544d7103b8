//! Bills: what a person owes an agency, paid through the same gateways, ledger, settlement and
//! receipts as a dossier's fees. A dossier's fee notice is one kind of bill (`procedure_fee`);
//! the others stand alone: land financial obligations notified by the tax authority, fines of an
//! administrative-violation decision, voluntary social and health insurance, and whatever an
//! agency collects through a payment link (`other`).
//!
//! **Whole bills only.** No kind is paid in part online. The one part-payment the law knows for
//! these kinds, a fine paid in instalments (Luật Xử lý vi phạm hành chính 2012, Điều 79, as
//! amended 2020: by a decision of the person who imposed the fine, at most three instalments
//! within six months), fixes each instalment's amount and date in that decision, so each
//! instalment is issued as its own bill with its own due date (the import takes them as rows).
//! Land obligations are notified as a whole per notice (thông báo nộp tiền of the tax
//! authority), insurance per period; a partial transfer of either is something the treasury
//! must return, not a state of the bill.
//!
//! **States.** `open → paid | cancelled (reason) | expired`. An open bill past its due date is
//! expired by the cron and can no longer be started; money for an attempt started while it was
//! open still settles it (the payer did nothing wrong), and money for a cancelled or already paid
//! bill is kept for an officer to refund.

pub mod code;
pub mod import;
pub mod link;
pub mod report;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::calendar;
use crate::citizen::CitizenId;
use crate::fee::{FeeKind, FeeLineAmount};
use crate::money::Vnd;
use crate::text_input::{Reason, ShortText, Text};
use crate::validation::FieldError;

pub use code::BillCode;

/// What a bill is for.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A dossier's fee notice (phí, lệ phí of a procedure).
    ProcedureFee,
    /// Nghĩa vụ tài chính về đất đai: tiền sử dụng đất, tiền thuê đất, lệ phí trước bạ, thuế.
    LandObligation,
    /// Tiền phạt vi phạm hành chính.
    Fine,
    /// Bảo hiểm xã hội tự nguyện, bảo hiểm y tế.
    Insurance,
    /// Anything else an agency collects (payment links).
    Other,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::ProcedureFee, Kind::LandObligation, Kind::Fine, Kind::Insurance, Kind::Other];
    /// The kinds an officer issues as a bill of their own.
    pub const STANDALONE: [Kind; 4] = [Kind::LandObligation, Kind::Fine, Kind::Insurance, Kind::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ProcedureFee => "procedure_fee",
            Kind::LandObligation => "land_obligation",
            Kind::Fine => "fine",
            Kind::Insurance => "insurance",
            Kind::Other => "other",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// A kind an officer may issue (`procedure_fee` comes only from a dossier's fee notice).
    pub fn parse_standalone(field: &str, input: &str) -> Result<Kind, FieldError> {
        match Kind::from_str_opt(input.trim()) {
            Some(k) if k != Kind::ProcedureFee => Ok(k),
            Some(_) => Err(FieldError::new(
                field,
                "invalid_choice",
                "Phí, lệ phí của hồ sơ được thông báo trên chính hồ sơ đó, không tạo thành khoản phải nộp riêng.",
                "A dossier's fees are noticed on the dossier itself, not as a separate bill.",
            )),
            None if input.trim().is_empty() => Err(FieldError::required(field)),
            None => Err(FieldError::new(
                field,
                "invalid_choice",
                "Loại khoản phải nộp là land_obligation (đất đai), fine (phạt vi phạm hành chính), insurance (bảo hiểm) hoặc other (khác).",
                "The kind is land_obligation, fine, insurance or other.",
            )),
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Kind::ProcedureFee => "Phí, lệ phí hồ sơ",
            Kind::LandObligation => "Nghĩa vụ tài chính về đất đai",
            Kind::Fine => "Phạt vi phạm hành chính",
            Kind::Insurance => "Bảo hiểm xã hội, bảo hiểm y tế",
            Kind::Other => "Khoản thu khác",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Kind::ProcedureFee => "Dossier fees",
            Kind::LandObligation => "Land financial obligations",
            Kind::Fine => "Administrative fine",
            Kind::Insurance => "Social or health insurance",
            Kind::Other => "Other charge",
        }
    }

    /// Where a line goes when the bill does not say: fines, land obligations (taxes, land-use
    /// levies, registration fees) go to the state budget (Luật NSNN 2015 Đ35; Luật XLVPHC Đ78);
    /// insurance contributions to the social-insurance fund's own account; other charges to the
    /// collecting agency's account.
    pub fn default_beneficiary(self) -> Beneficiary {
        match self {
            Kind::LandObligation | Kind::Fine => Beneficiary::NganSach,
            Kind::ProcedureFee | Kind::Insurance | Kind::Other => Beneficiary::CoQuan,
        }
    }
}

/// Who a line is owed to.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Beneficiary {
    /// The state budget, through the agency's treasury account (with chương and tiểu mục).
    NganSach,
    /// The collecting agency's own account.
    CoQuan,
}

impl Beneficiary {
    pub fn parse(field: &str, input: &str) -> Result<Beneficiary, FieldError> {
        match input.trim() {
            "ngan_sach" => Ok(Beneficiary::NganSach),
            "co_quan" => Ok(Beneficiary::CoQuan),
            _ => Err(FieldError::new(
                field,
                "invalid_choice",
                "Nơi nhận tiền là ngan_sach (ngân sách nhà nước, qua Kho bạc) hoặc co_quan (tài khoản của cơ quan thu).",
                "The beneficiary is ngan_sach (the state budget, through the treasury) or co_quan (the agency's own account).",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Beneficiary::NganSach => "ngan_sach",
            Beneficiary::CoQuan => "co_quan",
        }
    }

    /// The account purpose the routing of `beneficiary::route` sends it to: the treasury
    /// account (the one that carries chương and tiểu mục) or the agency's collection account.
    pub fn fee_kind(self) -> FeeKind {
        match self {
            Beneficiary::NganSach => FeeKind::LePhi,
            Beneficiary::CoQuan => FeeKind::Phi,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Beneficiary::NganSach => "Ngân sách nhà nước (Kho bạc Nhà nước)",
            Beneficiary::CoQuan => "Tài khoản của cơ quan thu",
        }
    }
}

/// The payer's identification: a citizen's 12-digit number, or a tax code (10 digits, or 13
/// for a dependent unit written `0101234567-001`, Thông tư 105/2020/TT-BTC Đ5).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PayerId {
    Citizen(CitizenId),
    TaxCode(String),
}

impl PayerId {
    pub fn parse(field: &str, input: &str) -> Result<PayerId, FieldError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
        if s.is_empty() {
            return Err(FieldError::required(field));
        }
        let digits: String = s.chars().filter(|c| *c != '-').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_payer_id(field));
        }
        // A dash only ever separates a dependent unit's three digits from the parent's ten.
        if s.contains('-') && (s.len() != 14 || s.find('-') != Some(10)) {
            return Err(bad_payer_id(field));
        }
        match digits.len() {
            12 => CitizenId::parse(field, &digits).map(PayerId::Citizen),
            10 => Ok(PayerId::TaxCode(digits)),
            13 => Ok(PayerId::TaxCode(format!("{}-{}", &digits[..10], &digits[10..]))),
            _ => Err(bad_payer_id(field)),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            PayerId::Citizen(id) => id.as_str(),
            PayerId::TaxCode(t) => t,
        }
    }

    /// For logs and for anyone but the payer and the agency.
    pub fn masked(&self) -> String {
        mask_id(self.as_str())
    }
}

/// The first two and last three characters of an identification number.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 5 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 5))
}

fn bad_payer_id(field: &str) -> FieldError {
    FieldError::new(
        field,
        "invalid_format",
        "Số định danh của người nộp là số CCCD (12 chữ số) hoặc mã số thuế (10 chữ số, hoặc 10 chữ số - 3 chữ số).",
        "The payer's identification is a citizen ID (12 digits) or a tax code (10 digits, or 10-3 digits).",
    )
}

/// The document a bill comes from: the tax authority's notice, the fine decision, the insurance
/// period's notice. Kept as issued, shown to the payer (it is their own document).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Document {
    pub number: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// A fine's violation as written in the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<String>,
    /// Who signed the decision or notice (a fine's issuing officer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_by: Option<String>,
}

/// What an officer types for a document, before checks.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocumentInput {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub violation: Option<String>,
    #[serde(default)]
    pub issued_by: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PayerInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    /// For the SMS with the pay link.
    #[serde(default)]
    pub phone: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize)]
pub struct LineInput {
    #[serde(default)]
    pub name: String,
    /// Whole đồng, at least 1.
    pub amount: i64,
    /// `ngan_sach` | `co_quan`; the kind's default when absent.
    #[serde(default)]
    pub beneficiary: Option<String>,
    /// Tiểu mục of the budget classification (4 digits), for a line owed to the state budget.
    #[serde(default)]
    pub budget_item: Option<String>,
}

/// `POST /api/staff/bills`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize)]
pub struct NewBillInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub payer: PayerInput,
    #[serde(default)]
    pub document: DocumentInput,
    #[serde(default)]
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub due_date: String,
}

/// A bill that passed every check, ready to be numbered and stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBill {
    pub kind: Kind,
    pub agency: String,
    pub payer_name: String,
    pub payer_id: PayerId,
    pub payer_phone: Option<crate::citizen::Phone>,
    pub document: Document,
    pub lines: Vec<FeeLineAmount>,
    pub total: Vnd,
    pub due_date: Date,
}

/// At most this many lines on one bill.
pub const MAX_LINES: usize = 20;
/// A due date at most this far ahead (a year's insurance, a land-use levy deferred a year).
pub const MAX_DUE_DAYS: i64 = 5 * 366;
/// The largest amount one online payment may carry (the gateways' own ceilings are lower for
/// cards; a land-use levy can run to billions of đồng, paid by transfer or the national platform).
pub const MAX_TOTAL_DONG: i64 = 100_000_000_000;

type DocNumber = Text<50, false>;

impl NewBillInput {
    /// Every check of a new bill, naming the first wrong field by its path; `today` is the
    /// Vietnamese calendar day (a due date today is still payable today).
    pub fn validate(&self, today: Date) -> Result<NewBill, FieldError> {
        let kind = Kind::parse_standalone("kind", &self.kind)?;
        let agency = crate::codes::AgencyCode::parse("agency", &self.agency)?.to_string();
        let payer_name = ShortText::parse("payer.name", &self.payer.name)?.into_string();
        let payer_id = PayerId::parse("payer.id_number", &self.payer.id_number)?;
        let payer_phone = match self.payer.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(crate::citizen::Phone::parse("payer.phone", p)?),
            None => None,
        };
        let document = self.document.validate(kind, today)?;
        let lines = validate_lines(kind, &self.lines)?;
        let total = lines.iter().fold(Vnd::ZERO, |t, l| t + l.amount);
        if total.as_dong() > MAX_TOTAL_DONG {
            return Err(FieldError::new(
                "lines",
                "too_large",
                format!("Tổng số tiền vượt mức {} đồng một lần thanh toán trực tuyến.", Vnd::dong(MAX_TOTAL_DONG).grouped()),
                format!("The total exceeds {MAX_TOTAL_DONG} đồng for one online payment."),
            ));
        }
        let due_date = due_date("due_date", &self.due_date, today)?;
        Ok(NewBill { kind, agency, payer_name, payer_id, payer_phone, document, lines, total, due_date })
    }
}

impl DocumentInput {
    fn validate(&self, kind: Kind, today: Date) -> Result<Document, FieldError> {
        let number = DocNumber::parse("document.number", &self.number)?.into_string();
        let date = calendar::parse_iso_date("document.date", &self.date)?;
        if date > today {
            return Err(FieldError::new(
                "document.date",
                "in_future",
                "Ngày của văn bản không được sau ngày hôm nay.",
                "The document's date cannot be after today.",
            ));
        }
        let text = |field: &str, v: &Option<String>| -> Result<Option<String>, FieldError> {
            Ok(match v {
                Some(s) => Reason::parse_optional(field, s)?.map(|t| t.into_string()),
                None => None,
            })
        };
        let violation = text("document.violation", &self.violation)?;
        let issued_by = match &self.issued_by {
            Some(s) => ShortText::parse_optional("document.issued_by", s)?.map(|t| t.into_string()),
            None => None,
        };
        // A fine decision names the violation and who imposed it (Luật XLVPHC Đ68).
        if kind == Kind::Fine {
            if violation.is_none() {
                return Err(FieldError::required("document.violation"));
            }
            if issued_by.is_none() {
                return Err(FieldError::required("document.issued_by"));
            }
        }
        Ok(Document { number, date: date.to_string(), violation, issued_by })
    }
}

/// A budget item (tiểu mục): four digits.
pub fn parse_budget_item(field: &str, input: &str) -> Result<Option<String>, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Some(s.to_string()));
    }
    Err(FieldError::new(
        field,
        "invalid_format",
        "Tiểu mục gồm đúng 4 chữ số (ví dụ 4254 tiền phạt, 2801 lệ phí trước bạ nhà đất).",
        "A budget item (tiểu mục) has exactly 4 digits.",
    ))
}

fn validate_lines(kind: Kind, lines: &[LineInput]) -> Result<Vec<FeeLineAmount>, FieldError> {
    if lines.is_empty() {
        return Err(FieldError::new("lines", "required", "Vui lòng nhập ít nhất một khoản tiền.", "At least one line is required."));
    }
    if lines.len() > MAX_LINES {
        return Err(FieldError::new(
            "lines",
            "too_many",
            format!("Một khoản phải nộp có tối đa {MAX_LINES} dòng."),
            format!("A bill has at most {MAX_LINES} lines."),
        ));
    }
    lines.iter().enumerate().map(|(i, l)| line(kind, i, l)).collect()
}

fn line(kind: Kind, i: usize, l: &LineInput) -> Result<FeeLineAmount, FieldError> {
    let at = |f: &str| format!("lines.{i}.{f}");
    let name = ShortText::parse(&at("name"), &l.name)?.into_string();
    if l.amount < 1 {
        return Err(FieldError::new(
            at("amount"),
            "too_small",
            "Số tiền là số đồng nguyên, ít nhất 1 đồng.",
            "The amount is a whole number of đồng, at least 1.",
        ));
    }
    if l.amount > MAX_TOTAL_DONG {
        return Err(FieldError::new(
            at("amount"),
            "too_large",
            format!("Số tiền vượt mức {} đồng.", Vnd::dong(MAX_TOTAL_DONG).grouped()),
            format!("The amount exceeds {MAX_TOTAL_DONG} đồng."),
        ));
    }
    let beneficiary = match l.beneficiary.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) => Beneficiary::parse(&at("beneficiary"), b)?,
        None => kind.default_beneficiary(),
    };
    let budget_item = parse_budget_item(&at("budget_item"), l.budget_item.as_deref().unwrap_or(""))?;
    Ok(bill_line(i, name, Vnd::dong(l.amount), beneficiary, budget_item))
}

/// A bill's line in the shape the routing, the receipts and the statements already read. Its
/// code is the tiểu mục when one is given, so that routing finds the line's own budget item.
pub fn bill_line(i: usize, name: String, amount: Vnd, beneficiary: Beneficiary, budget_item: Option<String>) -> FeeLineAmount {
    FeeLineAmount {
        code: budget_item.clone().map(|b| format!("tm{b}")).unwrap_or_else(|| format!("line{}", i + 1)),
        name,
        kind: beneficiary.fee_kind(),
        quantity: 1,
        unit_price: amount,
        amount,
        beneficiary: beneficiary.label_vi().to_string(),
        legal_basis: String::new(),
        detail_vi: budget_item.map(|b| format!("Tiểu mục {b}")),
        exemption: None,
    }
}

/// The tiểu mục a line carries itself (see [`bill_line`]), for routing.
pub fn line_budget_item(line: &FeeLineAmount) -> Option<&str> {
    line.code.strip_prefix("tm")
}

/// A due date: not in the past, and not years ahead.
pub fn due_date(field: &str, input: &str, today: Date) -> Result<Date, FieldError> {
    let date = calendar::parse_iso_date(field, input)?;
    if date < today {
        return Err(FieldError::new(
            field,
            "in_past",
            "Hạn nộp không được trước ngày hôm nay.",
            "The due date cannot be before today.",
        ));
    }
    if (date - today).whole_days() > MAX_DUE_DAYS {
        return Err(FieldError::new(field, "too_far", "Hạn nộp quá xa (tối đa 5 năm).", "The due date is too far ahead (at most 5 years)."));
    }
    Ok(date)
}

/// A bill's state.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    Paid,
    Cancelled,
    Expired,
}

impl State {
    pub const ALL: [State; 4] = [State::Open, State::Paid, State::Cancelled, State::Expired];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Paid => "paid",
            State::Cancelled => "cancelled",
            State::Expired => "expired",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            State::Open => "Chưa nộp",
            State::Paid => "Đã nộp",
            State::Cancelled => "Đã hủy",
            State::Expired => "Quá hạn",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            State::Open => "Unpaid",
            State::Paid => "Paid",
            State::Cancelled => "Cancelled",
            State::Expired => "Past due",
        }
    }
}

/// What a decision needs to know of a bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub kind: Kind,
    pub state: State,
    /// `None` for a dossier's notice (it has no due date of its own).
    pub due_date: Option<Date>,
    pub total: i64,
}

/// A change someone asks of a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// An officer withdraws it (a wrong amount, a decision annulled), with the reason.
    Cancel { reason: String },
    /// The cron closes an open bill whose due date has passed.
    Expire,
    /// A verified payment (or the counter) settles it.
    Settle,
}

/// A decided change: the new state, the audit action and what the audit row keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub from: State,
    pub to: State,
    pub action: &'static str,
    pub audit_before: serde_json::Value,
    pub audit_after: serde_json::Value,
}

/// Why a bill cannot do what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BillError {
    #[error("the bill is {0:?}")]
    NotOpen(State),
    #[error("the bill is past its due date")]
    PastDue,
    #[error("a dossier's fee notice is changed on the dossier")]
    ProcedureFee,
    #[error("the bill is not past due yet")]
    NotDue,
}

impl BillError {
    pub fn code(self) -> &'static str {
        match self {
            BillError::NotOpen(State::Paid) => "bill_paid",
            BillError::NotOpen(State::Cancelled) => "bill_cancelled",
            BillError::NotOpen(State::Expired) | BillError::PastDue => "bill_expired",
            BillError::NotOpen(State::Open) | BillError::NotDue => "wrong_state",
            BillError::ProcedureFee => "procedure_fee",
        }
    }

    pub fn message_vi(self) -> String {
        match self {
            BillError::NotOpen(State::Paid) => "Khoản này đã được nộp; không thể nộp lại.".into(),
            BillError::NotOpen(State::Cancelled) => "Khoản này đã bị cơ quan hủy; không thể nộp.".into(),
            BillError::NotOpen(State::Expired) | BillError::PastDue => {
                "Khoản này đã quá hạn nộp trực tuyến; vui lòng liên hệ cơ quan ban hành để được hướng dẫn.".into()
            }
            BillError::NotOpen(State::Open) | BillError::NotDue => "Khoản này chưa đến hạn.".into(),
            BillError::ProcedureFee => "Phí, lệ phí của hồ sơ được điều chỉnh trên chính hồ sơ.".into(),
        }
    }

    pub fn message_en(self) -> String {
        match self {
            BillError::NotOpen(State::Paid) => "This bill has been paid; it cannot be paid again.".into(),
            BillError::NotOpen(State::Cancelled) => "This bill was cancelled by the agency; it cannot be paid.".into(),
            BillError::NotOpen(State::Expired) | BillError::PastDue => "This bill is past its due date; contact the issuing agency.".into(),
            BillError::NotOpen(State::Open) | BillError::NotDue => "This bill is not past due.".into(),
            BillError::ProcedureFee => "A dossier's fee notice is changed on the dossier.".into(),
        }
    }
}

/// The Vietnamese calendar day of an instant.
pub fn today(now: OffsetDateTime) -> Date {
    calendar::vietnam_local(now).date()
}

/// The one rule of what a bill accepts.
pub fn decide(bill: Facts, command: &Command, now: OffsetDateTime) -> Result<Decision, BillError> {
    let today = today(now);
    let past_due = bill.due_date.is_some_and(|d| d < today);
    let (to, action) = match command {
        Command::Cancel { .. } if bill.kind == Kind::ProcedureFee => return Err(BillError::ProcedureFee),
        Command::Cancel { .. } if bill.state == State::Open => (State::Cancelled, "bill.cancel"),
        Command::Expire if bill.state == State::Open && past_due => (State::Expired, "bill.expire"),
        Command::Expire if bill.state == State::Open => return Err(BillError::NotDue),
        // An attempt can only have started while the bill was open; its money settles the bill
        // even if the due date passed while the payer was at the provider.
        Command::Settle if matches!(bill.state, State::Open | State::Expired) => (State::Paid, "bill.paid"),
        _ => return Err(BillError::NotOpen(bill.state)),
    };
    let audit_after = match command {
        Command::Cancel { reason } => serde_json::json!({"state": to.as_str(), "reason": reason}),
        _ => serde_json::json!({"state": to.as_str()}),
    };
    Ok(Decision { from: bill.state, to, action, audit_before: serde_json::json!({"state": bill.state.as_str()}), audit_after })
}

/// Whether a new payment may start now, and for how much: open, not past due, something owed.
pub fn payable(bill: Facts, now: OffsetDateTime) -> Result<Vnd, BillError> {
    if bill.state != State::Open {
        return Err(BillError::NotOpen(bill.state));
    }
    if bill.due_date.is_some_and(|d| d < today(now)) {
        return Err(BillError::PastDue);
    }
    if bill.total <= 0 {
        return Err(BillError::NotOpen(State::Paid));
    }
    Ok(Vnd::dong(bill.total))
}

/// A cancellation's reason, checked.
pub fn cancel_reason(input: &str) -> Result<String, FieldError> {
    Ok(Reason::parse("reason", input)?.into_string())
}

/// dd/mm/yyyy.
pub fn calendar_vi(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// A bill as its payer (or anyone holding its code and the payer's number) sees it: the payer's
/// name reduced to initials, no identification number, no phone.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillView {
    pub code: String,
    pub kind: Kind,
    pub kind_label: String,
    pub agency: String,
    pub agency_name: String,
    pub payer_name: String,
    /// Staff see the number; citizens a masked form.
    pub payer_id: String,
    pub document: Document,
    pub total: i64,
    pub state: State,
    pub state_label: String,
    pub due_date: String,
    pub lines: Vec<FeeLineAmount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<BillReceipt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
    pub created_at: String,
    /// Its payment attempts, newest first (the desk's view of one bill only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<crate::api::PaymentSummary>,
    /// Whether the agency takes this bill online (its accounts are set for every line); absent
    /// in the desk's list, which does not check it for every row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payable_online: Option<bool>,
}

/// The receipt of a paid bill, by its number and where to open it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillReceipt {
    pub number: String,
    pub url: String,
    pub issued_at: String,
}

/// Wrong look-ups one client address may make in [`LOOKUP_WINDOW`] before it is refused: a
/// citizen mistyping a code a few times gets through; walking the codes does not.
pub const LOOKUP_MISSES_PER_IP: usize = 10;
pub const LOOKUP_WINDOW: i64 = 15 * 60;

/// New bills one client address may make through payment links in [`LINK_WINDOW`] (a family
/// paying a few charges gets through; filling the table does not). Reusing a bill made earlier
/// the same day does not count.
pub const LINK_BILLS_PER_IP: usize = 20;
pub const LINK_WINDOW: i64 = 60 * 60;

#[cfg(test)]
mod tests;
