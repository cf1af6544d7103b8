//! Checking a receipt by its code (anyone holding it).

use motcua_domain::api::ReceiptView;

use super::{encode, get, Call};

/// `GET /api/receipts/{code}`.
pub fn verify(code: &str) -> Call<ReceiptView> {
    get(format!("/api/receipts/{}", encode(code)))
}
