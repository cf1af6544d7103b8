//! Checking a staff password against its stored `pbkdf2-sha256$…` string through WebCrypto.

use motcua_domain::auth::password::{PasswordHash, ITERATIONS};

use super::webcrypto;
use crate::platform::error::ApiError;

/// Whether `password` matches `stored` (constant-time compare of the derived bytes).
pub async fn verify(password: &str, stored: &str) -> Result<bool, ApiError> {
    let hash = PasswordHash::parse(stored).map_err(|e| ApiError::Unexpected(format!("stored password hash: {e}")))?;
    let derived = webcrypto::pbkdf2_sha256(password.as_bytes(), &hash.salt, hash.iterations).await?;
    Ok(hash.matches(&derived))
}

/// Spends the same work as [`verify`] for an unknown username, so timing does not tell which
/// usernames exist.
pub async fn burn(password: &str) -> Result<(), ApiError> {
    webcrypto::pbkdf2_sha256(password.as_bytes(), b"motcua-no-such-user", ITERATIONS).await?;
    Ok(())
}
