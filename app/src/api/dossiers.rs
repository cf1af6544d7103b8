//! The citizen's dossiers: submit, list, read, withdraw, rate once finished, and the attached
//! files' addresses.

use motcua_domain::api::{DossierDetail, DossierSummary, SubmitDossier};
use motcua_domain::national::Rating;
use serde::Serialize;

use super::{encode, get, post, Call};

/// `POST /api/dossiers`.
pub fn submit(dossier: &SubmitDossier) -> Call<DossierDetail> {
    post("/api/dossiers".into()).json(dossier)
}

/// `GET /api/dossiers`: the signed-in citizen's dossiers.
pub fn list() -> Call<Vec<DossierSummary>> {
    get("/api/dossiers".into())
}

/// `GET /api/dossiers/{id}`.
pub fn get_one(id: &str) -> Call<DossierDetail> {
    get(format!("/api/dossiers/{}", encode(id)))
}

#[derive(Serialize)]
struct Withdraw<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// `POST /api/dossiers/{id}/withdraw` `{"reason"}`: the owner withdraws the dossier before
/// processing starts; answers the dossier as [`get_one`] does. Refusals are 409 (`wrong_state`,
/// `dossier_closed`, `conflict`).
pub fn withdraw(id: &str, reason: Option<&str>) -> Call<DossierDetail> {
    post(format!("/api/dossiers/{}/withdraw", encode(id))).json(&Withdraw { reason })
}

#[derive(Serialize)]
struct RatingBody<'a> {
    score: u8,
    reasons: &'a [String],
    comment: &'a str,
}

/// `POST /api/dossiers/{id}/rating` `{"score", "reasons", "comment"}`: the owner's satisfaction
/// (1–5, with reasons from `portal::RATING_REASONS`) with a dossier whose result was returned,
/// once. Refusals: 409 `not_finished`, 409 `already_rated`, 400 at `score`, `reasons.N` or
/// `comment`.
pub fn rate(id: &str, score: u8, reasons: &[String], comment: &str) -> Call<Rating> {
    post(format!("/api/dossiers/{}/rating", encode(id))).json(&RatingBody { score, reasons, comment })
}

/// Where an attached scan downloads (`GET /api/dossiers/{id}/files/{file}`), for a link.
pub fn file_url(id: &str, file: &str) -> String {
    format!("/api/dossiers/{}/files/{}", encode(id), encode(file))
}
