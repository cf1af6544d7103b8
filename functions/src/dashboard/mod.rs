//! The leaders' dashboard (`/api/dashboard/*`): online payment rates against the target for a
//! leader's or admin's subtree, read from the monthly counters that settlement maintains
//! (`repo::count_settlement_stmt`), plus imported historical counts; procedure coverage, dormant
//! procedures and overdue dossiers. Every table also answers as CSV (`?format=csv`).

pub mod repo;
pub mod routes;
pub mod targets;
