//! Paying a dossier's fee notice online.

use motcua_domain::gateway::Provider;
use serde::Serialize;

use super::{encode, post, Call};

/// The answer to a payment start: the attempt and where to go next (`domain::api::Started`).
pub use motcua_domain::api::Started;

#[derive(Serialize)]
pub(super) struct StartBody {
    pub provider: &'static str,
}

/// `POST /api/dossiers/{id}/payments` `{"provider"}` (the owner, or the desk for its agency).
pub fn start(dossier: &str, provider: Provider) -> Call<Started> {
    post(format!("/api/dossiers/{}/payments", encode(dossier))).json(&StartBody { provider: provider.as_str() })
}
