//! The public catalog: the agency tree and the procedures each agency handles, with search that
//! ignores case and diacritics.

pub mod repo;
pub mod routes;
