//! Payment links (GOV.UK Pay's model): an agency publishes `/nop-tien/<slug>` for a charge it
//! collects again and again — a fixed amount, or an amount the payer enters within a range —
//! with a reference the payer types (a contract, a pupil, a plot). Each payment through a link
//! makes a bill of kind `other`, so it is settled, receipted and reported like every bill.

use serde::{Deserialize, Serialize};

use super::{bill_line, parse_budget_item, Beneficiary, MAX_TOTAL_DONG};
use crate::fee::FeeLineAmount;
use crate::money::Vnd;
use crate::text_input::{LongText, ShortText, Text};
use crate::validation::FieldError;

/// `POST /api/staff/payment-links`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LinkInput {
    #[serde(default)]
    pub agency: String,
    /// Lower-case letters, digits and dashes, 3–60 characters: `le-phi-cap-ban-sao`.
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// What the payer types as the reference ("Số hợp đồng").
    #[serde(default)]
    pub reference_label: String,
    /// A fixed amount; or `min_amount` and `max_amount` for an amount the payer enters.
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default)]
    pub min_amount: Option<i64>,
    #[serde(default)]
    pub max_amount: Option<i64>,
    /// The line's name on the bill and the receipt.
    #[serde(default)]
    pub line_name: String,
    #[serde(default)]
    pub beneficiary: Option<String>,
    #[serde(default)]
    pub budget_item: Option<String>,
}

/// A link's charge: fixed, or within a range.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Charge {
    Fixed { amount: i64 },
    Range { min: i64, max: i64 },
}

/// A link as stored and as the public page shows it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub slug: String,
    pub agency: String,
    pub title: String,
    pub description: String,
    pub reference_label: String,
    pub charge: Charge,
    pub line_name: String,
    pub beneficiary: Beneficiary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_item: Option<String>,
}

fn amount(field: &str, v: i64) -> Result<i64, FieldError> {
    if !(1..=MAX_TOTAL_DONG).contains(&v) {
        return Err(FieldError::new(
            field,
            "out_of_range",
            format!("Số tiền là số đồng nguyên từ 1 đến {} đồng.", Vnd::dong(MAX_TOTAL_DONG).grouped()),
            format!("The amount is a whole number of đồng from 1 to {MAX_TOTAL_DONG}."),
        ));
    }
    Ok(v)
}

/// A slug: what the link's address ends with.
pub fn parse_slug(field: &str, input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    let ok = (3..=60).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(FieldError::new(
            field,
            "invalid_format",
            "Đường dẫn gồm 3–60 chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ le-phi-ban-sao).",
            "The slug has 3–60 lower-case letters, digits and dashes (e.g. copy-fee).",
        ))
    }
}

impl LinkInput {
    pub fn validate(&self) -> Result<Link, FieldError> {
        let agency = crate::codes::AgencyCode::parse("agency", &self.agency)?.to_string();
        let slug = parse_slug("slug", &self.slug)?;
        let title = ShortText::parse("title", &self.title)?.into_string();
        let description = LongText::parse_optional("description", &self.description)?.map(|t| t.into_string()).unwrap_or_default();
        let reference_label = ShortText::parse("reference_label", &self.reference_label)?.into_string();
        let charge = match (self.amount, self.min_amount, self.max_amount) {
            (Some(a), None, None) => Charge::Fixed { amount: amount("amount", a)? },
            (None, Some(min), Some(max)) => {
                let (min, max) = (amount("min_amount", min)?, amount("max_amount", max)?);
                if min > max {
                    return Err(FieldError::new(
                        "max_amount",
                        "out_of_range",
                        "Số tiền tối đa phải lớn hơn hoặc bằng số tiền tối thiểu.",
                        "The maximum must be at least the minimum.",
                    ));
                }
                Charge::Range { min, max }
            }
            _ => {
                return Err(FieldError::new(
                    "amount",
                    "required",
                    "Nhập số tiền cố định, hoặc số tiền tối thiểu và tối đa để người nộp tự nhập.",
                    "Give a fixed amount, or a minimum and a maximum for the payer to choose within.",
                ))
            }
        };
        let line_name = ShortText::parse("line_name", &self.line_name)?.into_string();
        let beneficiary = match self.beneficiary.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
            Some(b) => Beneficiary::parse("beneficiary", b)?,
            None => Beneficiary::CoQuan,
        };
        let budget_item = parse_budget_item("budget_item", self.budget_item.as_deref().unwrap_or(""))?;
        Ok(Link { slug, agency, title, description, reference_label, charge, line_name, beneficiary, budget_item })
    }
}

/// What a payer sends to pay through a link.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LinkPaymentInput {
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub payer: super::PayerInput,
    /// Only for a range.
    #[serde(default)]
    pub amount: Option<i64>,
}

/// A payment through a link, checked: the reference typed, the payer, the amount.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkPayment {
    pub reference: String,
    pub payer_name: String,
    pub payer_id: super::PayerId,
    pub line: FeeLineAmount,
}

impl Link {
    pub fn take(&self, input: &LinkPaymentInput) -> Result<LinkPayment, FieldError> {
        let reference = Text::<60, false>::parse("reference", &input.reference)?.into_string();
        let payer_name = ShortText::parse("payer.name", &input.payer.name)?.into_string();
        let payer_id = super::PayerId::parse("payer.id_number", &input.payer.id_number)?;
        let dong = match (self.charge, input.amount) {
            (Charge::Fixed { amount }, None) => amount,
            (Charge::Fixed { amount }, Some(a)) if a == amount => amount,
            (Charge::Fixed { .. }, Some(_)) => {
                return Err(FieldError::new("amount", "fixed_amount", "Khoản này có số tiền cố định.", "This charge has a fixed amount."))
            }
            (Charge::Range { .. }, None) => return Err(FieldError::required("amount")),
            (Charge::Range { min, max }, Some(a)) if (min..=max).contains(&a) => a,
            (Charge::Range { min, max }, Some(_)) => {
                return Err(FieldError::new(
                    "amount",
                    "out_of_range",
                    format!("Số tiền từ {} đến {} đồng.", Vnd::dong(min).grouped(), Vnd::dong(max).grouped()),
                    format!("The amount is from {min} to {max} đồng."),
                ))
            }
        };
        let name = format!("{} — {}: {reference}", self.line_name, self.reference_label);
        let line = bill_line(0, name, Vnd::dong(dong), self.beneficiary, self.budget_item.clone());
        Ok(LinkPayment { reference, payer_name, payer_id, line })
    }
}
