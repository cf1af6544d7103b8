//! Binding and secret names in one place, so operators and code agree on them.

pub const DB: &str = "DB";
pub const SCANS: &str = "SCANS";
/// Archived months' parts and manifests (`archive/…`, domain::archive), apart from the scans:
/// another lifecycle (kept for years, never served to a browser) and another bucket's policy.
pub const ARCHIVE: &str = "ARCHIVE";
pub const SEQUENCES: &str = "SEQUENCES";
pub const OUTBOX: &str = "OUTBOX";
/// The outbox's dead-letter queue, where given-up work is also announced.
pub const OUTBOX_DEAD_LETTERS: &str = "OUTBOX_DEAD_LETTERS";
pub const ASSETS: &str = "ASSETS";
/// The public Worker's service binding to the back-office Worker (backoffice/wrangler.toml).
#[cfg(not(feature = "backoffice"))]
pub const BACKOFFICE: &str = "BACKOFFICE";
/// Secret key of the one-time-code hashes (any long random string). Required outside the sandbox.
pub const AUTH_SECRET: &str = "AUTH_SECRET";

pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

pub use super::settings::config;

/// True only in a build with the `sandbox` feature whose development `.dev.vars` sets
/// `SANDBOX=1`; a production build has no sandbox code whatever its settings say.
#[cfg(feature = "sandbox")]
pub fn sandbox_enabled(env: &worker::Env) -> bool {
    config(env).sandbox
}

/// The public address of this deployment, without a trailing slash.
pub fn public_base_url(env: &worker::Env) -> String {
    config(env).public_base_url.clone()
}

/// A raw setting from a Worker secret or, failing that, a plain variable; empty counts as unset.
/// For the sandbox only (it plays the providers with their keys); everything else reads
/// [`Config`].
#[cfg(feature = "sandbox")]
pub fn setting(env: &worker::Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|s| !s.is_empty())
}

/// The key of one-time codes and pay links (`AUTH_SECRET`; a fixed key in the sandbox only).
pub fn auth_secret(env: &worker::Env) -> Result<Vec<u8>, super::error::ApiError> {
    config(env)
        .auth_secret
        .as_ref()
        .map(|s| s.expose().as_bytes().to_vec())
        .ok_or_else(|| super::error::ApiError::Unexpected("AUTH_SECRET is not configured".into()))
}
