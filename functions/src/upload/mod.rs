//! Scans attached to dossiers: a citizen uploads each file alone (`POST /api/uploads`), the
//! dossier's submission attaches them, and only the owner or the handling agency's staff can
//! download them — always as an attachment, never rendered inline.

pub mod repo;
pub mod routes;
