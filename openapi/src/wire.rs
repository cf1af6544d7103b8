//! Request bodies still declared inside a handler of `functions/` (which only builds for wasm),
//! mirrored here field for field with the same serde attributes, until they move into
//! `domain::api`. Each names its source; `tests/document.rs` checks the mirror still matches the
//! source text.

use schemars::JsonSchema;
use motcua_domain::desk::LineChange;
use serde::Deserialize;

/// functions/src/dossier/staff_routes.rs `ActionBody`: `POST /api/staff/dossiers/{id}/actions`.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct ActionBody {
    /// `receive`, `request_supplement`, `reject`, `start_processing`, `mark_result_ready`, `return_result`, ...
    action: String,
    #[serde(default)]
    reason: Option<String>,
    /// The required documents the officer ticked (receive only).
    #[serde(default)]
    documents: Vec<String>,
}

/// functions/src/dossier/staff_routes.rs `NoticeBody`: `POST /api/staff/dossiers/{id}/fee-notice`
/// (an empty body sends the computed notice unchanged).
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct NoticeBody {
    #[serde(default)]
    changes: Vec<LineChange>,
}

/// functions/src/payment/refund.rs `RefundBody`: `POST /api/staff/payments/{id}/refunds`.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct RefundBody {
    #[serde(default)]
    amount: i64,
    #[serde(default)]
    reason: String,
}

/// functions/src/payment/routes.rs `StartBody`: `POST /api/dossiers/{id}/payments` and
/// `POST /api/pay/{token}/payments`.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct StartBody {
    /// `vnpay`, `momo`, `zalopay`, `paygov` or `vietqr`.
    #[serde(default)]
    provider: String,
}

/// functions/src/desk/admin.rs `HandlingBody`: `PUT /api/admin/agencies/{code}/procedures/{procedure}`.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct HandlingBody {
    online_payment: bool,
}

/// functions/src/desk/admin.rs `EmbedOriginsBody`: `PUT /api/admin/agencies/{code}/embed-origins`.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct EmbedOriginsBody {
    origins: Vec<String>,
}

/// functions/src/payment/refund.rs `DecisionBody`: `POST /api/staff/refunds/{id}/decision`.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct DecisionBody {
    /// `approve`, `reject` or `paid`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    transfer_ref: String,
}

/// functions/src/payment/settlement.rs `ResolveBody`: `POST /api/admin/settlements/differences/{id}/resolve`.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct ResolveBody {
    #[serde(default)]
    note: String,
}
