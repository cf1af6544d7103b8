//! The public catalog: the agency tree and the procedures each agency handles, with search that
//! ignores case and diacritics. Its reads are kept in the isolate under the catalog's version
//! (`cache`), as are the fee schedules the quotes read.

pub mod cache;
pub mod repo;
pub mod routes;
