//! The one-stop desk (Bộ phận Một cửa): the officer's inbox, the dossier view with its
//! progress-control sheet, walk-in dossiers, cash at the counter, result files, the signed pay
//! link a walk-in citizen gets by SMS, catalog administration, and the audit log every staff
//! change is written to.

pub mod admin;
pub mod audit;
pub mod inbox;
pub mod paylink;
pub mod routes;
pub mod view;
