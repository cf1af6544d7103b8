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

/// Fields of a JSON body read by hand, for the few Worker routes that take their body as a
/// `serde_json::Value` (each derived deserializer costs the Worker's size budget): a present
/// field of the wrong type is `invalid_type` at its path, as [`from_json`] says it.
pub mod json_fields {
    use super::FieldError;
    use serde_json::Value;

    fn wrong_type(field: &str) -> FieldError {
        FieldError::new(
            field,
            "invalid_type",
            format!("Trường \"{field}\" không đúng kiểu dữ liệu."),
            format!("The field \"{field}\" has the wrong type."),
        )
    }

    /// A text field; absent or null is empty.
    pub fn text(body: &Value, field: &str) -> Result<String, FieldError> {
        match body.get(field) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(wrong_type(field)),
        }
    }

    /// An optional text field.
    pub fn optional_text(body: &Value, field: &str) -> Result<Option<String>, FieldError> {
        match body.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(wrong_type(field)),
        }
    }

    fn list<'a>(body: &'a Value, field: &str) -> Result<&'a [Value], FieldError> {
        match body.get(field) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(wrong_type(field)),
        }
    }

    /// A list of texts; items named `field.i`.
    pub fn texts(body: &Value, field: &str) -> Result<Vec<String>, FieldError> {
        list(body, field)?.iter().enumerate().map(|(i, v)| v.as_str().map(str::to_string).ok_or_else(|| wrong_type(&format!("{field}.{i}")))).collect()
    }

    /// A list of whole numbers; items named `field.i`.
    pub fn integers(body: &Value, field: &str) -> Result<Vec<i64>, FieldError> {
        list(body, field)?.iter().enumerate().map(|(i, v)| v.as_i64().ok_or_else(|| wrong_type(&format!("{field}.{i}")))).collect()
    }

    /// An optional whole number.
    pub fn optional_integer(body: &Value, field: &str) -> Result<Option<i64>, FieldError> {
        match body.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| wrong_type(field)),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use serde_json::json;

        #[test]
        fn fields_by_hand_name_the_wrong_one() {
            let body = json!({"a": "x", "n": null, "l": ["p", 3], "w": [1, "2"], "v": "1"});
            assert_eq!(text(&body, "a").unwrap(), "x");
            assert_eq!(text(&body, "missing").unwrap(), "");
            assert_eq!(optional_text(&body, "n").unwrap(), None);
            assert_eq!(text(&body, "l").unwrap_err().code, "invalid_type");
            assert_eq!(texts(&body, "l").unwrap_err().field, "l.1");
            assert_eq!(integers(&body, "w").unwrap_err().field, "w.1");
            assert_eq!(texts(&body, "missing").unwrap(), Vec::<String>::new());
            assert_eq!(optional_integer(&body, "v").unwrap_err().field, "v");
        }
    }
}
