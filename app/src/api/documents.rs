//! The citizen's documents: the wallet of signed results, certified copies and their own
//! uploads (`GET /api/me/documents`), which a new dossier can reference instead of uploading
//! again (`documents` of `POST /api/dossiers`).

use motcua_domain::api::Wallet;

use super::{get, Call};

/// `GET /api/me/documents`: the signed-in citizen's wallet (401 when logged out).
pub fn wallet() -> Call<Wallet> {
    get("/api/me/documents".into())
}

/// The public verification page of a signed document, by the code printed on it.
pub fn verify_page(code: &str) -> String {
    format!("/kiem-tra?ma={}", super::encode(code))
}
