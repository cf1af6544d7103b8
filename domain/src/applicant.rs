//! Validation of the submitter and owner of a dossier (seed 004's form): the same rules run in
//! the app while typing and in the functions on submit.

use crate::api::Applicant;
use crate::citizen::{Email, IdNumber, PersonName, Phone};
use crate::text_input::normalize;
use crate::validation::FieldError;

pub const MAX_ADDRESS: usize = 300;
pub const MAX_CONTENT: usize = 2000;
pub const MAX_AREA: usize = 200;

/// Checks every field of `a`, naming errors `<prefix>.<field>` (`applicant.phone`). Returns the
/// first problem in form order, so the person fixes the form top to bottom.
pub fn validate(prefix: &str, a: &Applicant) -> Result<(), FieldError> {
    let name = |f: &str| format!("{prefix}.{f}");
    PersonName::parse(&name("full_name"), &a.full_name)?;
    IdNumber::parse(&name("id_number"), &a.id_number, true)?;
    Phone::parse(&name("phone"), &a.phone)?;
    if !a.email.trim().is_empty() {
        Email::parse(&name("email"), &a.email)?;
    }
    if normalize(&name("address"), &a.address, MAX_ADDRESS, false)?.is_empty() {
        return Err(FieldError::required(name("address")));
    }
    normalize(&name("area"), &a.area, MAX_AREA, false)?;
    Ok(())
}

/// Every problem of `a` at once (one per field, form order), for showing errors inline while
/// the person types; [`validate`] is the same rules stopping at the first.
pub fn validate_all(prefix: &str, a: &Applicant) -> Vec<FieldError> {
    // Each field is checked alone: the others are set to values that pass.
    let ok = Applicant {
        full_name: "Nguyễn An".into(),
        id_number: "042090001234".into(),
        phone: "0912345678".into(),
        email: String::new(),
        address: "x".into(),
        area: String::new(),
    };
    let probes = [
        Applicant { full_name: a.full_name.clone(), ..ok.clone() },
        Applicant { id_number: a.id_number.clone(), ..ok.clone() },
        Applicant { phone: a.phone.clone(), ..ok.clone() },
        Applicant { email: a.email.clone(), ..ok.clone() },
        Applicant { address: a.address.clone(), ..ok.clone() },
        Applicant { area: a.area.clone(), ..ok },
    ];
    probes.iter().filter_map(|p| validate(prefix, p).err()).collect()
}

pub fn validate_content(content: &str) -> Result<(), FieldError> {
    normalize("content", content, MAX_CONTENT, true)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Applicant {
        Applicant {
            full_name: "Nguyễn Văn An".into(),
            id_number: "042090001234".into(),
            phone: "0912345678".into(),
            email: String::new(),
            address: "Thôn Tân Hương, xã Sơn Tây".into(),
            area: String::new(),
        }
    }

    #[test]
    fn a_complete_applicant_passes() {
        assert_eq!(validate("applicant", &good()), Ok(()));
        let legacy = Applicant { id_number: "183456789".into(), ..good() };
        assert_eq!(validate("applicant", &legacy), Ok(()), "the form says Số CMND: 9 digits accepted");
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases = [
            (Applicant { full_name: "".into(), ..good() }, "applicant.full_name"),
            (Applicant { id_number: "12345".into(), ..good() }, "applicant.id_number"),
            (Applicant { phone: "0123".into(), ..good() }, "applicant.phone"),
            (Applicant { email: "not-an-email".into(), ..good() }, "applicant.email"),
            (Applicant { address: "  ".into(), ..good() }, "applicant.address"),
            (Applicant { address: "x".repeat(301), ..good() }, "applicant.address"),
        ];
        for (a, field) in cases {
            let err = validate("applicant", &a).unwrap_err();
            assert_eq!(err.field, field);
            assert!(!err.message_vi.is_empty());
        }
        assert_eq!(validate("owner", &Applicant { phone: "1".into(), ..good() }).unwrap_err().field, "owner.phone");
        assert!(validate_content(&"a".repeat(2001)).is_err());
    }

    #[test]
    fn validate_all_names_every_bad_field_in_form_order() {
        assert!(validate_all("applicant", &good()).is_empty());
        let bad = Applicant { full_name: "".into(), phone: "0123".into(), address: "".into(), ..good() };
        let fields: Vec<String> = validate_all("applicant", &bad).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["applicant.full_name", "applicant.phone", "applicant.address"]);
    }
}
