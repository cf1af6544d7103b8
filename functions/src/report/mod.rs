//! Reports upward (issue 18, seed 000): an officer or leader reports a wrong published fee,
//! wrong procedure information, a difficulty or a system error of an agency in their scope; the
//! admins whose scope covers that agency (the province) answer and close it; the sender sees the
//! answer and may close an answered report. States are decided by `motcua_domain::staff_report`
//! and written by [`store`], each change on the version it was decided from.
//!
//! Routes: `POST|GET /api/staff/reports`, `POST /api/staff/reports/{id}/close`,
//! `GET /api/admin/reports?status=`, `POST /api/admin/reports/{id}/answer|close`.

pub mod routes;
pub mod store;
