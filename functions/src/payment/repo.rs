//! Payment attempts in D1.

use motcua_domain::payment::State;
use serde::Deserialize;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentRow {
    pub id: String,
    pub reference: String,
    /// The bill it pays (a dossier's fee notice is a bill).
    pub bill_id: String,
    /// The bill's dossier, for a procedure fee.
    pub dossier_id: Option<String>,
    pub agency_code: String,
    pub provider: String,
    pub amount: i64,
    pub state: State,
    pub provider_txn: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    /// Refunded so far (đồng).
    pub refunded: i64,
    /// Incremented by every decided change; the store writes only on the version it read.
    pub version: i64,
    /// Whose merchant opened it (`None`: the deployment's); its callbacks verify with it.
    pub merchant_agency: Option<String>,
}

impl PaymentRow {
    pub fn provider(&self) -> Result<motcua_domain::gateway::Provider, ApiError> {
        motcua_domain::gateway::Provider::parse("provider", &self.provider).map_err(|_| ApiError::Unexpected(format!("payment {} has provider {}", self.id, self.provider)))
    }
}

const SELECT: &str = "SELECT id, reference, bill_id, dossier_id, agency_code, provider, amount, state, provider_txn, \
     created_at, expires_at, refunded, version, merchant_agency FROM payments";

pub async fn by_reference(d1: &Db, reference: &str) -> Result<Option<PaymentRow>, ApiError> {
    db::first(d1.prepare(format!("{SELECT} WHERE reference = ?1")).bind(&[reference.into()])?).await
}

pub async fn by_id(d1: &Db, id: &str) -> Result<Option<PaymentRow>, ApiError> {
    db::first(d1.prepare(format!("{SELECT} WHERE id = ?1")).bind(&[id.into()])?).await
}

/// Attempts still waiting for a result that started before `before` (RFC 3339).
pub async fn pending_before(d1: &Db, before: &str) -> Result<Vec<PaymentRow>, ApiError> {
    db::all(
        d1.prepare(format!("{SELECT} WHERE state IN ('created', 'redirected') AND created_at < ?1 ORDER BY created_at LIMIT 50"))
            .bind(&[before.into()])?,
    )
    .await
}

/// Settled payments through the national platform whose own receipt is not kept yet.
pub async fn paygov_without_bill(d1: &Db) -> Result<Vec<PaymentRow>, ApiError> {
    db::all(d1.prepare(format!(
        "{SELECT} WHERE provider = 'paygov' AND platform_bill IS NULL AND state IN ('succeeded', 'partially_refunded', 'refunded') LIMIT 20"
    )))
    .await
}
