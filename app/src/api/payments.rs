//! Paying a dossier's fee notice online.

use motcua_domain::api::PaymentSummary;
use motcua_domain::gateway::{Provider, StartPayment};
use serde::{Deserialize, Serialize};

use super::{encode, post, Call};

/// A payment attempt started: the attempt and what the app does next (go to the gateway, or
/// show a VietQR code).
#[derive(Debug, Clone, Deserialize)]
pub struct Started {
    #[allow(dead_code)]
    pub payment: PaymentSummary,
    pub next: StartPayment,
}

#[derive(Serialize)]
pub(super) struct StartBody {
    pub provider: &'static str,
}

/// `POST /api/dossiers/{id}/payments` `{"provider"}` (the owner, or the desk for its agency).
pub fn start(dossier: &str, provider: Provider) -> Call<Started> {
    post(format!("/api/dossiers/{}/payments", encode(dossier))).json(&StartBody { provider: provider.as_str() })
}
