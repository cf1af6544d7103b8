//! Catalog administration (admins): beneficiary accounts, online payment per procedure, fee
//! versions. The answers are shown only as "saved", so they stay JSON values.

use serde_json::Value;

use super::{encode, get, post, put, Call};

/// `GET /api/admin/catalog`: `{"agencies": [...], "procedures": [...]}` the admin may change.
pub fn catalog() -> Call<Value> {
    get("/api/admin/catalog".into())
}

/// `PUT /api/admin/agencies/{code}/bank-account` `{"bank_bin", "account_number", "account_name"}`.
pub fn put_bank_account(agency: &str, body: &Value) -> Call<Value> {
    put(format!("/api/admin/agencies/{}/bank-account", encode(agency))).json(body)
}

/// `PUT /api/admin/agencies/{code}/procedures/{procedure}` `{"online_payment"}`.
pub fn put_handling(agency: &str, procedure: &str, body: &Value) -> Call<Value> {
    put(format!("/api/admin/agencies/{}/procedures/{}", encode(agency), encode(procedure))).json(body)
}

/// `POST /api/admin/procedures/{code}/fee-versions` `{"effective_from", "legal_basis", "lines"}`.
pub fn add_fee_version(procedure: &str, body: &Value) -> Call<Value> {
    post(format!("/api/admin/procedures/{}/fee-versions", encode(procedure))).json(body)
}
