//! Fee quotes: the numbers a citizen sees before paying, computed by the domain from the
//! procedure's fee schedule, checkable from outside the app through `POST /api/fees/quote`.

pub mod repo;
pub mod routes;
