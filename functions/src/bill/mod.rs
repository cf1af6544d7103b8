//! Bills without a dossier (issue #16): land obligations, fines, insurance, payment links. The
//! domain decides (`motcua_domain::bill`); `store` is the only writer of a bill's state; the
//! payment store settles a bill through it.

pub mod import;
pub mod links;
pub mod public;
pub mod repo;
pub mod routes;
pub mod store;
