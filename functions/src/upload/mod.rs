//! Scans attached to dossiers: a citizen uploads each file alone (`POST /api/uploads`), the
//! dossier's submission attaches them, and only the owner or the handling agency's staff can
//! download them — always as an attachment, never rendered inline. Large files go up in parts
//! (`multipart`), and the cron trigger deletes what was never attached (`cleanup`).

pub mod cleanup;
pub mod multipart;
pub mod repo;
pub mod routes;
