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
    /// The row's number in its shard's `national_sync` (each province's database counts its own).
    pub id: i64,
    /// The shard holding the row (`"42"`), named by the retry URL with the id ([`Self::key`]).
    #[serde(default)]
    pub shard: String,
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

impl SyncItem {
    /// What `POST /api/admin/national-sync/{key}/retry` names: `42:17` (shard and id), or the
    /// bare id of a list made before sharding.
    pub fn key(&self) -> String {
        if self.shard.is_empty() {
            self.id.to_string()
        } else {
            format!("{}:{}", self.shard, self.id)
        }
    }
}

/// A retry URL's `{key}`: the shard it names and the row's id there. A bare id (the form of
/// before sharding) names no shard: its row is in the legacy shard. `None`: not a key, no row.
pub fn parse_sync_key(key: &str) -> Option<(Option<crate::shard::ShardId>, i64)> {
    let (shard, id) = match key.split_once(':') {
        Some((s, id)) => (Some(crate::shard::ShardId::parse("id", s).ok()?), id),
        None => (None, key),
    };
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse::<i64>().ok().filter(|n| *n > 0).map(|n| (shard, n))
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

/// What a score 1–5 says, in Vietnamese and English (the form's choices).
pub fn score_label(score: u8) -> (&'static str, &'static str) {
    match score {
        5 => ("Rất hài lòng", "Very satisfied"),
        4 => ("Hài lòng", "Satisfied"),
        3 => ("Bình thường", "Neutral"),
        2 => ("Không hài lòng", "Dissatisfied"),
        _ => ("Rất không hài lòng", "Very dissatisfied"),
    }
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RatingInput {
    /// 1 (very dissatisfied) to 5 (very satisfied). The portal's level is derived from it
    /// ([`portal::level_of_score`]).
    #[serde(default)]
    pub score: Option<i64>,
    /// Codes of [`portal::RATING_REASONS`], what the rating is about (any number, once each).
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Before the 1–5 scale: `rat_hai_long`, `hai_long` or `chua_hai_long`, still accepted
    /// when `score` is absent (its score is [`portal::score_of_level`]).
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub comment: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    /// The portal's level (what the national sync sends).
    pub rating: RatingValue,
    /// 1–5.
    #[serde(default)]
    pub score: u8,
    #[serde(default)]
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RatingError {
    Invalid(FieldError),
    NotFinished,
}

/// A valid rating of a dossier in `status`: a score 1–5 (or, from older clients, one of the
/// portal's levels), known reasons, an optional comment; only once its result was returned.
/// Whether the dossier was rated already and whose it is are the caller's (the unique row and
/// the owner check).
pub fn decide_rating(status: DossierStatus, input: &RatingInput) -> Result<Rating, RatingError> {
    let invalid = RatingError::Invalid;
    let score: u8 = match (input.score, input.rating.trim()) {
        (Some(s), _) => u8::try_from(s).ok().filter(|s| (1..=5).contains(s)).ok_or_else(|| {
            invalid(FieldError::new("score", "out_of_range", "Vui lòng chọn điểm từ 1 đến 5.", "score must be from 1 to 5."))
        })?,
        (None, "") => return Err(invalid(FieldError::new("score", "required", "Vui lòng chọn mức đánh giá từ 1 đến 5.", "score (1 to 5) is required."))),
        (None, level) => {
            let v = serde_json::from_value::<RatingValue>(serde_json::Value::String(level.to_string())).map_err(|_| {
                invalid(FieldError::new(
                    "rating",
                    "invalid",
                    "Vui lòng chọn mức đánh giá: rất hài lòng, hài lòng hoặc chưa hài lòng.",
                    "rating must be rat_hai_long, hai_long or chua_hai_long.",
                ))
            })?;
            portal::score_of_level(v)
        }
    };
    let rating = portal::level_of_score(score).expect("1..=5");
    let mut reasons: Vec<String> = Vec::new();
    for (i, r) in input.reasons.iter().enumerate() {
        let code = r.trim();
        if portal::rating_reason(code).is_none() {
            return Err(invalid(FieldError::new(
                format!("reasons.{i}"),
                "unknown_reason",
                "Lý do đánh giá không có trong danh sách.",
                "Unknown reason: choose from the listed reasons.",
            )));
        }
        if !reasons.iter().any(|x| x == code) {
            reasons.push(code.to_string());
        }
    }
    let comment = Reason::parse_optional("comment", &input.comment).map_err(invalid)?.map(Reason::into_string);
    if !matches!(status, DossierStatus::Returned | DossierStatus::Completed) {
        return Err(RatingError::NotFinished);
    }
    Ok(Rating { rating, score, reasons, comment, created_at: String::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_keys_name_shard_and_id_and_the_old_bare_id_still_reads() {
        let h27 = crate::shard::ShardId::parse("s", "42").unwrap();
        assert_eq!(parse_sync_key("42:17"), Some((Some(h27), 17)));
        assert_eq!(parse_sync_key("17"), Some((None, 17)));
        let second = crate::shard::ShardId::parse("s", "79-2").unwrap();
        assert_eq!(parse_sync_key("79-2:3"), Some((Some(second), 3)));
        for bad in ["", ":17", "42:", "42:x", "99:1", "abc", "42:17:1", "-1", "0", "42:+1", "1e3"] {
            assert_eq!(parse_sync_key(bad), None, "{bad}");
        }
    }

    fn input(score: Option<i64>, reasons: &[&str]) -> RatingInput {
        RatingInput { score, reasons: reasons.iter().map(|s| s.to_string()).collect(), rating: String::new(), comment: String::new() }
    }

    #[test]
    fn a_rating_needs_a_known_answer_and_a_returned_dossier() {
        let ok = RatingInput { rating: "hai_long".into(), comment: " Nhanh, đúng hẹn ".into(), ..Default::default() };
        let r = decide_rating(DossierStatus::Returned, &ok).unwrap();
        assert_eq!((r.rating, r.score, r.comment.as_deref()), (RatingValue::HaiLong, 4, Some("Nhanh, đúng hẹn")));
        assert_eq!(decide_rating(DossierStatus::Processing, &ok), Err(RatingError::NotFinished));
        let bad = RatingInput { rating: "5".into(), ..Default::default() };
        assert!(matches!(decide_rating(DossierStatus::Completed, &bad), Err(RatingError::Invalid(f)) if f.field == "rating"));
    }

    #[test]
    fn a_score_from_1_to_5_with_known_reasons_decides_the_level() {
        let r = decide_rating(DossierStatus::Completed, &input(Some(5), &["thai_do_can_bo", "dung_hen", "thai_do_can_bo"])).unwrap();
        assert_eq!((r.rating, r.score), (RatingValue::RatHaiLong, 5));
        assert_eq!(r.reasons, ["thai_do_can_bo", "dung_hen"], "each reason once, in the order ticked");
        assert_eq!(decide_rating(DossierStatus::Returned, &input(Some(3), &[])).unwrap().rating, RatingValue::ChuaHaiLong);
        assert_eq!(decide_rating(DossierStatus::Returned, &input(Some(4), &[])).unwrap().rating, RatingValue::HaiLong);
        // The score wins over a level sent beside it.
        let both = RatingInput { score: Some(1), rating: "rat_hai_long".into(), ..Default::default() };
        assert_eq!(decide_rating(DossierStatus::Returned, &both).unwrap().rating, RatingValue::ChuaHaiLong);
        for s in [0, 6, -1, 300] {
            let e = decide_rating(DossierStatus::Returned, &input(Some(s), &[])).unwrap_err();
            assert!(matches!(e, RatingError::Invalid(ref f) if f.field == "score" && f.code == "out_of_range"), "{s}");
        }
        assert!(matches!(decide_rating(DossierStatus::Returned, &input(None, &[])), Err(RatingError::Invalid(f)) if f.field == "score" && f.code == "required"));
        let unknown = decide_rating(DossierStatus::Returned, &input(Some(4), &["dung_hen", "nhanh_gon"])).unwrap_err();
        assert!(matches!(unknown, RatingError::Invalid(ref f) if f.field == "reasons.1" && f.code == "unknown_reason"));
        // Bad input is named before the dossier's state is looked at.
        assert!(matches!(decide_rating(DossierStatus::Processing, &input(Some(9), &[])), Err(RatingError::Invalid(_))));
        assert_eq!(decide_rating(DossierStatus::Processing, &input(Some(5), &[])), Err(RatingError::NotFinished));
        let long = RatingInput { score: Some(5), comment: "x".repeat(5000), ..Default::default() };
        assert!(matches!(decide_rating(DossierStatus::Returned, &long), Err(RatingError::Invalid(f)) if f.field == "comment"));
    }

    #[test]
    fn each_answers_key_is_its_wire_name() {
        for v in RatingValue::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::Value::from(v.key()));
        }
    }
}
