//! Dossiers: a citizen submits one and follows it; officers of the handling agency move it
//! through the domain's lifecycle and send the fee notice that opens the payable amount.

pub mod access;
pub mod notify;
pub mod repo;
pub mod routes;
pub mod staff_routes;
pub mod store;
