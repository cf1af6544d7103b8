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

/// The wording of a body that is not JSON (or not an object) at all, at the field `body`.
pub fn malformed_json() -> FieldError {
    FieldError::new("body", "malformed_json", "Dữ liệu gửi lên không đúng định dạng JSON.", "The request body must be a JSON object.")
}

/// Parses a request body, naming a wrong or missing field by its path: `procedure`,
/// `owner.id_number`, `documents.0` (array items by index after a dot, as every other field
/// name of the API). Text that is not JSON is `malformed_json` at `body`; a value of the wrong
/// type `invalid_type`, a value outside what the field takes (an unknown status) `invalid_value`,
/// a missing field `required`.
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, FieldError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let err = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        // Trailing text after the value is not JSON either.
        Ok(v) => return de.end().map(|_| v).map_err(|_| malformed_json()),
        Err(e) => e,
    };
    let path: Vec<String> = err
        .path()
        .iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect();
    let inner = err.inner();
    if !matches!(inner.classify(), serde_json::error::Category::Data) {
        return Err(malformed_json());
    }
    // serde_json's message without its " at line 1 column 17".
    let full = inner.to_string();
    let message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m);
    let tick = |m: &str| m.split('`').nth(1).map(str::to_string);
    let join = |leaf: Option<String>| path.iter().cloned().chain(leaf).collect::<Vec<_>>().join(".");
    if let Some(rest) = message.strip_prefix("missing field ") {
        return Err(FieldError::required(join(tick(rest))));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let field = join(tick(rest));
        return Err(FieldError::new(
            field.clone(),
            "unknown_field",
            format!("Trường \"{field}\" không được hỗ trợ."),
            format!("Unknown field \"{field}\"."),
        ));
    }
    if path.is_empty() {
        return Err(malformed_json());
    }
    let field = join(None);
    if message.starts_with("invalid type") || message.starts_with("invalid length") {
        Err(FieldError::new(
            field.clone(),
            "invalid_type",
            format!("Trường \"{field}\" không đúng kiểu dữ liệu."),
            format!("The field \"{field}\" has the wrong type: {message}."),
        ))
    } else {
        Err(FieldError::new(
            field.clone(),
            "invalid_value",
            format!("Trường \"{field}\" có giá trị không hợp lệ."),
            format!("The field \"{field}\" has an invalid value: {message}."),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::SubmitDossier;
    use proptest::prelude::*;

    fn err(body: &str) -> (String, String) {
        let e = from_json::<SubmitDossier>(body).unwrap_err();
        (e.field, e.code)
    }

    const OK: &str = r#"{"agency":"A","procedure":"2.000815","applicant":{"full_name":"An","id_number":"1","phone":"0","address":"x"}}"#;

    #[test]
    fn names_the_field_by_its_path() {
        assert!(from_json::<SubmitDossier>(OK).is_ok());
        let with = |from: &str, to: &str| OK.replacen(from, to, 1);
        assert_eq!(err(&with(r#""procedure":"2.000815""#, r#""procedure":5"#)), ("procedure".into(), "invalid_type".into()));
        assert_eq!(err(&with(r#""phone":"0""#, r#""phone":["0"]"#)), ("applicant.phone".into(), "invalid_type".into()));
        assert_eq!(err(&with(r#"}}"#, r#"},"owner":{"full_name":1}}"#)), ("owner.full_name".into(), "invalid_type".into()));
        assert_eq!(err(&with(r#"}}"#, r#"},"files":["a",7]}"#)), ("files.1".into(), "invalid_type".into()));
        assert_eq!(err(&with(r#""agency":"A","#, "")), ("agency".into(), "required".into()));
        assert_eq!(err(&with(r#","address":"x""#, "")), ("applicant.address".into(), "required".into()));
        let e = from_json::<SubmitDossier>(&with(r#""procedure":"2.000815""#, r#""procedure":5"#)).unwrap_err();
        assert_eq!(e.message_vi, "Trường \"procedure\" không đúng kiểu dữ liệu.");
    }

    #[test]
    fn text_that_is_not_json_is_the_body() {
        for body in ["", "hello", "{", r#"{"agency":"A""#, "5", "[]", "null", &format!("{OK} trailing")] {
            assert_eq!(err(body), ("body".into(), "malformed_json".into()), "{body}");
        }
    }

    #[test]
    fn a_value_outside_an_enum_is_invalid_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct B {
            status: crate::dossier::DossierStatus,
        }
        let e = from_json::<B>(r#"{"status":"nope"}"#).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("status", "invalid_value"));
    }

    proptest! {
        #[test]
        fn any_body_gives_a_named_error_never_a_panic(body in ".{0,200}") {
            if let Err(e) = from_json::<SubmitDossier>(&body) {
                prop_assert!(!e.field.is_empty() && !e.code.is_empty() && !e.message_vi.is_empty());
            }
        }

        #[test]
        fn any_json_value_gives_a_named_error(v in proptest::arbitrary::any::<(Option<i64>, bool, Vec<String>)>()) {
            let body = serde_json::json!({"agency": v.0, "procedure": v.1, "applicant": v.2}).to_string();
            let e = from_json::<SubmitDossier>(&body).unwrap_err();
            prop_assert!(["agency", "procedure", "applicant"].contains(&e.field.as_str()) || e.field.starts_with("applicant."), "{}", e.field);
        }
    }
}
