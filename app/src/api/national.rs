//! The national public-service portal's sync, for admins: the messages of the caller's agencies
//! with their counts by state (`GET /api/admin/national-sync`), failed ones first, and sending a
//! failed one again (`POST /api/admin/national-sync/{shard}:{id}/retry`; 409 `not_failed` once it is not).

use motcua_domain::national::sync::SyncState;
use motcua_domain::national::{SyncItem, SyncList};
use serde::Serialize;

use super::{encode, get, post, Call};

/// The API's name of a state (`failed`, `pending`, ...), for the `status` filter.
pub fn state_key(state: SyncState) -> &'static str {
    match state {
        SyncState::Pending => "pending",
        SyncState::Sent => "sent",
        SyncState::Acknowledged => "acknowledged",
        SyncState::Failed => "failed",
    }
}

/// `GET /api/admin/national-sync?status=&dossier=`: `None` lists every state.
pub fn list(state: Option<SyncState>, dossier: &str) -> Call<SyncList> {
    get(format!("/api/admin/national-sync?status={}&dossier={}", state.map(state_key).unwrap_or(""), encode(dossier)))
}

#[derive(Serialize)]
struct Empty {}

/// `POST /api/admin/national-sync/{key}/retry` (`SyncItem::key`: shard and id): the message,
/// pending again.
pub fn retry(key: &str) -> Call<SyncItem> {
    post(format!("/api/admin/national-sync/{key}/retry")).json(&Empty {})
}
