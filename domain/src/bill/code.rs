//! Bill codes, in the style of the dossier code (Thông tư 01/2018/TT-VPCP): the issuing agency's
//! identifier code, then a letter for the kind and the issue day, then the bill's number of the
//! day at that agency and kind: `000.00.08.H23-P261206-0001`. The letter keeps a bill code from
//! ever reading as a dossier code (a payer typing one where the other belongs is told so), and
//! each kind keeps its own daily numbering.

use std::fmt;

use serde::{Serialize, Serializer};
use time::Date;

use super::Kind;
use crate::codes::{AgencyCode, DossierCode};
use crate::validation::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BillCode {
    kind: Kind,
    /// The agency, day and sequence, checked exactly as a dossier code's.
    base: DossierCode,
}

/// The letter of a standalone kind in its codes (`None` for a dossier's notice, which goes by the
/// dossier's code). D: đất đai; P: phạt; B: bảo hiểm; K: khác.
pub fn letter(kind: Kind) -> Option<char> {
    match kind {
        Kind::LandObligation => Some('D'),
        Kind::Fine => Some('P'),
        Kind::Insurance => Some('B'),
        Kind::Other => Some('K'),
        Kind::ProcedureFee => None,
    }
}

fn kind_of(letter: char) -> Option<Kind> {
    Kind::STANDALONE.into_iter().find(|k| self::letter(*k) == Some(letter))
}

impl BillCode {
    pub fn new(kind: Kind, agency: AgencyCode, date: Date, sequence: u32) -> Result<BillCode, FieldError> {
        if letter(kind).is_none() {
            return Err(FieldError::new("kind", "invalid_choice", "Phí hồ sơ dùng mã hồ sơ.", "A dossier's fees go by the dossier's code."));
        }
        Ok(BillCode { kind, base: DossierCode::new(agency, date, sequence)? })
    }

    pub fn parse(field: &str, input: &str) -> Result<BillCode, FieldError> {
        let bad = || {
            FieldError::new(
                field,
                "invalid_format",
                "Mã khoản phải nộp có dạng 000.00.08.H23-P261206-0001 (in trên thông báo hoặc quyết định).",
                "A bill code looks like 000.00.08.H23-P261206-0001.",
            )
        };
        let s = input.trim().to_uppercase();
        if s.is_empty() {
            return Err(FieldError::required(field));
        }
        let mut parts = s.rsplitn(3, '-');
        let (seq, day, agency) = match (parts.next(), parts.next(), parts.next()) {
            (Some(seq), Some(day), Some(agency)) => (seq, day, agency),
            _ => return Err(bad()),
        };
        let mut chars = day.chars();
        let kind = chars.next().and_then(kind_of).ok_or_else(|| {
            if day.len() == 6 && DossierCode::parse(field, &s).is_ok() {
                FieldError::new(
                    field,
                    "dossier_code",
                    "Đây là mã hồ sơ; vui lòng tra cứu hồ sơ ở mục \"Hồ sơ của tôi\" hoặc nhập mã khoản phải nộp.",
                    "This is a dossier code; look the dossier up under \"My dossiers\" or enter a bill code.",
                )
            } else {
                bad()
            }
        })?;
        // AgencyCode's letter is upper case in every code we issue (H23); keep its own parse.
        let base = DossierCode::parse(field, &format!("{agency}-{}-{seq}", chars.as_str())).map_err(|_| bad())?;
        Ok(BillCode { kind, base })
    }

    pub fn kind(self) -> Kind {
        self.kind
    }

    pub fn agency(self) -> AgencyCode {
        self.base.agency()
    }
}

impl fmt::Display for BillCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = self.base.to_string();
        // An agency code has dots, never a dash: the first dash ends it.
        let (agency, rest) = base.split_once('-').expect("a dossier code has dashes");
        write!(f, "{agency}-{}{rest}", letter(self.kind).expect("standalone kind"))
    }
}

impl Serialize for BillCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
