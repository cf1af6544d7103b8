//! Digitized, signed and reusable documents (issue 17): the desk's scans at reception, signed
//! results and electronic certified copies (PDF signed by the signing Worker with the agency's
//! certificate from the remote-signing provider), their public check, revocation, and the
//! citizen's wallet, whose documents a new dossier references instead of uploading them again.

use motcua_domain::document::DocumentError;

use crate::platform::error::ApiError;

pub mod repo;
pub mod routes;
pub mod scans;
pub mod sign;
mod signer;
pub mod store;

/// A refused signing or revocation, in the error envelope.
pub fn refused(e: DocumentError) -> ApiError {
    match e {
        DocumentError::Invalid(f) => ApiError::Invalid(f),
        e if e.is_input() => ApiError::Invalid(motcua_domain::validation::FieldError::new(
            e.field().unwrap_or("body"),
            e.code(),
            e.message_vi(),
            e.message_en(),
        )),
        e => ApiError::Conflict { code: e.code().into(), message: e.message_en(), message_vi: e.message_vi(), field: e.field().map(str::to_string) },
    }
}

