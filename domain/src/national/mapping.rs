//! Our codes against the national portal's, where they differ: an agency's unit code
//! (`MaDonVi`), a procedure's code (`MaTTHC`) and a fee line's code in the portal's fee list
//! (`MaPhiLePhi`). The sync reports dossiers under these codes and the catalog pull compares
//! procedures by them. An agency's code is its province's business; a procedure and its fee
//! lines belong to the national catalog and are the national admin's.

use serde::{Deserialize, Serialize};

use crate::auth::StaffRole;
use crate::codes::AgencyCode;
use crate::validation::FieldError;

/// `PUT /api/admin/national-mapping`: the mappings to set; an empty `national_code` removes one
/// (the portal then uses our code). Entries not named are left as they are.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingInput {
    #[serde(default)]
    pub agencies: Vec<AgencyMapping>,
    #[serde(default)]
    pub procedures: Vec<ProcedureMapping>,
    #[serde(default)]
    pub fee_lines: Vec<FeeLineMapping>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyMapping {
    pub code: String,
    /// The portal's `MaDonVi`, QCVN 102:2016 form (`000.00.00.H42`) [A].
    #[serde(default)]
    pub national_code: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureMapping {
    pub code: String,
    /// The portal's `MaTTHC`: `1.234567`, or with a unit's suffix `1.234567.000.00.00.H42` [A].
    #[serde(default)]
    pub national_code: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLineMapping {
    pub procedure: String,
    /// The line's code in our fee schedule (`copy_fee`).
    pub line: String,
    /// The portal's `MaPhiLePhi` [A: letters, digits, `.`, `-`, `_`, at most 50].
    #[serde(default)]
    pub national_code: String,
}

/// `GET /api/admin/national-mapping`: the agencies in the caller's scope and every procedure
/// with its fee lines, each with the portal's code when it differs from ours.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingView {
    pub agencies: Vec<MappedAgency>,
    pub procedures: Vec<MappedProcedure>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedAgency {
    pub code: String,
    pub name: String,
    /// Empty: the portal knows the agency by our code.
    pub national_code: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedProcedure {
    pub code: String,
    pub name: String,
    pub national_code: String,
    pub fee_lines: Vec<MappedFeeLine>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedFeeLine {
    pub line: String,
    pub name: String,
    pub national_code: String,
}

/// Why a mapping is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum MappingRefusal {
    Invalid(FieldError),
    /// Procedures and fee lines are the national catalog's (403); the field names the list.
    NationalOnly { field: &'static str },
}

impl From<FieldError> for MappingRefusal {
    fn from(e: FieldError) -> Self {
        MappingRefusal::Invalid(e)
    }
}

pub fn parse_unit_code(field: &str, s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    Ok(AgencyCode::parse(field, s)?.to_string())
}

pub fn parse_procedure_code(field: &str, s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let (base, suffix) = if s.len() > 8 { s.split_at(8) } else { (s, "") };
    let suffix_ok = suffix.is_empty() || suffix.strip_prefix('.').is_some_and(|u| AgencyCode::parse(field, u).is_ok());
    if !crate::admin::is_procedure_code(base) || !suffix_ok {
        return Err(FieldError::new(
            field,
            "invalid_format",
            "Mã TTHC trên Cổng DVCQG có dạng 1.234567 (có thể kèm mã đơn vị: 1.234567.000.00.00.H42).",
            "A national procedure code looks like 1.234567, optionally followed by a unit code (1.234567.000.00.00.H42).",
        ));
    }
    Ok(s.to_string())
}

pub fn parse_fee_code(field: &str, s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    let ok = s.len() <= 50 && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !ok {
        return Err(FieldError::new(
            field,
            "invalid_format",
            "Mã phí, lệ phí trên Cổng DVCQG gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (tối đa 50 ký tự).",
            "A national fee code has ASCII letters, digits, '.', '-' or '_' (at most 50).",
        ));
    }
    Ok(s.to_string())
}

/// Checks a mapping request for who is asking: every code well formed, no entity named twice,
/// procedures and fee lines only from the national admin. What exists and what is in the
/// caller's scope is the caller's to check with the data.
pub fn parse_mapping(role: StaffRole, input: &MappingInput) -> Result<MappingInput, MappingRefusal> {
    if !role.edits_national_catalog() {
        if !input.procedures.is_empty() {
            return Err(MappingRefusal::NationalOnly { field: "procedures" });
        }
        if !input.fee_lines.is_empty() {
            return Err(MappingRefusal::NationalOnly { field: "fee_lines" });
        }
    }
    if input.agencies.is_empty() && input.procedures.is_empty() && input.fee_lines.is_empty() {
        return Err(FieldError::new("agencies", "required", "Chưa có mã nào để cập nhật.", "Nothing to map.").into());
    }
    let twice = |field: String| FieldError::new(field, "duplicate", "Mục này được nêu hai lần.", "This entry is named twice.");
    let mut out = MappingInput::default();
    for (i, a) in input.agencies.iter().enumerate() {
        let code = a.code.trim().to_string();
        if out.agencies.iter().any(|x| x.code == code) {
            return Err(twice(format!("agencies.{i}.code")).into());
        }
        out.agencies.push(AgencyMapping { national_code: parse_unit_code(&format!("agencies.{i}.national_code"), &a.national_code)?, code });
    }
    for (i, p) in input.procedures.iter().enumerate() {
        let code = p.code.trim().to_string();
        if out.procedures.iter().any(|x| x.code == code) {
            return Err(twice(format!("procedures.{i}.code")).into());
        }
        let national_code = parse_procedure_code(&format!("procedures.{i}.national_code"), &p.national_code)?;
        if national_code == code {
            // The same as ours: no mapping needed.
            out.procedures.push(ProcedureMapping { code, national_code: String::new() });
        } else {
            out.procedures.push(ProcedureMapping { code, national_code });
        }
    }
    for (i, f) in input.fee_lines.iter().enumerate() {
        let (procedure, line) = (f.procedure.trim().to_string(), f.line.trim().to_string());
        if out.fee_lines.iter().any(|x| x.procedure == procedure && x.line == line) {
            return Err(twice(format!("fee_lines.{i}.line")).into());
        }
        let national_code = parse_fee_code(&format!("fee_lines.{i}.national_code"), &f.national_code)?;
        let national_code = if national_code == line { String::new() } else { national_code };
        out.fee_lines.push(FeeLineMapping { procedure, line, national_code });
    }
    Ok(out)
}

/// After the change, no two of our procedures may go by one portal code (the sync and the
/// pull could not tell them apart). `current` is every procedure's (code, mapped code).
pub fn check_unique_procedure_codes(current: &[(String, String)], changes: &[ProcedureMapping]) -> Result<(), FieldError> {
    let effective = |code: &str, national: &str| if national.is_empty() { code.to_string() } else { national.to_string() };
    let after: Vec<(String, String)> = current
        .iter()
        .map(|(code, national)| match changes.iter().find(|c| &c.code == code) {
            Some(c) => (code.clone(), effective(code, &c.national_code)),
            None => (code.clone(), effective(code, national)),
        })
        .collect();
    for (i, c) in changes.iter().enumerate() {
        let mine = effective(&c.code, &c.national_code);
        if let Some((other, _)) = after.iter().find(|(code, e)| code != &c.code && *e == mine) {
            return Err(FieldError::new(
                format!("procedures.{i}.national_code"),
                "already_mapped",
                format!("Mã {mine} đã là mã trên Cổng DVCQG của thủ tục {other}."),
                format!("{mine} is already the national code of procedure {other}."),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_by_kind() {
        assert_eq!(parse_unit_code("f", " 000.00.00.H42 ").unwrap(), "000.00.00.H42");
        assert_eq!(parse_unit_code("f", "").unwrap(), "");
        assert_eq!(parse_unit_code("f", "H42").unwrap_err().field, "f");
        assert_eq!(parse_procedure_code("f", "1.004873").unwrap(), "1.004873");
        assert_eq!(parse_procedure_code("f", "1.004873.000.00.00.H42").unwrap(), "1.004873.000.00.00.H42");
        assert!(parse_procedure_code("f", "1.0048").is_err());
        assert!(parse_procedure_code("f", "1.004873-x").is_err());
        assert_eq!(parse_fee_code("f", "LP-CT.01_a").unwrap(), "LP-CT.01_a");
        assert_eq!(parse_fee_code("f", "lệ phí").unwrap_err().code, "invalid_format");
    }

    #[test]
    fn a_provincial_admin_maps_agencies_only() {
        let agencies = MappingInput { agencies: vec![AgencyMapping { code: "000.08.51.H23".into(), national_code: "000.08.51.H23".into() }], ..Default::default() };
        assert!(parse_mapping(StaffRole::Admin, &agencies).is_ok());
        let procedures = MappingInput { procedures: vec![ProcedureMapping { code: "2.001035".into(), national_code: "2.001035.000.00.00.H23".into() }], ..Default::default() };
        assert_eq!(parse_mapping(StaffRole::Admin, &procedures), Err(MappingRefusal::NationalOnly { field: "procedures" }));
        let fees = MappingInput { fee_lines: vec![FeeLineMapping { procedure: "2.001035".into(), line: "contract_fee".into(), national_code: "X".into() }], ..Default::default() };
        assert_eq!(parse_mapping(StaffRole::Admin, &fees), Err(MappingRefusal::NationalOnly { field: "fee_lines" }));
        assert!(parse_mapping(StaffRole::National, &procedures).is_ok());
        assert!(matches!(parse_mapping(StaffRole::National, &MappingInput::default()), Err(MappingRefusal::Invalid(_))));
    }

    #[test]
    fn field_paths_name_the_entry() {
        let bad = MappingInput {
            agencies: vec![AgencyMapping { code: "a".into(), national_code: "".into() }, AgencyMapping { code: "b".into(), national_code: "xyz".into() }],
            ..Default::default()
        };
        let Err(MappingRefusal::Invalid(e)) = parse_mapping(StaffRole::National, &bad) else { panic!() };
        assert_eq!(e.field, "agencies.1.national_code");
        let twice = MappingInput {
            procedures: vec![ProcedureMapping { code: "2.001035".into(), national_code: "".into() }, ProcedureMapping { code: "2.001035".into(), national_code: "".into() }],
            ..Default::default()
        };
        let Err(MappingRefusal::Invalid(e)) = parse_mapping(StaffRole::National, &twice) else { panic!() };
        assert_eq!((e.field.as_str(), e.code.as_str()), ("procedures.1.code", "duplicate"));
        // Our own code is no mapping.
        let same = MappingInput { procedures: vec![ProcedureMapping { code: "2.001035".into(), national_code: "2.001035".into() }], ..Default::default() };
        assert_eq!(parse_mapping(StaffRole::National, &same).unwrap().procedures[0].national_code, "");
    }

    #[test]
    fn two_procedures_never_share_a_portal_code() {
        let current = vec![("2.001035".to_string(), String::new()), ("2.000884".to_string(), "2.000884.000.00.00.H23".to_string())];
        let ok = [ProcedureMapping { code: "2.001035".into(), national_code: "2.001035.000.00.00.H23".into() }];
        assert!(check_unique_procedure_codes(&current, &ok).is_ok());
        let taken = [ProcedureMapping { code: "2.001035".into(), national_code: "2.000884.000.00.00.H23".into() }];
        assert_eq!(check_unique_procedure_codes(&current, &taken).unwrap_err().code, "already_mapped");
        let ours = [ProcedureMapping { code: "2.001035".into(), national_code: "2.000884".into() }];
        assert!(check_unique_procedure_codes(&current, &ours).is_ok(), "2.000884 goes by another code now");
        let swap = [
            ProcedureMapping { code: "2.000884".into(), national_code: String::new() },
            ProcedureMapping { code: "2.001035".into(), national_code: "2.000884".into() },
        ];
        assert_eq!(check_unique_procedure_codes(&current, &swap).unwrap_err().code, "already_mapped");
    }
}
