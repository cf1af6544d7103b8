//! Binding and secret names in one place, so operators and code agree on them.

pub const DB: &str = "DB";
pub const SCANS: &str = "SCANS";
pub const SEQUENCES: &str = "SEQUENCES";
pub const OUTBOX: &str = "OUTBOX";
/// Secret key of the one-time-code hashes (any long random string). Required outside the sandbox.
pub const AUTH_SECRET: &str = "AUTH_SECRET";

pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// True only when the development `.dev.vars` sets `SANDBOX=1`; production configs never do.
pub fn sandbox_enabled(env: &worker::Env) -> bool {
    env.var("SANDBOX").map(|v| v.to_string() == "1").unwrap_or(false)
        || env.secret("SANDBOX").map(|v| v.to_string() == "1").unwrap_or(false)
}
