//! Where each fee line's money is owed. The Law on Fees and Charges 97/2015 sends lệ phí in full
//! to the state budget (Đ13) and phí to the collecting agency, which may keep an approved share
//! (Đ12); NĐ 120/2016 Đ3 (as amended by NĐ 82/2023) has lệ phí paid into the State Treasury's
//! "tài khoản lệ phí chờ nộp ngân sách" or straight into the NSNN revenue account, by chương and
//! tiểu mục of the budget classification (TT 56/2026/TT-BTC). So an agency keeps one account per
//! purpose: `phi` (its collection account) and `le_phi` (the treasury's), and every line of a
//! notice is routed to one of them by its fee kind before it can be paid online.
//!
//! How a notice owing both is paid (README, "Money routing"): one payment per notice. A transfer
//! that can name its account (VietQR, the national platform) goes straight to the only payee
//! when there is one; otherwise, and always for card and wallet gateways (their money settles
//! to the merchant's contracted account, FACTS §4), it lands in the agency's collection account
//! and the daily statement lists, per treasury account with chương and tiểu mục, the lệ phí to
//! transfer — the collector's remittance that NĐ 120/2016 Đ3 schedules daily, weekly or monthly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::admin::{parse_bank_account, BankAccountInput};
use crate::fee::{FeeKind, FeeLineAmount};
use crate::money::Vnd;
use crate::validation::FieldError;

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// The agency's collection account (phí).
    Phi,
    /// The State Treasury (lệ phí, never retained).
    LePhi,
}

impl Purpose {
    pub const ALL: [Purpose; 2] = [Purpose::Phi, Purpose::LePhi];

    /// A lệ phí is owed to the treasury whatever a schedule's free-text beneficiary says.
    pub fn of(kind: FeeKind) -> Purpose {
        match kind {
            FeeKind::Phi => Purpose::Phi,
            FeeKind::LePhi => Purpose::LePhi,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Phi => "phi",
            Purpose::LePhi => "le_phi",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Purpose::Phi => "tài khoản thu phí của cơ quan",
            Purpose::LePhi => "tài khoản Kho bạc Nhà nước nhận lệ phí",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Purpose, FieldError> {
        match s.trim() {
            "phi" => Ok(Purpose::Phi),
            "le_phi" => Ok(Purpose::LePhi),
            _ => Err(FieldError::new(field, "invalid_choice", "Mục đích tài khoản là \"phi\" hoặc \"le_phi\".", "The purpose is \"phi\" or \"le_phi\".")),
        }
    }
}

/// One account as an admin writes it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInput {
    /// `phi` or `le_phi`.
    pub purpose: String,
    /// Who is owed: the agency's name, or the treasury's ("Kho bạc Nhà nước Tứ Kỳ").
    pub holder_name: String,
    /// Mã KBNN, required for `le_phi`.
    #[serde(default)]
    pub treasury_code: String,
    pub bank_bin: String,
    pub account_number: String,
    pub account_name: String,
    /// Chương (3 digits), required for `le_phi`.
    #[serde(default)]
    pub chapter: String,
    /// Tiểu mục (4 digits) per fee line code, or per kind under `phi` / `le_phi`; `le_phi`
    /// needs at least one.
    #[serde(default)]
    pub budget_items: BTreeMap<String, String>,
}

/// `PUT /api/admin/agencies/{code}/accounts`: the agency's accounts, every purpose at once.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsInput {
    pub accounts: Vec<AccountInput>,
}

/// A checked account.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub purpose: Purpose,
    pub holder_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treasury_code: Option<String>,
    pub bank_bin: String,
    pub account_number: String,
    pub account_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    #[serde(default)]
    pub budget_items: BTreeMap<String, String>,
}

fn digits(field: &str, value: &str, n: usize, what_vi: &str, what_en: &str) -> Result<String, FieldError> {
    let v = value.trim();
    if v.len() != n || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(field, "invalid_format", format!("{what_vi} gồm {n} chữ số."), format!("{what_en} has {n} digits.")));
    }
    Ok(v.to_string())
}

fn parse_account(i: usize, input: &AccountInput) -> Result<Account, FieldError> {
    let at = |f: &str| format!("accounts.{i}.{f}");
    let purpose = Purpose::parse(&at("purpose"), &input.purpose)?;
    let bank = parse_bank_account(&BankAccountInput {
        bank_bin: input.bank_bin.clone(),
        account_number: input.account_number.clone(),
        account_name: input.account_name.clone(),
    })
    .map_err(|e| e.within(&format!("accounts.{i}")))?;
    let holder_name = crate::text_input::ShortText::parse(&at("holder_name"), &input.holder_name)?.into_string();
    let mut budget_items = BTreeMap::new();
    for (key, item) in &input.budget_items {
        let key = key.trim();
        if key.is_empty() || key.len() > 64 {
            return Err(FieldError::new(at("budget_items"), "invalid_format", "Mỗi tiểu mục gắn với một mã khoản thu hoặc \"phi\"/\"le_phi\".", "Each budget item is keyed by a fee line code or \"phi\"/\"le_phi\"."));
        }
        budget_items.insert(key.to_string(), digits(&at(&format!("budget_items.{key}")), item, 4, "Tiểu mục", "A budget item (tiểu mục)")?);
    }
    let (treasury_code, chapter) = match purpose {
        Purpose::LePhi => {
            if input.treasury_code.trim().is_empty() {
                return Err(FieldError::new(at("treasury_code"), "required", "Vui lòng nhập mã Kho bạc Nhà nước nhận lệ phí.", "The State Treasury's code is required for lệ phí."));
            }
            if input.chapter.trim().is_empty() {
                return Err(FieldError::new(at("chapter"), "required", "Vui lòng nhập chương của mục lục ngân sách.", "The budget chapter (chương) is required for lệ phí."));
            }
            if budget_items.is_empty() {
                return Err(FieldError::new(at("budget_items"), "required", "Vui lòng nhập ít nhất một tiểu mục cho lệ phí.", "At least one budget item (tiểu mục) is required for lệ phí."));
            }
            (
                Some(digits(&at("treasury_code"), &input.treasury_code, 4, "Mã Kho bạc Nhà nước", "The treasury code")?),
                Some(digits(&at("chapter"), &input.chapter, 3, "Chương", "The chapter (chương)")?),
            )
        }
        Purpose::Phi => (
            (!input.treasury_code.trim().is_empty()).then(|| digits(&at("treasury_code"), &input.treasury_code, 4, "Mã Kho bạc Nhà nước", "The treasury code")).transpose()?,
            (!input.chapter.trim().is_empty()).then(|| digits(&at("chapter"), &input.chapter, 3, "Chương", "The chapter (chương)")).transpose()?,
        ),
    };
    Ok(Account {
        purpose,
        holder_name,
        treasury_code,
        bank_bin: bank.bank_bin,
        account_number: bank.account_number,
        account_name: bank.account_name,
        chapter,
        budget_items,
    })
}

/// Checks every account; a purpose may appear once.
pub fn parse_accounts(input: &AccountsInput) -> Result<Vec<Account>, FieldError> {
    let mut out: Vec<Account> = Vec::new();
    for (i, a) in input.accounts.iter().enumerate() {
        let a = parse_account(i, a)?;
        if out.iter().any(|b| b.purpose == a.purpose) {
            return Err(FieldError::new(format!("accounts.{i}.purpose"), "duplicate", "Mỗi mục đích chỉ có một tài khoản.", "Each purpose has one account."));
        }
        out.push(a);
    }
    out.sort_by_key(|a| a.purpose);
    Ok(out)
}

/// Who a line's money is owed to, as the payment, the receipt and the statement record it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Payee {
    pub purpose: Purpose,
    pub holder_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treasury_code: Option<String>,
    pub bank_bin: String,
    pub account_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_item: Option<String>,
}

impl Payee {
    /// The account itself, the same whatever line or budget item it is for.
    pub fn account_key(&self) -> String {
        format!("{}/{}", self.bank_bin, self.account_number)
    }
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutedLine {
    pub code: String,
    pub name: String,
    pub kind: FeeKind,
    pub amount: Vnd,
    pub payee: Payee,
}

/// A notice's lines routed, and the account one transfer for the whole of it is made into.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routing {
    pub lines: Vec<RoutedLine>,
    /// Where a single transfer goes: the only payee, or the agency's collection account.
    pub collected_into: Payee,
}

/// Lines that cannot be paid online because their beneficiary is not configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingError {
    /// No account for these purposes.
    MissingAccount(Vec<Purpose>),
    /// The treasury account has no tiểu mục for this line (nor for its kind).
    MissingBudgetItem { line: String },
    /// Nothing is owed.
    Empty,
}

impl RoutingError {
    pub fn code(&self) -> &'static str {
        match self {
            RoutingError::MissingAccount(_) => "beneficiary_missing",
            RoutingError::MissingBudgetItem { .. } => "budget_item_missing",
            RoutingError::Empty => "nothing_owed",
        }
    }

    /// The configuration a province must add, named for the admin.
    pub fn field(&self) -> String {
        match self {
            RoutingError::MissingAccount(p) => format!("accounts.{}", p.first().map(|p| p.as_str()).unwrap_or("phi")),
            RoutingError::MissingBudgetItem { line } => format!("accounts.le_phi.budget_items.{line}"),
            RoutingError::Empty => "notice".into(),
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            RoutingError::MissingAccount(p) => format!(
                "Cơ quan chưa khai báo {} nên chưa nhận thanh toán trực tuyến khoản này. Vui lòng nộp tại Bộ phận Một cửa hoặc thử lại sau.",
                p.iter().map(|p| p.label_vi()).collect::<Vec<_>>().join(" và ")
            ),
            RoutingError::MissingBudgetItem { line } => format!("Khoản lệ phí \"{line}\" chưa có tiểu mục ngân sách nên chưa nhận thanh toán trực tuyến."),
            RoutingError::Empty => "Thông báo phí không có khoản nào phải nộp.".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            RoutingError::MissingAccount(p) => format!(
                "The agency has no {} account configured; this notice cannot be paid online.",
                p.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" and ")
            ),
            RoutingError::MissingBudgetItem { line } => format!("The lệ phí line {line} has no budget item (tiểu mục) configured."),
            RoutingError::Empty => "The notice owes nothing.".into(),
        }
    }
}

fn payee(a: &Account, budget_item: Option<String>) -> Payee {
    Payee {
        purpose: a.purpose,
        holder_name: a.holder_name.clone(),
        treasury_code: a.treasury_code.clone(),
        bank_bin: a.bank_bin.clone(),
        account_number: a.account_number.clone(),
        chapter: a.chapter.clone(),
        budget_item,
    }
}

/// Routes each owed line to its account; every missing account is named at once.
pub fn route(lines: &[FeeLineAmount], accounts: &[Account]) -> Result<Routing, RoutingError> {
    let owed: Vec<&FeeLineAmount> = lines.iter().filter(|l| !l.amount.is_zero()).collect();
    if owed.is_empty() {
        return Err(RoutingError::Empty);
    }
    let account = |p: Purpose| accounts.iter().find(|a| a.purpose == p);
    let mut missing: Vec<Purpose> = owed.iter().map(|l| Purpose::of(l.kind)).filter(|p| account(*p).is_none()).collect();
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        return Err(RoutingError::MissingAccount(missing));
    }
    let mut routed = Vec::with_capacity(owed.len());
    for l in owed {
        let purpose = Purpose::of(l.kind);
        let a = account(purpose).expect("checked above");
        let item = a.budget_items.get(&l.code).or_else(|| a.budget_items.get(purpose.as_str())).cloned();
        if purpose == Purpose::LePhi && item.is_none() {
            return Err(RoutingError::MissingBudgetItem { line: l.code.clone() });
        }
        routed.push(RoutedLine { code: l.code.clone(), name: l.name.clone(), kind: l.kind, amount: l.amount, payee: payee(a, item) });
    }
    let mut purposes: Vec<Purpose> = routed.iter().map(|l| l.payee.purpose).collect();
    purposes.dedup();
    let collected_into = match purposes.as_slice() {
        [only] => payee(account(*only).expect("routed"), None),
        // Two payees and one transfer: the agency's collection account, which remits the lệ phí.
        _ => payee(account(Purpose::Phi).expect("routed"), None),
    };
    Ok(Routing { lines: routed, collected_into })
}

/// What one payment owes each account (and budget item), in a stable order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub payee: Payee,
    pub amount: Vnd,
}

pub fn parts(routing: &Routing) -> Vec<Part> {
    let mut sums: BTreeMap<Payee, Vnd> = BTreeMap::new();
    for l in &routing.lines {
        let e = sums.entry(l.payee.clone()).or_insert(Vnd::ZERO);
        *e = *e + l.amount;
    }
    sums.into_iter().map(|(payee, amount)| Part { payee, amount }).collect()
}

/// The parts the collecting account must pass on (to the treasury), by account and budget item.
pub fn to_remit(routing: &Routing, landed_in: &str) -> Vec<Part> {
    parts(routing).into_iter().filter(|p| p.payee.account_key() != landed_in).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(code: &str, kind: FeeKind, amount: i64) -> FeeLineAmount {
        FeeLineAmount {
            code: code.into(),
            name: code.into(),
            kind,
            quantity: 1,
            unit_price: Vnd::dong(amount),
            amount: Vnd::dong(amount),
            beneficiary: "agency".into(),
            legal_basis: String::new(),
            detail_vi: None,
            exemption: None,
        }
    }

    fn input(purpose: &str) -> AccountInput {
        AccountInput {
            purpose: purpose.into(),
            holder_name: if purpose == "le_phi" { "Kho bạc Nhà nước Tứ Kỳ".into() } else { "UBND xã Đại Sơn".into() },
            treasury_code: if purpose == "le_phi" { "1234".into() } else { String::new() },
            bank_bin: "970415".into(),
            account_number: if purpose == "le_phi" { "3711000099".into() } else { "371300011083".into() },
            account_name: "Kho bac".into(),
            chapter: if purpose == "le_phi" { "805".into() } else { String::new() },
            budget_items: if purpose == "le_phi" { [("le_phi".to_string(), "2771".to_string())].into() } else { BTreeMap::new() },
        }
    }

    fn both() -> Vec<Account> {
        parse_accounts(&AccountsInput { accounts: vec![input("le_phi"), input("phi")] }).unwrap()
    }

    #[test]
    fn le_phi_needs_the_treasury_code_chapter_and_a_budget_item() {
        for (field, change) in [
            ("accounts.0.treasury_code", Box::new(|a: &mut AccountInput| a.treasury_code.clear()) as Box<dyn Fn(&mut AccountInput)>),
            ("accounts.0.chapter", Box::new(|a: &mut AccountInput| a.chapter = "8".into())),
            ("accounts.0.budget_items", Box::new(|a: &mut AccountInput| a.budget_items.clear())),
            ("accounts.0.budget_items.le_phi", Box::new(|a: &mut AccountInput| { a.budget_items.insert("le_phi".into(), "27".into()); })),
            ("accounts.0.bank_bin", Box::new(|a: &mut AccountInput| a.bank_bin = "97".into())),
        ] {
            let mut a = input("le_phi");
            change(&mut a);
            assert_eq!(parse_accounts(&AccountsInput { accounts: vec![a] }).unwrap_err().field, field);
        }
        let dup = parse_accounts(&AccountsInput { accounts: vec![input("phi"), input("phi")] }).unwrap_err();
        assert_eq!((dup.field.as_str(), dup.code.as_str()), ("accounts.1.purpose", "duplicate"));
    }

    #[test]
    fn each_line_goes_to_its_purpose_and_a_mixed_notice_lands_in_the_collection_account() {
        let r = route(&[line("copy", FeeKind::Phi, 2000), line("reg", FeeKind::LePhi, 8000), line("free", FeeKind::LePhi, 0)], &both()).unwrap();
        assert_eq!(r.lines.len(), 2, "a zero line owes nothing");
        assert_eq!(r.lines[0].payee.purpose, Purpose::Phi);
        assert_eq!(r.lines[1].payee.budget_item.as_deref(), Some("2771"));
        assert_eq!(r.collected_into.purpose, Purpose::Phi);
        let remit = to_remit(&r, &r.collected_into.account_key());
        assert_eq!(remit.len(), 1);
        assert_eq!((remit[0].payee.purpose, remit[0].amount), (Purpose::LePhi, Vnd::dong(8000)));
        assert_eq!(parts(&r).iter().map(|p| p.amount).fold(Vnd::ZERO, |a, b| a + b), Vnd::dong(10000));
    }

    #[test]
    fn a_le_phi_only_notice_is_paid_straight_to_the_treasury() {
        let r = route(&[line("reg", FeeKind::LePhi, 8000)], &both()).unwrap();
        assert_eq!(r.collected_into.purpose, Purpose::LePhi);
        assert!(to_remit(&r, &r.collected_into.account_key()).is_empty());
    }

    #[test]
    fn a_line_without_its_account_or_budget_item_is_named() {
        let phi_only: Vec<Account> = both().into_iter().filter(|a| a.purpose == Purpose::Phi).collect();
        let e = route(&[line("copy", FeeKind::Phi, 2000), line("reg", FeeKind::LePhi, 8000)], &phi_only).unwrap_err();
        assert_eq!(e, RoutingError::MissingAccount(vec![Purpose::LePhi]));
        assert_eq!(e.field(), "accounts.le_phi");
        assert!(e.message_vi().contains("Kho bạc"));
        let mut accounts = both();
        accounts[1].budget_items.clear();
        let lephi = accounts.iter_mut().find(|a| a.purpose == Purpose::LePhi).unwrap();
        lephi.budget_items = [("other".to_string(), "2771".to_string())].into();
        assert_eq!(route(&[line("reg", FeeKind::LePhi, 8000)], &accounts).unwrap_err(), RoutingError::MissingBudgetItem { line: "reg".into() });
        assert_eq!(route(&[line("free", FeeKind::Phi, 0)], &both()).unwrap_err(), RoutingError::Empty);
    }
}
