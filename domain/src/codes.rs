//! National codes: administrative units (GSO), agency identifier codes (QCVN 102:2016/BTTTT)
//! and dossier codes (Thông tư 01/2018/TT-VPCP). Each is a newtype built only by `parse` or a
//! checked constructor, so a malformed code cannot reach storage or the national portal.
//!
//! **Administrative units** (Tổng cục Thống kê, QĐ 124/2004/QĐ-TTg): province 2 digits,
//! district 3, commune 5. The 63 province codes before 01/07/2025 are listed in [`PROVINCES`];
//! the 34 post-2025 provinces reuse codes of that list (e.g. Đồng Tháp 82), so the list is valid
//! for both.
//!
//! **Agency identifier codes** (mã định danh, QCVN 102:2016/BTTTT, Thông tư 10/2016/TT-BTTTT):
//! `V1V2V3.Z1Z2.Y1Y2.Xnn`, where `Xnn` is the level-1 unit (for a province's People's Committee
//! `H` + two digits: `000.00.00.H27` is UBND tỉnh Hà Tĩnh), `Y1Y2` a level-2 unit (a department
//! or a district's People's Committee), `Z1Z2` level 3 (a unit under it, e.g. a commune),
//! `V1V2V3` level 4. Sources: Quảng Ninh QĐ 3739/QĐ-UBND (03/11/2016, "V1V2V3.Z1Z2.Y1Y2.H49",
//! H49 = Quảng Ninh; vanban123.vn); Hà Tĩnh QĐ 2803/QĐ-UBND (28/09/2017, "000.00.00.H27";
//! ict.hatinh.gov.vn), and Văn phòng UBND tỉnh Hà Tĩnh `000.00.01.H27` (sonoivu.hatinh.gov.vn,
//! 2021). Procedure codes on provincial portals carry the same suffix: `.H01` An Giang, `.H55`
//! Thái Nguyên, `.H38` (a Lào Cai page) — see shared/data/NOTES.md.
//!
//! The `Hnn` numbers of the other provinces were not found as a list. They are **derived**: the
//! 63 provinces in alphabetical order of their names without diacritics and spaces
//! ("hagiang" < "haiduong" < "haiphong" < "hanam" < "hanoi" < "hatinh"). That rule reproduces
//! all five confirmed numbers (H01, H27, H38, H49, H55) and gives H23 Hải Dương, H20 Đồng Tháp,
//! H32 Khánh Hòa, H26 Hà Nội, H30 Hồ Chí Minh. Treat the derived ones as assumptions until
//! checked against the province's own decision. Since Quyết định 20/2020/QĐ-TTg provinces also
//! publish a newer form (`H27.01`); this module handles the QCVN 102 form that dossier codes use.
//!
//! **Dossier codes** (mã hồ sơ, Thông tư 01/2018/TT-VPCP): `<agency code>-<yyMMdd>-<sequence>`,
//! the sequence being the dossier's number of the day at that agency, at least 4 digits
//! (`000.00.08.H23-230410-0001`). The sequence comes from a Durable Object in `functions/`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

use crate::validation::FieldError;

/// One of the 63 provinces and centrally-run cities (before the 2025 mergers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Province {
    /// GSO code (also the CCCD birth-registration code, zero-padded to 3 digits).
    pub gso: u8,
    pub name: &'static str,
    /// The `nn` of the level-1 agency code `Hnn` (see the module comment: derived unless cited).
    pub qcvn: u8,
}

pub const PROVINCES: &[Province] = &[
    Province { gso: 1, name: "Hà Nội", qcvn: 26 },
    Province { gso: 2, name: "Hà Giang", qcvn: 22 },
    Province { gso: 4, name: "Cao Bằng", qcvn: 14 },
    Province { gso: 6, name: "Bắc Kạn", qcvn: 3 },
    Province { gso: 8, name: "Tuyên Quang", qcvn: 60 },
    Province { gso: 10, name: "Lào Cai", qcvn: 38 },
    Province { gso: 11, name: "Điện Biên", qcvn: 18 },
    Province { gso: 12, name: "Lai Châu", qcvn: 35 },
    Province { gso: 14, name: "Sơn La", qcvn: 52 },
    Province { gso: 15, name: "Yên Bái", qcvn: 63 },
    Province { gso: 17, name: "Hòa Bình", qcvn: 29 },
    Province { gso: 19, name: "Thái Nguyên", qcvn: 55 },
    Province { gso: 20, name: "Lạng Sơn", qcvn: 37 },
    Province { gso: 22, name: "Quảng Ninh", qcvn: 49 },
    Province { gso: 24, name: "Bắc Giang", qcvn: 2 },
    Province { gso: 25, name: "Phú Thọ", qcvn: 44 },
    Province { gso: 26, name: "Vĩnh Phúc", qcvn: 62 },
    Province { gso: 27, name: "Bắc Ninh", qcvn: 5 },
    Province { gso: 30, name: "Hải Dương", qcvn: 23 },
    Province { gso: 31, name: "Hải Phòng", qcvn: 24 },
    Province { gso: 33, name: "Hưng Yên", qcvn: 31 },
    Province { gso: 34, name: "Thái Bình", qcvn: 54 },
    Province { gso: 35, name: "Hà Nam", qcvn: 25 },
    Province { gso: 36, name: "Nam Định", qcvn: 40 },
    Province { gso: 37, name: "Ninh Bình", qcvn: 42 },
    Province { gso: 38, name: "Thanh Hóa", qcvn: 56 },
    Province { gso: 40, name: "Nghệ An", qcvn: 41 },
    Province { gso: 42, name: "Hà Tĩnh", qcvn: 27 },
    Province { gso: 44, name: "Quảng Bình", qcvn: 46 },
    Province { gso: 45, name: "Quảng Trị", qcvn: 50 },
    Province { gso: 46, name: "Thừa Thiên Huế", qcvn: 57 },
    Province { gso: 48, name: "Đà Nẵng", qcvn: 17 },
    Province { gso: 49, name: "Quảng Nam", qcvn: 47 },
    Province { gso: 51, name: "Quảng Ngãi", qcvn: 48 },
    Province { gso: 52, name: "Bình Định", qcvn: 8 },
    Province { gso: 54, name: "Phú Yên", qcvn: 45 },
    Province { gso: 56, name: "Khánh Hòa", qcvn: 32 },
    Province { gso: 58, name: "Ninh Thuận", qcvn: 43 },
    Province { gso: 60, name: "Bình Thuận", qcvn: 11 },
    Province { gso: 62, name: "Kon Tum", qcvn: 34 },
    Province { gso: 64, name: "Gia Lai", qcvn: 21 },
    Province { gso: 66, name: "Đắk Lắk", qcvn: 15 },
    Province { gso: 67, name: "Đắk Nông", qcvn: 16 },
    Province { gso: 68, name: "Lâm Đồng", qcvn: 36 },
    Province { gso: 70, name: "Bình Phước", qcvn: 10 },
    Province { gso: 72, name: "Tây Ninh", qcvn: 53 },
    Province { gso: 74, name: "Bình Dương", qcvn: 9 },
    Province { gso: 75, name: "Đồng Nai", qcvn: 19 },
    Province { gso: 77, name: "Bà Rịa - Vũng Tàu", qcvn: 6 },
    Province { gso: 79, name: "Hồ Chí Minh", qcvn: 30 },
    Province { gso: 80, name: "Long An", qcvn: 39 },
    Province { gso: 82, name: "Tiền Giang", qcvn: 58 },
    Province { gso: 83, name: "Bến Tre", qcvn: 7 },
    Province { gso: 84, name: "Trà Vinh", qcvn: 59 },
    Province { gso: 86, name: "Vĩnh Long", qcvn: 61 },
    Province { gso: 87, name: "Đồng Tháp", qcvn: 20 },
    Province { gso: 89, name: "An Giang", qcvn: 1 },
    Province { gso: 91, name: "Kiên Giang", qcvn: 33 },
    Province { gso: 92, name: "Cần Thơ", qcvn: 13 },
    Province { gso: 93, name: "Hậu Giang", qcvn: 28 },
    Province { gso: 94, name: "Sóc Trăng", qcvn: 51 },
    Province { gso: 95, name: "Bạc Liêu", qcvn: 4 },
    Province { gso: 96, name: "Cà Mau", qcvn: 12 },
];

/// Province numbers of `Hnn` confirmed by a cited source (the rest are derived).
pub const CONFIRMED_QCVN: &[(u8, u8)] = &[(89, 1), (42, 27), (10, 38), (22, 49), (19, 55)];

pub fn province(gso: u8) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.gso == gso)
}

fn invalid(field: &str, vi: &str, en: &str) -> FieldError {
    FieldError::new(field, "invalid_format", vi, en)
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// GSO province code, two digits (`30` Hải Dương, `42` Hà Tĩnh, `56` Khánh Hòa, `87` Đồng Tháp).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProvinceCode(u8);

impl ProvinceCode {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if !digits(s, 2) {
            return Err(invalid(field, "Mã tỉnh gồm 2 chữ số, ví dụ 42.", "A province code has 2 digits, e.g. 42."));
        }
        let n: u8 = s.parse().map_err(|_| invalid(field, "Mã tỉnh không hợp lệ.", "Invalid province code."))?;
        Self::from_gso(field, n)
    }

    pub fn from_gso(field: &str, n: u8) -> Result<Self, FieldError> {
        province(n).map(|_| ProvinceCode(n)).ok_or_else(|| {
            FieldError::new(field, "unknown_province", "Không có tỉnh, thành phố với mã này.", "No province has this code.")
        })
    }

    pub fn number(self) -> u8 {
        self.0
    }

    pub fn info(self) -> &'static Province {
        province(self.0).expect("constructed from the list")
    }

    /// `000.00.00.Hnn`, the province People's Committee.
    pub fn agency_code(self) -> AgencyCode {
        AgencyCode { letter: 'H', top: self.info().qcvn, y: 0, z: 0, v: 0 }
    }
}

impl fmt::Display for ProvinceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

/// GSO district code, three digits (`298` Huyện Tứ Kỳ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DistrictCode(u16);

impl DistrictCode {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if !digits(s, 3) || s == "000" {
            return Err(invalid(field, "Mã huyện gồm 3 chữ số, ví dụ 298.", "A district code has 3 digits, e.g. 298."));
        }
        Ok(DistrictCode(s.parse().expect("three digits")))
    }

    pub fn number(self) -> u16 {
        self.0
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

/// GSO commune code, five digits (`11083` Xã Đại Sơn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommuneCode(u32);

impl CommuneCode {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if !digits(s, 5) || s == "00000" {
            return Err(invalid(field, "Mã xã gồm 5 chữ số, ví dụ 11083.", "A commune code has 5 digits, e.g. 11083."));
        }
        Ok(CommuneCode(s.parse().expect("five digits")))
    }

    pub fn number(self) -> u32 {
        self.0
    }
}

impl fmt::Display for CommuneCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

/// Any administrative-unit code, its level told by its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminUnitCode {
    Province(ProvinceCode),
    District(DistrictCode),
    Commune(CommuneCode),
}

impl AdminUnitCode {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        match s.trim().len() {
            2 => ProvinceCode::parse(field, s).map(AdminUnitCode::Province),
            3 => DistrictCode::parse(field, s).map(AdminUnitCode::District),
            5 => CommuneCode::parse(field, s).map(AdminUnitCode::Commune),
            _ => Err(invalid(
                field,
                "Mã đơn vị hành chính gồm 2 (tỉnh), 3 (huyện) hoặc 5 (xã) chữ số.",
                "An administrative-unit code has 2 (province), 3 (district) or 5 (commune) digits.",
            )),
        }
    }
}

impl fmt::Display for AdminUnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdminUnitCode::Province(c) => c.fmt(f),
            AdminUnitCode::District(c) => c.fmt(f),
            AdminUnitCode::Commune(c) => c.fmt(f),
        }
    }
}

/// Agency identifier code `V1V2V3.Z1Z2.Y1Y2.Xnn` (QCVN 102:2016/BTTTT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgencyCode {
    letter: char,
    top: u8,
    y: u8,
    z: u8,
    v: u16,
}

impl AgencyCode {
    /// From its parts, checking the level structure (a level-3 part needs a level-2 part...).
    pub fn new(field: &str, letter: char, top: u8, y: u8, z: u8, v: u16) -> Result<Self, FieldError> {
        let structure = || {
            invalid(
                field,
                "Mã định danh không đúng cấu trúc V1V2V3.Z1Z2.Y1Y2.Hnn (QCVN 102:2016/BTTTT).",
                "The agency code does not follow V1V2V3.Z1Z2.Y1Y2.Hnn (QCVN 102:2016/BTTTT).",
            )
        };
        if !letter.is_ascii_uppercase() || top == 0 || top > 99 || y > 99 || z > 99 || v > 999 {
            return Err(structure());
        }
        if (z > 0 && y == 0) || (v > 0 && z == 0) {
            return Err(structure());
        }
        Ok(AgencyCode { letter, top, y, z, v })
    }

    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let bad = || {
            invalid(
                field,
                "Mã định danh cơ quan có dạng 000.00.00.H27 (QCVN 102:2016/BTTTT).",
                "An agency code looks like 000.00.00.H27 (QCVN 102:2016/BTTTT).",
            )
        };
        let parts: Vec<&str> = s.trim().split('.').collect();
        let [v, z, y, top] = parts.as_slice() else { return Err(bad()) };
        if !digits(v, 3) || !digits(z, 2) || !digits(y, 2) || top.len() != 3 {
            return Err(bad());
        }
        let mut chars = top.chars();
        let letter = chars.next().ok_or_else(bad)?;
        let num = chars.as_str();
        if !digits(num, 2) {
            return Err(bad());
        }
        Self::new(
            field,
            letter,
            num.parse().map_err(|_| bad())?,
            y.parse().map_err(|_| bad())?,
            z.parse().map_err(|_| bad())?,
            v.parse().map_err(|_| bad())?,
        )
    }

    /// 1 (the province/ministry itself) to 4.
    pub fn level(self) -> u8 {
        match (self.y, self.z, self.v) {
            (0, _, _) => 1,
            (_, 0, _) => 2,
            (_, _, 0) => 3,
            _ => 4,
        }
    }

    /// The unit one level up, `None` at level 1.
    pub fn parent(self) -> Option<AgencyCode> {
        let mut p = self;
        match self.level() {
            1 => return None,
            2 => p.y = 0,
            3 => p.z = 0,
            _ => p.v = 0,
        }
        Some(p)
    }

    /// The level-1 part, e.g. `H27`.
    pub fn root(self) -> String {
        format!("{}{:02}", self.letter, self.top)
    }

    /// The province of an `H` code, from [`PROVINCES`].
    pub fn province(self) -> Option<&'static Province> {
        (self.letter == 'H').then(|| PROVINCES.iter().find(|p| p.qcvn == self.top)).flatten()
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}.{:02}.{:02}.{}{:02}", self.v, self.z, self.y, self.letter, self.top)
    }
}

/// First level-2 number of the demo convention: 01–50 are left to provincial departments.
pub const DISTRICT_Y_OFFSET: u8 = 50;

/// The agency code the demo data gives a province's, district's or commune's People's
/// Committee. Real level-2/3 numbers are assigned by each province's own decision (e.g. Hà Tĩnh
/// QĐ 2803/QĐ-UBND) and are not derivable, so this is a **documented convention**, not the
/// official numbering:
/// - province: `000.00.00.Hnn` (Hnn from [`PROVINCES`]);
/// - district: `000.00.Y.Hnn` with `Y = 50 + ordinal`, the ordinal being the district's 1-based
///   position among its province's districts in ascending GSO code order (1..=49);
/// - commune: `000.Z.Y.Hnn` with `Z` its 1-based position among its district's communes in
///   ascending GSO code order (1..=99) and `Y` its district's.
///
/// The seed counts ordinals over the units it holds (`shared/data/units_2023.csv`, a fixed
/// snapshot), so the codes are stable. E.g. Hà Tĩnh → `000.00.00.H27`; Tứ Kỳ (GSO 298, the only
/// Hải Dương district in the seed) → `000.00.51.H23`; Xã Đại Sơn (11083, its 2nd commune by
/// code) → `000.02.51.H23`.
pub fn agency_code_for_unit(
    province: ProvinceCode,
    district_ordinal: Option<u8>,
    commune_ordinal: Option<u8>,
) -> Result<AgencyCode, FieldError> {
    let top = province.info().qcvn;
    let range = |field: &str, max: u8| {
        FieldError::new(
            field,
            "out_of_range",
            format!("Số thứ tự phải từ 1 đến {max}."),
            format!("The ordinal must be between 1 and {max}."),
        )
    };
    match (district_ordinal, commune_ordinal) {
        (None, None) => Ok(province.agency_code()),
        (Some(d), c) => {
            if d == 0 || d > 49 {
                return Err(range("district_ordinal", 49));
            }
            let z = match c {
                Some(c) if c == 0 || c > 99 => return Err(range("commune_ordinal", 99)),
                Some(c) => c,
                None => 0,
            };
            AgencyCode::new("agency", 'H', top, DISTRICT_Y_OFFSET + d, z, 0)
        }
        (None, Some(_)) => Err(FieldError::new(
            "district_ordinal",
            "required",
            "Cần số thứ tự của huyện chứa xã này.",
            "The commune's district ordinal is required.",
        )),
    }
}

/// Dossier code `<agency>-<yyMMdd>-<sequence>` (Thông tư 01/2018/TT-VPCP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DossierCode {
    agency: AgencyCode,
    date: Date,
    sequence: u32,
}

impl DossierCode {
    pub const MAX_SEQUENCE: u32 = 999_999;

    /// `sequence` is the dossier's 1-based number of the day at `agency` (from the sequence
    /// Durable Object); `date` is the reception day (2000–2099).
    pub fn new(agency: AgencyCode, date: Date, sequence: u32) -> Result<Self, FieldError> {
        if sequence == 0 || sequence > Self::MAX_SEQUENCE {
            return Err(FieldError::new(
                "sequence",
                "out_of_range",
                "Số thứ tự hồ sơ trong ngày phải từ 1 đến 999999.",
                "The daily sequence must be between 1 and 999999.",
            ));
        }
        if !(2000..=2099).contains(&date.year()) {
            return Err(FieldError::new("date", "out_of_range", "Năm phải từ 2000 đến 2099.", "The year must be 2000–2099."));
        }
        Ok(DossierCode { agency, date, sequence })
    }

    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let bad = || {
            invalid(
                field,
                "Mã hồ sơ có dạng 000.00.08.H23-230410-0001.",
                "A dossier code looks like 000.00.08.H23-230410-0001.",
            )
        };
        let mut parts = s.trim().rsplitn(3, '-');
        let (seq, day, agency) = match (parts.next(), parts.next(), parts.next()) {
            (Some(seq), Some(day), Some(agency)) => (seq, day, agency),
            _ => return Err(bad()),
        };
        let agency = AgencyCode::parse(field, agency)?;
        if !digits(day, 6) {
            return Err(bad());
        }
        let n = |r: std::ops::Range<usize>| day[r].parse::<u8>().map_err(|_| bad());
        let month = Month::try_from(n(2..4)?).map_err(|_| bad())?;
        let date = Date::from_calendar_date(2000 + i32::from(n(0..2)?), month, n(4..6)?).map_err(|_| bad())?;
        if seq.len() < 4 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let sequence: u32 = seq.parse().map_err(|_| bad())?;
        // Only the canonical padding, so that one dossier has one code.
        if seq.len() > 4 && seq.starts_with('0') {
            return Err(bad());
        }
        Self::new(agency, date, sequence).map_err(|_| bad())
    }

    pub fn agency(self) -> AgencyCode {
        self.agency
    }

    pub fn date(self) -> Date {
        self.date
    }

    pub fn sequence(self) -> u32 {
        self.sequence
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:02}{:02}{:02}-{:04}",
            self.agency,
            self.date.year() % 100,
            u8::from(self.date.month()),
            self.date.day(),
            self.sequence
        )
    }
}

macro_rules! string_serde {
    ($t:ty, $field:literal) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$t>::parse($field, &s).map_err(serde::de::Error::custom)
            }
        }
        impl FromStr for $t {
            type Err = FieldError;
            fn from_str(s: &str) -> Result<Self, FieldError> {
                <$t>::parse($field, s)
            }
        }
    };
}

string_serde!(AgencyCode, "agency");
string_serde!(DossierCode, "code");
string_serde!(ProvinceCode, "province");
string_serde!(DistrictCode, "district");
string_serde!(CommuneCode, "commune");
string_serde!(AdminUnitCode, "unit");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn p(n: u8) -> ProvinceCode {
        ProvinceCode::from_gso("province", n).unwrap()
    }

    #[test]
    fn province_list_is_complete_and_h_numbers_follow_the_rule() {
        assert_eq!(PROVINCES.len(), 63);
        let mut nums: Vec<u8> = PROVINCES.iter().map(|p| p.qcvn).collect();
        nums.sort();
        assert_eq!(nums, (1..=63).collect::<Vec<u8>>());
        for (gso, h) in CONFIRMED_QCVN {
            assert_eq!(province(*gso).unwrap().qcvn, *h, "{gso}");
        }
        // The derivation rule: alphabetical by folded name without spaces.
        let key = |p: &Province| crate::text::fold(p.name).replace([' ', '-'], "");
        let mut sorted: Vec<&Province> = PROVINCES.iter().collect();
        sorted.sort_by_key(|p| key(p));
        for (i, p) in sorted.iter().enumerate() {
            assert_eq!(usize::from(p.qcvn), i + 1, "{}", p.name);
        }
    }

    #[test]
    fn the_four_demo_provinces() {
        assert_eq!(p(42).agency_code().to_string(), "000.00.00.H27");
        assert_eq!(p(30).agency_code().to_string(), "000.00.00.H23");
        assert_eq!(p(87).agency_code().to_string(), "000.00.00.H20");
        assert_eq!(p(56).agency_code().to_string(), "000.00.00.H32");
        assert_eq!(p(56).info().name, "Khánh Hòa");
        assert_eq!(AgencyCode::parse("a", "000.00.08.H23").unwrap().province().unwrap().gso, 30);
    }

    #[test]
    fn agency_codes_parse_with_levels_and_parents() {
        let c = AgencyCode::parse("agency", "000.20.39.H42").unwrap();
        assert_eq!(c.level(), 3);
        assert_eq!(c.parent().unwrap().to_string(), "000.00.39.H42");
        assert_eq!(c.parent().unwrap().parent().unwrap().to_string(), "000.00.00.H42");
        assert_eq!(c.parent().unwrap().parent().unwrap().parent(), None);
        assert_eq!(c.root(), "H42");
        assert_eq!(AgencyCode::parse("a", "001.02.03.G12").unwrap().level(), 4);
        for bad in ["", "000.00.00", "00.00.00.H27", "000.00.00.H7", "000.00.00.27H", "000.05.00.H27", "001.00.05.H27", "000.00.00.H00", "000.00.00.h27"] {
            let e = AgencyCode::parse("agency", bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.code.as_str()), ("agency", "invalid_format"), "{bad}");
        }
    }

    #[test]
    fn demo_convention_for_units() {
        assert_eq!(agency_code_for_unit(p(42), None, None).unwrap().to_string(), "000.00.00.H27");
        assert_eq!(agency_code_for_unit(p(30), Some(12), None).unwrap().to_string(), "000.00.62.H23");
        assert_eq!(agency_code_for_unit(p(30), Some(12), Some(2)).unwrap().to_string(), "000.02.62.H23");
        assert_eq!(agency_code_for_unit(p(30), None, Some(2)).unwrap_err().field, "district_ordinal");
        assert_eq!(agency_code_for_unit(p(30), Some(50), None).unwrap_err().code, "out_of_range");
        assert_eq!(agency_code_for_unit(p(30), Some(1), Some(0)).unwrap_err().field, "commune_ordinal");
    }

    #[test]
    fn admin_unit_codes() {
        assert_eq!(AdminUnitCode::parse("unit", "42").unwrap(), AdminUnitCode::Province(p(42)));
        assert!(matches!(AdminUnitCode::parse("unit", "298").unwrap(), AdminUnitCode::District(_)));
        assert_eq!(AdminUnitCode::parse("unit", "11083").unwrap().to_string(), "11083");
        assert_eq!(AdminUnitCode::parse("unit", "03").unwrap_err().code, "unknown_province");
        assert_eq!(AdminUnitCode::parse("unit", "1234").unwrap_err().code, "invalid_format");
        assert_eq!(ProvinceCode::parse("province", "4a").unwrap_err().field, "province");
        assert_eq!(serde_json::to_string(&p(30)).unwrap(), "\"30\"");
    }

    #[test]
    fn dossier_code_formats_and_parses_the_national_example() {
        let agency = AgencyCode::parse("agency", "000.00.08.H23").unwrap();
        let code = DossierCode::new(agency, date!(2023 - 04 - 10), 1).unwrap();
        assert_eq!(code.to_string(), "000.00.08.H23-230410-0001");
        let parsed = DossierCode::parse("code", "000.00.08.H23-230410-0001").unwrap();
        assert_eq!(parsed, code);
        assert_eq!(DossierCode::new(agency, date!(2023 - 04 - 10), 12345).unwrap().to_string(), "000.00.08.H23-230410-12345");
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"000.00.08.H23-230410-0001\"");
        for bad in ["000.00.08.H23-230410-001", "000.00.08.H23-230231-0001", "000.00.08.H23-231310-0001", "000.00.08.H23-230410-0000", "000.00.08.H23-230410-00012", "000.00.08.H23-230410", "000.00.08.H23-23041O-0001"] {
            assert!(DossierCode::parse("code", bad).is_err(), "{bad}");
        }
        assert_eq!(DossierCode::new(agency, date!(2023 - 04 - 10), 0).unwrap_err().field, "sequence");
    }

    proptest! {
        #[test]
        fn agency_codes_round_trip(letter in proptest::sample::select(vec!['G', 'H', 'A']), top in 1u8..=99, y in 0u8..=99, z in 0u8..=99, v in 0u16..=999) {
            let z = if y == 0 { 0 } else { z };
            let v = if z == 0 { 0 } else { v };
            let c = AgencyCode::new("a", letter, top, y, z, v).unwrap();
            prop_assert_eq!(AgencyCode::parse("a", &c.to_string()).unwrap(), c);
        }

        #[test]
        fn dossier_codes_round_trip(top in 1u8..=63, y in 0u8..=99, days in 0i64..36_000, seq in 1u32..=DossierCode::MAX_SEQUENCE) {
            let agency = AgencyCode::new("a", 'H', top, y, 0, 0).unwrap();
            let date = date!(2000 - 01 - 01) + time::Duration::days(days);
            prop_assume!(date.year() <= 2099);
            let code = DossierCode::new(agency, date, seq).unwrap();
            let s = code.to_string();
            prop_assert_eq!(DossierCode::parse("code", &s).unwrap(), code);
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<DossierCode>(&json).unwrap(), code);
        }
    }
}
