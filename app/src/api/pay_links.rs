//! The signed pay link a walk-in citizen opens from the desk's SMS (no account needed).

use motcua_domain::api::PayLinkView;
use motcua_domain::gateway::Provider;

use super::payments::{StartBody, Started};
use super::{encode, get, post, Call};

/// `GET /api/pay/{token}`.
pub fn view(token: &str) -> Call<PayLinkView> {
    get(format!("/api/pay/{}", encode(token)))
}

/// `POST /api/pay/{token}/payments` `{"provider"}`.
pub fn start(token: &str, provider: Provider) -> Call<Started> {
    post(format!("/api/pay/{}/payments", encode(token))).json(&StartBody { provider: provider.as_str() })
}
