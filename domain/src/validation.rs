//! The one shape of a rejected input: which field, a stable machine code, and the reason in
//! Vietnamese (shown to people) and English (for API clients and logs). Every parser in the
//! domain fails with this, so the functions map it to HTTP 4xx and the app shows it at the field.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message_en}")]
pub struct FieldError {
    /// The input's name as it appears in the request body (`phone`, `inputs.pages`, ...).
    pub field: String,
    /// Stable, machine-readable reason (`required`, `too_long`, `invalid_format`, ...).
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message_vi: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message_vi: message_vi.into(),
            message_en: message_en.into(),
        }
    }

    pub fn required(field: impl Into<String>) -> Self {
        Self::new(field, "required", "Vui lòng nhập thông tin này.", "This field is required.")
    }

    /// The same error reported under a nested name (`pages` → `inputs.pages`).
    pub fn within(mut self, parent: &str) -> Self {
        self.field = format!("{parent}.{}", self.field);
        self
    }
}
