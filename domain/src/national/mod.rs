//! The national public-service portal (Cổng Dịch vụ công Quốc gia, DVCQG): what motcua tells it
//! and when. [`portal`] is the adapter — the portal's service names, field names, status codes and
//! reply codes, each from a public implementation or marked as an assumption — so that the real
//! specification, when a province hands it over, changes that one file. [`sync`] holds the rules
//! of delivery that do not depend on the portal: one message per dossier event, sent in order,
//! retried on a ladder and then given up for an operator to retry by hand.

pub mod catalog;
pub mod mapping;
pub mod portal;
pub mod sync;

use serde::{Deserialize, Serialize};

use crate::dossier::DossierStatus;
use crate::text_input::Reason;
use crate::validation::FieldError;
use sync::SyncState;

/// One message to the portal as the operators' list shows it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncItem {
    pub id: i64,
    /// `dossier` (a dossier event) or `rating`.
    pub kind: String,
    pub dossier_id: String,
    pub dossier_code: String,
    pub agency: String,
    pub agency_name: String,
    /// The portal's `TrangThaiHoSo` this message reports (dossier events only).
    pub status_code: Option<u8>,
    pub status_label: Option<String>,
    pub state: SyncState,
    pub state_label: String,
    pub attempts: i64,
    /// When a pending message is tried next.
    pub next_try_at: Option<String>,
    /// Why the last attempt failed: `unreachable`, `timeout`, `server_error`, `refused`,
    /// `gave_up`, `not_configured` …
    pub error_code: Option<String>,
    pub error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub acknowledged_at: Option<String>,
}

/// `GET /api/admin/national-sync`: the counts by state in the caller's scope and the newest 200
/// messages matching the filter, failed ones first.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncList {
    pub pending: i64,
    pub sent: i64,
    pub acknowledged: i64,
    pub failed: i64,
    /// Whether this deployment has the portal's account; if not, messages wait.
    pub configured: bool,
    pub items: Vec<SyncItem>,
}

/// A citizen's satisfaction with a finished dossier, the portal's three answers.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingValue {
    RatHaiLong,
    HaiLong,
    ChuaHaiLong,
}

impl RatingValue {
    /// The three answers, best first (the order a form offers them).
    pub const ALL: [RatingValue; 3] = [RatingValue::RatHaiLong, RatingValue::HaiLong, RatingValue::ChuaHaiLong];

    /// The API's name (`rat_hai_long`, ...).
    pub fn key(self) -> &'static str {
        match self {
            RatingValue::RatHaiLong => "rat_hai_long",
            RatingValue::HaiLong => "hai_long",
            RatingValue::ChuaHaiLong => "chua_hai_long",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            RatingValue::RatHaiLong => "Rất hài lòng",
            RatingValue::HaiLong => "Hài lòng",
            RatingValue::ChuaHaiLong => "Chưa hài lòng",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            RatingValue::RatHaiLong => "Very satisfied",
            RatingValue::HaiLong => "Satisfied",
            RatingValue::ChuaHaiLong => "Not satisfied",
        }
    }
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RatingInput {
    /// `rat_hai_long` (very satisfied), `hai_long` (satisfied) or `chua_hai_long` (not satisfied).
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub comment: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    pub rating: RatingValue,
    pub comment: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RatingError {
    Invalid(FieldError),
    NotFinished,
}

/// A valid rating of a dossier in `status`: only once its result was returned.
pub fn decide_rating(status: DossierStatus, input: &RatingInput) -> Result<Rating, RatingError> {
    let rating = serde_json::from_value::<RatingValue>(serde_json::Value::String(input.rating.clone())).map_err(|_| {
        RatingError::Invalid(FieldError::new(
            "rating",
            "invalid",
            "Vui lòng chọn mức đánh giá: rất hài lòng, hài lòng hoặc chưa hài lòng.",
            "rating must be rat_hai_long, hai_long or chua_hai_long.",
        ))
    })?;
    let comment = Reason::parse_optional("comment", &input.comment).map_err(RatingError::Invalid)?.map(Reason::into_string);
    if !matches!(status, DossierStatus::Returned | DossierStatus::Completed) {
        return Err(RatingError::NotFinished);
    }
    Ok(Rating { rating, comment, created_at: String::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rating_needs_a_known_answer_and_a_returned_dossier() {
        let ok = RatingInput { rating: "hai_long".into(), comment: " Nhanh, đúng hẹn ".into() };
        let r = decide_rating(DossierStatus::Returned, &ok).unwrap();
        assert_eq!((r.rating, r.comment.as_deref()), (RatingValue::HaiLong, Some("Nhanh, đúng hẹn")));
        assert_eq!(decide_rating(DossierStatus::Processing, &ok), Err(RatingError::NotFinished));
        let bad = RatingInput { rating: "5".into(), comment: String::new() };
        assert!(matches!(decide_rating(DossierStatus::Completed, &bad), Err(RatingError::Invalid(f)) if f.field == "rating"));
    }

    #[test]
    fn each_answers_key_is_its_wire_name() {
        for v in RatingValue::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::Value::from(v.key()));
        }
    }
}
