//! Free text typed by people (names, addresses, reasons, legal bases): every such input is
//! normalized and bounded here before it is stored, shown to someone else, printed on a receipt
//! or sent by SMS.
//!
//! The rules, in order:
//! 1. Unicode NFC, so "ế" typed decomposed (NFD, some keyboards) and composed are the same text.
//! 2. Refused: control characters (C0, DEL, C1; only `\n` and `\t` in multi-line text, where
//!    `\r\n` and a lone `\r` become `\n`), Unicode line/paragraph separators, and the bidi
//!    controls that let a text display differently from what it is (Trojan Source): embeddings
//!    and overrides U+202A–U+202E, isolates U+2066–U+2069, the marks U+200E, U+200F and U+061C,
//!    and the byte-order mark U+FEFF. Refused, not silently removed: what was shown to the person
//!    typing is what is stored, or they are told why not.
//! 3. Trimmed; single-line text has its runs of spaces collapsed to one.
//! 4. At most `MAX` characters (Unicode scalar values, after NFC).
//!
//! Errors are [`FieldError`]s naming the field, in Vietnamese and English.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::validation::FieldError;

/// A checked text of at most `MAX` characters; `MULTILINE` allows `\n` and `\t`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text<const MAX: usize, const MULTILINE: bool>(String);

/// One line: names of agencies and procedures, titles, labels (at most 200 characters).
pub type ShortText = Text<200, false>;
/// Several lines: reasons, notes, legal bases (at most 2 000 characters).
pub type LongText = Text<2000, true>;
/// A written reason (refund, rejection, supplement request, fee change): at most 1 000 characters.
pub type Reason = Text<1000, true>;

impl<const MAX: usize, const MULTILINE: bool> Text<MAX, MULTILINE> {
    pub const MAX_CHARS: usize = MAX;

    /// A required text: empty (after trimming) is `required`.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        match Self::parse_optional(field, input)? {
            Some(t) => Ok(t),
            None => Err(FieldError::required(field)),
        }
    }

    /// An optional text: empty (after trimming) is `None`.
    pub fn parse_optional(field: &str, input: &str) -> Result<Option<Self>, FieldError> {
        let s = normalize(field, input, MAX, MULTILINE)?;
        Ok(if s.is_empty() { None } else { Some(Text(s)) })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl<const MAX: usize, const MULTILINE: bool> fmt::Display for Text<MAX, MULTILINE> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const MAX: usize, const MULTILINE: bool> Serialize for Text<MAX, MULTILINE> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// `#[serde(deserialize_with = "crate::text_input::nfc")]`: a string field stored as typed
/// but in NFC; the field's parser still checks it (this only normalizes).
pub fn nfc<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = <String as serde::Deserialize>::deserialize(d)?;
    Ok(to_nfc(s))
}

/// The text in NFC. With the `nfc` feature (native builds: tests, the OpenAPI generator) this
/// normalizes with the `unicode-normalization` tables. Without it, the platform's own NFC is used
/// when one was registered ([`use_platform_nfc`]): the Worker registers JavaScript's
/// `String.prototype.normalize`, the same Unicode algorithm, which keeps ~60 KB of tables out of a
/// Worker that has a size budget. The app's bundles register none and send what was typed: the
/// server normalizes before anything is stored or compared.
#[cfg(feature = "nfc")]
pub fn to_nfc(s: String) -> String {
    use unicode_normalization::UnicodeNormalization;
    if unicode_normalization::is_nfc(&s) {
        s
    } else {
        s.nfc().collect()
    }
}

#[cfg(not(feature = "nfc"))]
pub fn to_nfc(s: String) -> String {
    match PLATFORM_NFC.get() {
        // ASCII is always NFC: most input never crosses into the platform.
        Some(normalize) if !s.is_ascii() => normalize(s),
        _ => s,
    }
}

#[cfg(not(feature = "nfc"))]
static PLATFORM_NFC: std::sync::OnceLock<fn(String) -> String> = std::sync::OnceLock::new();

/// Registers the platform's NFC for [`to_nfc`] (once; later calls change nothing). A no-op when
/// the `nfc` feature brings its own.
pub fn use_platform_nfc(normalize: fn(String) -> String) {
    #[cfg(not(feature = "nfc"))]
    let _ = PLATFORM_NFC.set(normalize);
    #[cfg(feature = "nfc")]
    let _ = normalize;
}

/// True for the characters that change how text around them is displayed without being seen.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The rules above with a maximum chosen by the caller; `Ok("")` for an empty input (the caller
/// decides whether that is allowed). For inputs whose limit is not one of the aliases above.
pub fn normalize(field: &str, input: &str, max: usize, multiline: bool) -> Result<String, FieldError> {
    // Bound the work before normalizing: NFC never shortens a text by more than a factor of 3
    // in characters (a letter and two combining marks become one character).
    if input.chars().count() > max.saturating_mul(3).max(64) {
        return Err(too_long(field, max));
    }
    let nfc: String = to_nfc(input.to_string());
    let mut out = String::with_capacity(nfc.len());
    let mut chars = nfc.chars().peekable();
    while let Some(c) = chars.next() {
        let c = if multiline && c == '\r' {
            if chars.peek() == Some(&'\n') {
                continue;
            }
            '\n'
        } else {
            c
        };
        if is_bidi_control(c) || c == '\u{FEFF}' {
            return Err(FieldError::new(
                field,
                "bidi_control",
                format!("{} chứa ký tự điều khiển hướng văn bản (bidi) không được phép.", label_vi(field)),
                format!("The {} contains a bidirectional control character, which is not allowed.", label_en(field)),
            ));
        }
        if c == '\n' || c == '\r' || c == '\u{2028}' || c == '\u{2029}' {
            if !multiline || c != '\n' {
                return Err(FieldError::new(
                    field,
                    "line_break",
                    format!("{} chỉ được viết trên một dòng.", label_vi(field)),
                    format!("The {} must be a single line.", label_en(field)),
                ));
            }
        } else if c.is_control() && !(multiline && c == '\t') {
            return Err(FieldError::new(
                field,
                "control_character",
                format!("{} chứa ký tự điều khiển không hợp lệ.", label_vi(field)),
                format!("The {} contains a control character.", label_en(field)),
            ));
        }
        out.push(c);
    }
    let out = if multiline { out.trim().to_string() } else { out.split_whitespace().collect::<Vec<_>>().join(" ") };
    // Trimming and collapsing cut at whitespace, which never composes; NFC again for certainty.
    let out: String = to_nfc(out);
    if out.chars().count() > max {
        return Err(too_long(field, max));
    }
    Ok(out)
}

/// For names that were not typed in a form (a file's name from the device): NFC, without
/// control, bidi or byte-order characters, which are dropped rather than refused (a name like
/// `scan\u{202E}gpj.exe` must not display as `scanexe.jpg`).
pub fn strip_invisible(s: &str) -> String {
    to_nfc(s.to_string()).chars().filter(|c| !c.is_control() && !is_bidi_control(*c) && *c != '\u{FEFF}' && *c != '\u{2028}' && *c != '\u{2029}').collect()
}

fn too_long(field: &str, max: usize) -> FieldError {
    FieldError::new(
        field,
        "too_long",
        format!("{} dài quá {} ký tự.", label_vi(field), group(max)),
        format!("The {} is longer than {max} characters.", label_en(field)),
    )
}

/// `1000` → `1.000` (Vietnamese digit grouping).
fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// The last named segment of a field path (`changes.0.reason` → `reason`).
fn leaf(field: &str) -> &str {
    field.rsplit('.').find(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit())).unwrap_or(field)
}

fn label_vi(field: &str) -> &'static str {
    match leaf(field) {
        "reason" | "change_reason" => "Lý do",
        "full_name" => "Họ và tên",
        "name" => "Tên",
        "address" => "Địa chỉ",
        "legal_basis" => "Căn cứ pháp lý",
        "content" => "Nội dung",
        "account_name" => "Tên chủ tài khoản",
        "documents" => "Thành phần hồ sơ",
        "level_label" => "Tên cấp thực hiện",
        "field" => "Lĩnh vực",
        "label" => "Tên khoản thu",
        "note" => "Ghi chú",
        _ => "Nội dung",
    }
}

fn label_en(field: &str) -> String {
    leaf(field).replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalizes_to_nfc_and_trims() {
        let t = ShortText::parse("name", "  Ủy ban nhân dân xã\u{00A0} Sơn   Tây ").unwrap();
        assert_eq!(t.as_str(), "Ủy ban nhân dân xã Sơn Tây");
        // "ế" typed as e + circumflex + acute (NFD) is stored composed.
        let nfd = "Chu\u{0301}ng thu\u{031B}\u{0323}c";
        assert_eq!(ShortText::parse("name", nfd).unwrap().as_str(), "Chúng thực");
        let r = Reason::parse("reason", " Thiếu bản sao\r\nGiấy khai sinh\r\t(bản chính) ").unwrap();
        assert_eq!(r.as_str(), "Thiếu bản sao\nGiấy khai sinh\n\t(bản chính)");
    }

    #[test]
    fn refuses_control_and_bidi_characters_naming_the_field() {
        let e = Reason::parse("reason", "Hoàn tiền \u{202E}gnp.exe").unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("reason", "bidi_control"));
        assert!(e.message_vi.starts_with("Lý do chứa ký tự"), "{}", e.message_vi);
        for c in ['\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{FEFF}'] {
            assert_eq!(Reason::parse("reason", &format!("a{c}b")).unwrap_err().code, "bidi_control");
        }
        for c in ['\u{0}', '\u{7}', '\u{1B}', '\u{7F}', '\u{85}', '\u{9B}'] {
            assert_eq!(Reason::parse("changes.0.reason", &format!("abc{c}def")).unwrap_err().code, "control_character");
        }
        let e = ShortText::parse("name", "Sở\nTư pháp").unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("name", "line_break"));
        assert_eq!(ShortText::parse("name", "Sở\tTư pháp").unwrap_err().code, "control_character");
        assert_eq!(LongText::parse("legal_basis", "a\u{2028}b").unwrap_err().code, "line_break");
    }

    #[test]
    fn bounds_the_length_in_characters() {
        let e = Reason::parse("reason", &"ệ".repeat(1001)).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("reason", "too_long"));
        assert_eq!(e.message_vi, "Lý do dài quá 1.000 ký tự.");
        assert_eq!(Reason::parse("reason", &"ệ".repeat(1000)).unwrap().as_str().chars().count(), 1000);
        // A megabyte is refused before it is normalized.
        assert_eq!(LongText::parse("legal_basis", &"x".repeat(1 << 20)).unwrap_err().code, "too_long");
        // Decomposed input counts after composition.
        assert!(Text::<3, false>::parse("name", "e\u{0302}\u{0301}e\u{0302}\u{0301}e\u{0302}\u{0301}").is_ok());
    }

    #[test]
    fn empty_is_required_or_none() {
        assert_eq!(Reason::parse("reason", " \n\t ").unwrap_err().code, "required");
        assert_eq!(Reason::parse_optional("reason", "  ").unwrap(), None);
    }

    fn any_text() -> impl Strategy<Value = String> {
        // Mostly Vietnamese letters and spaces, with every kind of refused character mixed in.
        let chars = prop_oneof![
            8 => prop::sample::select(vec!['a', 'ế', 'Đ', 'ư', ' ', '\u{00A0}', '\u{3000}', 'x', '1', '.']),
            2 => prop::sample::select(vec!['\u{0301}', '\u{0302}', '\u{0323}', '\u{031B}']),
            1 => prop::sample::select(vec!['\n', '\r', '\t', '\u{0}', '\u{7F}', '\u{202E}', '\u{2067}', '\u{200F}', '\u{FEFF}', '\u{2028}']),
            1 => any::<char>(),
        ];
        prop::collection::vec(chars, 0..60).prop_map(|v| v.into_iter().collect())
    }

    fn check<const MAX: usize, const ML: bool>(s: &str) -> Result<(), TestCaseError> {
        match Text::<MAX, ML>::parse_optional("reason", s) {
            Ok(Some(t)) => {
                let out = t.as_str();
                prop_assert!(unicode_normalization::is_nfc(out));
                prop_assert!(out.chars().count() <= MAX);
                prop_assert!(!out.is_empty() && out.trim() == out);
                let bom = '\u{FEFF}';
                prop_assert!(out.chars().all(|c| !is_bidi_control(c) && c != bom));
                prop_assert!(out.chars().all(|c| !c.is_control() || (ML && (c == '\n' || c == '\t'))));
                prop_assert_eq!(Text::<MAX, ML>::parse("reason", out), Ok(t.clone()));
            }
            Ok(None) => prop_assert!(s.chars().all(|c| c.is_whitespace())),
            Err(e) => prop_assert_eq!(e.field, "reason"),
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn output_is_nfc_bounded_clean_and_idempotent(s in any_text()) {
            check::<20, false>(&s)?;
            check::<20, true>(&s)?;
            check::<1000, true>(&s)?;
        }
    }
}

/// The rules as the domain's parsers apply them to each free-text input of the API.
#[cfg(test)]
mod applied {
    use crate::admin::{self, AgencyInput, BankAccountInput, ProcedureInput};
    use crate::api::Applicant;
    use crate::auth::{Profile, ProfileUpdate};
    use crate::applicant;

    fn err(r: Result<impl std::fmt::Debug, crate::validation::FieldError>) -> (String, String) {
        let e = r.unwrap_err();
        (e.field, e.code)
    }

    #[test]
    fn applicant_fields() {
        let ok = Applicant {
            full_name: "Nguyễn Văn An".into(),
            id_number: "042090001234".into(),
            phone: "0912345678".into(),
            email: String::new(),
            address: "Thôn Tân Hương".into(),
            area: String::new(),
        };
        let with = |f: fn(&mut Applicant)| {
            let mut a = ok.clone();
            f(&mut a);
            err(applicant::validate("owner", &a))
        };
        assert_eq!(with(|a| a.address = "Thôn \u{202E}Tân".into()), ("owner.address".into(), "bidi_control".into()));
        assert_eq!(with(|a| a.address = "x".repeat(301)), ("owner.address".into(), "too_long".into()));
        assert_eq!(with(|a| a.area = "Sơn Tây\u{0}".into()), ("owner.area".into(), "control_character".into()));
        assert_eq!(with(|a| a.full_name = "Nguyễn\u{2067} An".into()), ("owner.full_name".into(), "bidi_control".into()));
        assert!(applicant::validate("owner", &Applicant { full_name: "Nguye\u{0302}\u{0303}n An".into(), ..ok }).is_ok());
        assert_eq!(err(applicant::validate_content(&"ạ".repeat(2001))), ("content".into(), "too_long".into()));
        assert!(applicant::validate_content("Dòng 1\nDòng 2").is_ok());
    }

    #[test]
    fn profile_address() {
        let p = ProfileUpdate {
            full_name: Some("Nguyễn An".into()),
            citizen_id: Some("042090001234".into()),
            email: None,
            address: Some("Thôn\u{200F} 3".into()),
            notify_channels: None,
        };
        assert_eq!(err(Profile::parse(&p)), ("address".into(), "bidi_control".into()));
    }

    #[test]
    fn catalog_admin_fields() {
        let agency = AgencyInput { code: "000.00.00.H42".into(), name: "Sở Tư pháp\u{202D}".into(), level: "province".into(), parent_code: None };
        assert_eq!(err(admin::parse_agency(&agency)).1, "bidi_control");
        let proc = ProcedureInput {
            code: "2.000815".into(),
            name: "Chứng thực bản sao".into(),
            level: "commune".into(),
            level_label: String::new(),
            processing_days: 1,
            documents: vec![],
            legal_basis: "x".repeat(1 << 20),
            field: None,
        };
        assert_eq!(err(admin::parse_procedure(&proc)), ("legal_basis".into(), "too_long".into()));
        let proc = ProcedureInput { legal_basis: "Nghị định 23/2015/NĐ-CP\nĐiều 5".into(), documents: vec!["Bản\u{7}sao".into()], ..proc };
        assert_eq!(err(admin::parse_procedure(&proc)), ("documents.0".into(), "control_character".into()));
        let bank = BankAccountInput { bank_bin: "970436".into(), account_number: "0011001234567".into(), account_name: "KHO BAC\u{2066}".into() };
        assert_eq!(err(admin::parse_bank_account(&bank)), ("account_name".into(), "bidi_control".into()));
    }
}

#[cfg(test)]
mod stored_nfc {
    #[test]
    fn a_submission_is_read_in_nfc() {
        let body = r#"{"agency":"A","procedure":"2.000815","content":"Xin ca\u0302\u0301p","applicant":{"full_name":"Nguye\u0302\u0303n An","id_number":"1","phone":"0","address":"Tho\u0302n 3"}}"#;
        let s: crate::api::SubmitDossier = crate::validation::from_json(body).unwrap();
        assert_eq!((s.applicant.full_name.as_str(), s.applicant.address.as_str(), s.content.as_str()), ("Nguyễn An", "Thôn 3", "Xin cấp"));
        // A wrong type is still named by its path.
        let e = crate::validation::from_json::<crate::api::SubmitDossier>(&body.replace(r#""Tho\u0302n 3""#, "3")).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("applicant.address", "invalid_type"));
    }
}
