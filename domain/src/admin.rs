//! Catalog administration: what an admin may write into the catalog (agencies, procedures and
//! whether an agency takes online payment for them, fee-schedule versions, beneficiary bank
//! accounts). Every input is parsed here into a checked value; the functions only store it and
//! audit the change.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::auth::StaffRole;
use crate::codes::AgencyCode;
use crate::fee::{self, FeeSchedule, FeeVersion};
use crate::text_input::normalize;
use crate::validation::FieldError;

/// One line of text, NFC, without control or bidi characters, at most `max` characters.
fn required_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = normalize(field, value, max, false)?;
    if v.is_empty() {
        return Err(FieldError::required(field));
    }
    Ok(v)
}

/// Legal bases and notes: several lines, at most [`LEGAL_BASIS_MAX`] characters, may be empty.
pub const LEGAL_BASIS_MAX: usize = 2000;

pub const LEVELS: [&str; 4] = ["province", "district", "commune", "department"];

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyInput {
    pub code: String,
    pub name: String,
    pub level: String,
    #[serde(default)]
    pub parent_code: Option<String>,
}

/// A checked agency: its code follows QCVN 102:2016, its level is known, its name is set.
pub fn parse_agency(input: &AgencyInput) -> Result<AgencyInput, FieldError> {
    let code = AgencyCode::parse("code", input.code.trim())?.to_string();
    let name = required_text("name", &input.name, 200)?;
    if !LEVELS.contains(&input.level.as_str()) {
        return Err(FieldError::new("level", "unknown_level", "Cấp cơ quan không hợp lệ.", "Unknown level: province, district, commune or department."));
    }
    let parent_code = match input.parent_code.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(AgencyCode::parse("parent_code", p)?.to_string()),
        None => None,
    };
    if parent_code.as_deref() == Some(code.as_str()) {
        return Err(FieldError::new("parent_code", "self_parent", "Cơ quan không thể trực thuộc chính nó.", "An agency cannot be its own parent."));
    }
    Ok(AgencyInput { code, name, level: input.level.clone(), parent_code })
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureInput {
    /// National base procedure code (mã TTHC), e.g. `2.000815` or `1.001234`.
    pub code: String,
    pub name: String,
    pub level: String,
    #[serde(default)]
    pub level_label: String,
    pub processing_days: u32,
    #[serde(default)]
    pub documents: Vec<String>,
    #[serde(default)]
    pub legal_basis: String,
    /// The lĩnh vực the national catalogue groups it under ("Hộ tịch", "Chứng thực"), which the
    /// citizen's search matches (migration 0024). Left out of a change: the current one stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The longest lĩnh vực name (the national catalogue's longest are under 100 characters).
pub const FIELD_MAX: usize = 200;

/// `d.dddddd`: one digit, a dot, six digits.
pub fn is_procedure_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8 && b[0].is_ascii_digit() && b[1] == b'.' && b[2..].iter().all(u8::is_ascii_digit)
}

pub fn parse_procedure(input: &ProcedureInput) -> Result<ProcedureInput, FieldError> {
    let code = input.code.trim().to_string();
    if !is_procedure_code(&code) {
        return Err(FieldError::new("code", "invalid_format", "Mã thủ tục có dạng 1.234567 (mã TTHC quốc gia).", "The procedure code looks like 1.234567."));
    }
    let name = required_text("name", &input.name, 300)?;
    if !["commune", "district", "province"].contains(&input.level.as_str()) {
        return Err(FieldError::new("level", "unknown_level", "Cấp thực hiện không hợp lệ.", "Unknown level: commune, district or province."));
    }
    if input.processing_days == 0 || input.processing_days > 365 {
        return Err(FieldError::new("processing_days", "out_of_range", "Thời hạn giải quyết từ 1 đến 365 ngày làm việc.", "Processing days must be 1 to 365."));
    }
    let mut documents = Vec::new();
    for (i, d) in input.documents.iter().enumerate() {
        documents.push(required_text(&format!("documents.{i}"), d, 300)?);
    }
    let level_label = if input.level_label.trim().is_empty() {
        match input.level.as_str() {
            "commune" => "Cấp xã",
            "district" => "Cấp huyện",
            _ => "Cấp tỉnh",
        }
        .to_string()
    } else {
        required_text("level_label", &input.level_label, 100)?
    };
    Ok(ProcedureInput {
        code,
        name,
        level: input.level.clone(),
        level_label,
        processing_days: input.processing_days,
        documents,
        legal_basis: normalize("legal_basis", &input.legal_basis, LEGAL_BASIS_MAX, true)?,
        // One line; empty means none.
        field: input.field.as_deref().map(|f| normalize("field", f, FIELD_MAX, false)).transpose()?,
    })
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccountInput {
    pub bank_bin: String,
    pub account_number: String,
    pub account_name: String,
}

/// A beneficiary account as VietQR needs it: a 6-digit bank BIN (NAPAS), 6–19 digits of
/// account number, the holder's name in capitals without diacritics (as banks print it).
pub fn parse_bank_account(input: &BankAccountInput) -> Result<BankAccountInput, FieldError> {
    let bin = input.bank_bin.trim();
    if bin.len() != 6 || !bin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new("bank_bin", "invalid_format", "Mã ngân hàng (BIN) gồm 6 chữ số.", "The bank BIN has 6 digits."));
    }
    let no = input.account_number.trim();
    if !(6..=19).contains(&no.len()) || !no.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new("account_number", "invalid_format", "Số tài khoản gồm 6 đến 19 chữ số.", "The account number has 6 to 19 digits."));
    }
    let name = required_text("account_name", &input.account_name, 100)?;
    let name = crate::text::fold(&name).to_uppercase();
    Ok(BankAccountInput { bank_bin: bin.to_string(), account_number: no.to_string(), account_name: name })
}

/// Adds a version to a schedule. It needs a legal basis, must take effect after the newest
/// version already there (history is never rewritten), and must evaluate with the schedule's
/// declared inputs at their defaults, which catches lines naming inputs the schedule lacks.
pub fn add_fee_version(schedule: &FeeSchedule, mut version: FeeVersion, today: Date) -> Result<FeeSchedule, FieldError> {
    version.legal_basis = normalize("legal_basis", &version.legal_basis, LEGAL_BASIS_MAX, true)?;
    version.note = match &version.note {
        Some(n) => Some(normalize("note", n, LEGAL_BASIS_MAX, true)?).filter(|n| !n.is_empty()),
        None => None,
    };
    for (i, line) in version.lines.iter_mut().enumerate() {
        line.name = required_text(&format!("lines.{i}.name"), &line.name, 300)?;
        line.beneficiary = normalize(&format!("lines.{i}.beneficiary"), &line.beneficiary, 300, false)?;
        line.legal_basis = normalize(&format!("lines.{i}.legal_basis"), &line.legal_basis, LEGAL_BASIS_MAX, true)?;
    }
    if version.legal_basis.is_empty() {
        return Err(FieldError::new("legal_basis", "required", "Cần ghi căn cứ pháp lý của mức thu.", "The legal basis is required."));
    }
    if let Some(last) = schedule.versions.iter().map(|v| v.effective_from).max() {
        if version.effective_from <= last {
            return Err(FieldError::new(
                "effective_from",
                "not_after_current",
                format!("Ngày hiệu lực phải sau ngày hiệu lực của mức thu hiện hành ({}).", crate::calendar::format_iso_date(last)),
                "The new version must take effect after the newest existing one.",
            ));
        }
    }
    if version.effective_from < today {
        return Err(FieldError::new("effective_from", "in_the_past", "Không được thêm mức thu có hiệu lực từ ngày đã qua.", "A new version cannot take effect in the past."));
    }
    if version.lines.is_empty() {
        return Err(FieldError::new("lines", "required", "Mức thu cần ít nhất một khoản.", "A version needs at least one line."));
    }
    let mut next = schedule.clone();
    next.versions.push(version.clone());
    next.versions.sort_by_key(|v| v.effective_from);
    // Sample inputs: each declared input at its default, or a plausible value by kind.
    let mut sample = serde_json::Map::new();
    for i in &schedule.inputs {
        let v = i.default.clone().unwrap_or_else(|| match i.kind {
            fee::InputKind::Count => serde_json::json!(i.min.unwrap_or(1).max(1)),
            fee::InputKind::Money => serde_json::json!(1_000_000),
            fee::InputKind::Flag => serde_json::json!(false),
            fee::InputKind::Date => serde_json::json!(crate::calendar::format_iso_date(version.effective_from)),
        });
        sample.insert(i.name.clone(), v);
    }
    fee::evaluate(&next, version.effective_from, &sample).map_err(|e| e.within("lines"))?;
    Ok(next)
}

/// Why a catalog change is refused for who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogRefusal {
    /// A national procedure or a national fee version: the national admin's alone (403).
    NationalOnly,
    /// A province outside the caller's scope, answered like an unknown one (404).
    ProvinceNotInScope,
}

impl CatalogRefusal {
    pub const CODE: &'static str = "forbidden_role";
    pub const MESSAGE_VI: &'static str = "Chỉ quản trị cấp quốc gia được thêm hoặc sửa thủ tục hành chính và mức thu áp dụng toàn quốc. \
         Quản trị cấp tỉnh chỉ thêm được mức thu do tỉnh quyết định, áp dụng trong tỉnh.";
    pub const MESSAGE_EN: &'static str = "Only the national admin may create or change a procedure or a national fee version; \
         a provincial admin may add fee versions for their own province only.";
}

/// Creating or changing a procedure: it applies in every province, so only the national admin.
pub fn may_save_procedure(role: StaffRole) -> Result<(), CatalogRefusal> {
    if role.edits_national_catalog() {
        Ok(())
    } else {
        Err(CatalogRefusal::NationalOnly)
    }
}

/// Where a new fee version applies: `None` nationally, `Some(code)` in that province only.
/// The national admin adds national versions, or one province's when `province` names it; a
/// provincial admin adds versions for a province in their scope (`provinces_in_scope`), their
/// own when they name none and have exactly one, and never a national one.
pub fn fee_version_target(role: StaffRole, province: Option<&str>, provinces_in_scope: &[String]) -> Result<Option<String>, CatalogRefusal> {
    let province = province.map(str::trim).filter(|p| !p.is_empty());
    if role.edits_national_catalog() {
        return Ok(province.map(str::to_string));
    }
    if !role.administers() {
        return Err(CatalogRefusal::NationalOnly);
    }
    match (province, provinces_in_scope) {
        (Some(p), scope) if scope.iter().any(|s| s == p) => Ok(Some(p.to_string())),
        (Some(_), _) => Err(CatalogRefusal::ProvinceNotInScope),
        (None, [own]) => Ok(Some(own.clone())),
        (None, _) => Err(CatalogRefusal::NationalOnly),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn agencies_are_checked() {
        let ok = AgencyInput { code: "000.00.51.H23".into(), name: "  UBND   xã Mới ".into(), level: "commune".into(), parent_code: Some("000.00.00.H23".into()) };
        let a = parse_agency(&ok).unwrap();
        assert_eq!(a.name, "UBND xã Mới");
        assert_eq!(parse_agency(&AgencyInput { code: "abc".into(), ..ok.clone() }).unwrap_err().field, "code");
        assert_eq!(parse_agency(&AgencyInput { level: "galaxy".into(), ..ok.clone() }).unwrap_err().code, "unknown_level");
        assert_eq!(parse_agency(&AgencyInput { name: " ".into(), ..ok.clone() }).unwrap_err().code, "required");
        assert_eq!(parse_agency(&AgencyInput { parent_code: Some("000.00.51.H23".into()), ..ok }).unwrap_err().code, "self_parent");
    }

    #[test]
    fn procedures_are_checked() {
        let ok = ProcedureInput {
            code: "2.000815".into(),
            name: "Chứng thực bản sao".into(),
            level: "commune".into(),
            level_label: String::new(),
            processing_days: 1,
            documents: vec!["Bản chính".into()],
            legal_basis: "NĐ 23/2015".into(),
            field: None,
        };
        assert_eq!(parse_procedure(&ok).unwrap().level_label, "Cấp xã");
        assert_eq!(parse_procedure(&ok).unwrap().field, None, "left out: the handler keeps the current one");
        // The lĩnh vực: trimmed, NFC ("ứ" typed as u + horn + acute), one line, bounded.
        let field = |f: &str| parse_procedure(&ProcedureInput { field: Some(f.into()), ..ok.clone() });
        assert_eq!(field("  Chu\u{031B}\u{0301}ng thực ").unwrap().field.as_deref(), Some("Chứng thực"));
        assert_eq!(field(" ").unwrap().field.as_deref(), Some(""), "emptied: no lĩnh vực");
        for (bad, code) in [("Hộ\ntịch", "line_break"), ("Hộ\u{7}tịch", "control_character"), ("Hộ tịch\u{202E}", "bidi_control")] {
            let e = field(bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.code.as_str()), ("field", code), "{bad:?}");
        }
        let e = field(&"Hộ tịch ".repeat(40)).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("field", "too_long"));
        assert!(e.message_vi.contains("Lĩnh vực"), "{}", e.message_vi);
        assert_eq!(parse_procedure(&ProcedureInput { code: "2000815".into(), ..ok.clone() }).unwrap_err().field, "code");
        assert_eq!(parse_procedure(&ProcedureInput { processing_days: 0, ..ok.clone() }).unwrap_err().field, "processing_days");
        assert_eq!(parse_procedure(&ProcedureInput { documents: vec![" ".into()], ..ok }).unwrap_err().field, "documents.0");
    }

    #[test]
    fn bank_accounts_are_checked() {
        let a = parse_bank_account(&BankAccountInput { bank_bin: "970415".into(), account_number: "1234567890".into(), account_name: "UBND xã Sơn Tây".into() }).unwrap();
        assert_eq!(a.account_name, "UBND XA SON TAY");
        assert_eq!(parse_bank_account(&BankAccountInput { bank_bin: "9704".into(), ..a.clone() }).unwrap_err().field, "bank_bin");
        assert_eq!(parse_bank_account(&BankAccountInput { account_number: "12a".into(), ..a.clone() }).unwrap_err().field, "account_number");
        assert_eq!(parse_bank_account(&BankAccountInput { account_name: "".into(), ..a }).unwrap_err().field, "account_name");
    }

    #[test]
    fn fee_versions_only_move_forward() {
        let schedule = fee::demo_schedules().into_iter().find(|s| s.procedure == "2.000815").expect("demo schedule 2.000815");
        let newest = schedule.versions.iter().map(|v| v.effective_from).max().unwrap();
        let mut v = schedule.versions.last().unwrap().clone();
        v.effective_from = date!(2030 - 01 - 01);
        v.legal_basis = "Thông tư mới".into();
        let next = add_fee_version(&schedule, v.clone(), date!(2026 - 01 - 01)).unwrap();
        assert_eq!(next.versions.len(), schedule.versions.len() + 1);
        let mut old = v.clone();
        old.effective_from = newest;
        assert_eq!(add_fee_version(&schedule, old, date!(2020 - 01 - 01)).unwrap_err().code, "not_after_current");
        let mut no_basis = v.clone();
        no_basis.legal_basis = " ".into();
        assert_eq!(add_fee_version(&schedule, no_basis, date!(2026 - 01 - 01)).unwrap_err().field, "legal_basis");
        assert_eq!(add_fee_version(&schedule, v.clone(), date!(2031 - 01 - 01)).unwrap_err().code, "in_the_past");
        let mut empty = v;
        empty.lines.clear();
        assert_eq!(add_fee_version(&schedule, empty, date!(2026 - 01 - 01)).unwrap_err().field, "lines");
    }

    #[test]
    fn only_the_national_admin_changes_procedures() {
        assert_eq!(may_save_procedure(StaffRole::National), Ok(()));
        for r in [StaffRole::Admin, StaffRole::Leader, StaffRole::Officer] {
            assert_eq!(may_save_procedure(r), Err(CatalogRefusal::NationalOnly), "{r:?}");
        }
        assert!(CatalogRefusal::MESSAGE_VI.contains("quốc gia"));
    }

    #[test]
    fn a_provincial_admin_adds_fee_versions_for_their_province_only() {
        let hd = vec!["000.00.00.H23".to_string()];
        assert_eq!(fee_version_target(StaffRole::Admin, None, &hd), Ok(Some("000.00.00.H23".into())));
        assert_eq!(fee_version_target(StaffRole::Admin, Some("000.00.00.H23"), &hd), Ok(Some("000.00.00.H23".into())));
        assert_eq!(fee_version_target(StaffRole::Admin, Some("000.00.00.H20"), &hd), Err(CatalogRefusal::ProvinceNotInScope));
        assert_eq!(fee_version_target(StaffRole::Admin, None, &[]), Err(CatalogRefusal::NationalOnly));
        assert_eq!(fee_version_target(StaffRole::Leader, None, &hd), Err(CatalogRefusal::NationalOnly));
        assert_eq!(fee_version_target(StaffRole::National, None, &hd), Ok(None), "national by default");
        assert_eq!(fee_version_target(StaffRole::National, Some("000.00.00.H20"), &[]), Ok(Some("000.00.00.H20".into())));
    }
}
