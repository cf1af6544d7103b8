//! Paperless days and assisted filing (issue 18, seed 004): an admin sets which procedures an
//! agency takes online only on which days (`GET|PUT /api/admin/agencies/{code}/paperless`); on
//! those days the desk's walk-in intake of them is refused with 409 `paperless_day`
//! ([`routes::refuse_paper`]) and the desk shows a QR code to the procedure's online form
//! carrying the officer's assist code (`POST /api/staff/assist`); the online dossier submitted
//! with it records the officer in `dossiers.assisted_by` ([`routes::assisted_by`]). The citizen's
//! procedure page shows the online-only days through `GET /api/procedures/{code}?agency=`.
//! The rule is the domain's (`motcua_domain::paperless`); this module reads, stores and renders.

pub mod routes;
pub mod store;
