//! Refunds paid back by hand under four eyes: an officer asks (`POST /api/staff/payments/{id}/
//! refunds`), another officer, leader or admin of the agency approves or rejects it, and the
//! bank transfer is recorded with its reference. The server refuses the requester's own
//! decision (409 `same_officer`) and a decision the state no longer allows (409 `wrong_state`).

use serde::{Deserialize, Serialize};

use super::{encode, get, post, Call};

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Refund {
    pub id: String,
    pub payment_id: String,
    pub dossier_id: String,
    #[serde(default)]
    pub dossier_code: Option<String>,
    pub agency_code: String,
    pub provider: String,
    pub amount: i64,
    pub reason: String,
    /// `requested`, `approved`, `paid`, `rejected`, `done`, `processing` or `failed`
    /// ([`crate::components::refund::status_label`]).
    pub status: String,
    /// The requester's username.
    #[serde(default)]
    pub requested_by: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub decided_by: Option<String>,
    #[serde(default)]
    pub decided_at: Option<String>,
    #[serde(default)]
    pub decision_note: Option<String>,
    #[serde(default)]
    pub transfer_ref: Option<String>,
    #[serde(default)]
    pub paid_at: Option<String>,
    /// Whether the caller may decide on it (not the requester, in scope).
    #[serde(default)]
    pub can_decide: bool,
}

/// `GET /api/staff/refunds?status=open|all`.
pub fn list(all: bool) -> Call<Vec<Refund>> {
    get(format!("/api/staff/refunds?status={}", if all { "all" } else { "open" }))
}

#[derive(Serialize)]
pub struct Decision<'a> {
    /// `approve`, `reject` or `paid`.
    pub action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
    /// The bank transfer's reference (required for `paid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_ref: Option<&'a str>,
}

/// `POST /api/staff/refunds/{id}/decision`: the refund as it is now.
pub fn decide(id: &str, decision: &Decision<'_>) -> Call<Refund> {
    post(format!("/api/staff/refunds/{}/decision", encode(id))).json(decision)
}
