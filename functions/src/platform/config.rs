//! Binding and secret names in one place, so operators and code agree on them.

pub const DB: &str = "DB";
pub const SCANS: &str = "SCANS";
pub const SEQUENCES: &str = "SEQUENCES";
pub const OUTBOX: &str = "OUTBOX";
pub const ASSETS: &str = "ASSETS";
/// Secret key of the one-time-code hashes (any long random string). Required outside the sandbox.
pub const AUTH_SECRET: &str = "AUTH_SECRET";

pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// True only when the development `.dev.vars` sets `SANDBOX=1`; production configs never do.
pub fn sandbox_enabled(env: &worker::Env) -> bool {
    env.var("SANDBOX").map(|v| v.to_string() == "1").unwrap_or(false)
        || env.secret("SANDBOX").map(|v| v.to_string() == "1").unwrap_or(false)
}

/// The public address of this deployment, without a trailing slash.
pub fn public_base_url(env: &worker::Env) -> String {
    env.var("PUBLIC_BASE_URL").map(|v| v.to_string()).unwrap_or_else(|_| "http://127.0.0.1:8787".into()).trim_end_matches('/').to_string()
}

/// A setting from a Worker secret or, failing that, a plain variable; empty counts as unset.
pub fn setting(env: &worker::Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|s| !s.is_empty())
}

/// A provider's address: a path (`/sandbox/...`) is resolved against `PUBLIC_BASE_URL` (how the
/// local sandbox is reached), unset gives `default` (the provider's published host).
pub fn provider_url(env: &worker::Env, name: &str, default: &str) -> String {
    setting(env, name).map(|u| resolve_url(env, u)).unwrap_or_else(|| default.to_string())
}

/// An address as configured: a path is taken as one on this deployment (`PUBLIC_BASE_URL`).
pub fn resolve_url(env: &worker::Env, value: String) -> String {
    if value.starts_with('/') {
        format!("{}{value}", public_base_url(env))
    } else {
        value
    }
}

/// Hours an upload may stay attached to no dossier before the cron trigger deletes it
/// (`UNATTACHED_UPLOAD_HOURS` in `wrangler.toml`'s `[vars]`; 168 = a week, as long as a draft
/// can be resumed).
pub fn unattached_upload_hours(env: &worker::Env) -> i64 {
    setting(env, "UNATTACHED_UPLOAD_HOURS").and_then(|v| v.trim().parse::<i64>().ok()).filter(|h| *h >= 0).unwrap_or(168)
}
