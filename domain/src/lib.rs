//! motcua's functional core. Everything that decides a rule lives here, free of I/O, so that the
//! citizen app (wasm), the edge functions (wasm) and the native tests all run the same code.
//! Time and randomness come in as arguments.

pub mod admin;
pub mod api;
pub mod beneficiary;
pub mod bill;
pub mod applicant;
pub mod archive;
pub mod auth;
pub mod cache;
pub mod calendar;
pub mod citizen;
pub mod codes;
pub mod dashboard;
pub mod desk;
pub mod document;
pub mod dossier;
pub mod embed;
pub mod fee;
pub mod gateway;
pub mod html;
pub mod indicators;
pub mod money;
pub mod national;
pub mod notify;
pub mod oidc;
pub mod pages;
pub mod paperless;
pub mod pdf_write;
pub mod payment;
pub mod poster;
pub mod receipt;
pub mod receipt_pdf;
pub mod rollup;
pub mod settlement;
pub mod shard;
pub mod signing;
pub mod sms;
pub mod staff_report;
pub mod stats;
pub mod text;
pub mod text_input;
pub mod truetype;
pub mod upload;
pub mod validation;
