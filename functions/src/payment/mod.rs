//! The money: payment attempts for a dossier's open fee notice, the providers' verified
//! callbacks, an append-only ledger, exactly-once settlement, receipts and reconciliation. The
//! protocols themselves (signing, verifying, wire formats) are pure and live in
//! `motcua_domain::gateway`; this module does the I/O around them.

pub mod accounts;
pub mod config;
pub mod callbacks;
pub mod ledger;
pub mod merchants;
pub mod receipt;
pub mod refund;
pub mod reconcile;
pub mod repo;
pub mod routes;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod settle;
pub mod settlement;
pub mod statement;
pub mod store;
