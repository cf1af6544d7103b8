//! Which D1 database (shard) holds a record, decided without I/O (issue #20). One D1 caps at
//! 10 GB and runs its writes one at a time, so every province gets its own database and the
//! national one keeps only the agency tree, catalog, staff and routing.
//!
//! **A shard is a province of today** (the 34 after 01/07/2025, Nghị quyết 202/2025/QH15), named
//! by its GSO code from Công văn 915/CTK-CSCL (`shared/data/provinces_2025.csv`): `42` Hà Tĩnh,
//! `31` Hải Phòng. Agency codes still carry the *pre-2025* level-1 number `Hnn` (QCVN 102:2016,
//! see [`crate::codes`]), so an agency is routed `Hnn` → the old province → the province it
//! merged into: `000.02.51.H23` (Hải Dương) lives in Hải Phòng's shard `31`, `000.00.00.H20`
//! (old Đồng Tháp, 87) in the new Đồng Tháp `82`. Routing by the old `Hnn` alone would give 63
//! databases, half of them for provinces that no longer exist and whose staff now work together.
//!
//! **Binding names**: `DB_P` + the two digits, e.g. `DB_P42` (Hà Tĩnh), `DB_P31` (Hải Phòng);
//! the national database keeps `DB`. Not `DB_H27`: the `Hnn` of a merged province is ambiguous
//! (Bắc Ninh 2025 took Bắc Giang's GSO code 24 but Bắc Ninh's name; its members were H02 and
//! H05), while the 2025 GSO code is the one official key of each of the 34 and the same digits
//! appear in payment references ([`sharded_reference`]).
//!
//! **A province too big for one database** (docs/SCALE.md §5: TP.HCM) gets further parts:
//! `79-2` (binding `DB_P79_2`), `79-3`… A [`ShardMap`] — one routing row per agency moved, kept
//! in the national D1 and read into memory like the catalog — sends an agency and its subtree
//! to such a part; every other agency stays on its province's first part. The reference
//! encodes the part in its marker letter, so callbacks still need no lookup.
//!
//! **Payment references** carry their shard so that a provider's callback opens one database,
//! with no national routing row: a national table written on every payment would put the
//! country's payments back through one D1 writer, which is what sharding removes. The format
//! keeps [`Reference::from_random`]'s shape, `MC` + 13 Crockford base32 characters (15 in all):
//! `MC`, a marker letter, `dd` the province's code, then 10 random characters (50 bits). The
//! marker is the part: `S` the first, `T` the second, then `V W X Y Z` (`MCS42…` is Hà Tĩnh,
//! `MCT79…` TP.HCM's second database). Why it is safe to tell old from new: `from_random` draws
//! its first character from the top 4 bits of a `u64`, so it is always `0`–`F`; `S`–`Z` (values
//! 25–31) never appear there, and a reference made before sharding routes to a configured
//! default shard. Its payment may have moved to another province's shard with its agency, so
//! the migration leaves in the default shard one row (reference → shard) per pre-sharding
//! attempt that can still be called back or refunded: one extra read, for old references only,
//! and the table empties as they age. Why it fits every
//! provider: upper-case letters and digits, 15 characters, as today — VNPay `vnp_TxnRef`
//! (alphanumeric, ≤ 100), MoMo `orderId` (`^[0-9a-zA-Z]…`), ZaloPay `app_trans_id` (`yyMMdd_` +
//! 15 = 22 ≤ 40), paygov `MaThamChieu`, the VietQR purpose (≤ 25) and
//! [`crate::gateway::vietqr::candidate_references`], which finds `MC` + 13 Crockford characters
//! in a bank's transfer content (the markers and digits are in its alphabet). 50 random bits per shard and day are plenty against VNPay's "unique within a day";
//! the shell still inserts with a unique key and draws again on a clash. The reference is read
//! *before* the signature is checked (to know where to look), so a forged one only reaches a
//! shard where no payment has it; the signature and amount checks are unchanged.

use std::fmt;

mod home;
mod ids;

pub use home::{audit_home, home_of, misplaced, tables_named, CrossReference, Home, Table, AUDIT_HOMES, CROSS_HOME_REFERENCES, DOSSIER_AUDIT_ACTIONS, TABLES};
pub use ids::{shard_of_check_code, shard_of_id, sharded_check_code, sharded_id};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codes::{AgencyCode, DossierCode};
use crate::gateway::Reference;
use crate::validation::FieldError;

/// The 34 provinces after 01/07/2025: GSO code (Công văn 915/CTK-CSCL) and name.
pub const PROVINCES_2025: &[(u8, &str)] = &[
    (1, "Thành phố Hà Nội"),
    (4, "Cao Bằng"),
    (8, "Tuyên Quang"),
    (11, "Điện Biên"),
    (12, "Lai Châu"),
    (14, "Sơn La"),
    (15, "Lào Cai"),
    (19, "Thái Nguyên"),
    (20, "Lạng Sơn"),
    (22, "Quảng Ninh"),
    (24, "Bắc Ninh"),
    (25, "Phú Thọ"),
    (31, "Thành phố Hải Phòng"),
    (33, "Hưng Yên"),
    (37, "Ninh Bình"),
    (38, "Thanh Hóa"),
    (40, "Nghệ An"),
    (42, "Hà Tĩnh"),
    (44, "Quảng Trị"),
    (46, "Thành phố Huế"),
    (48, "Thành phố Đà Nẵng"),
    (51, "Quảng Ngãi"),
    (52, "Gia Lai"),
    (56, "Khánh Hòa"),
    (66, "Đắk Lắk"),
    (68, "Lâm Đồng"),
    (75, "Đồng Nai"),
    (79, "Thành phố Hồ Chí Minh"),
    (80, "Tây Ninh"),
    (82, "Đồng Tháp"),
    (86, "Vĩnh Long"),
    (91, "An Giang"),
    (92, "Thành phố Cần Thơ"),
    (96, "Cà Mau"),
];

/// Old GSO province (the 63 of [`crate::codes::PROVINCES`]) → the 2025 province it is part of
/// (Nghị quyết 202/2025/QH15, 12/06/2025). The demo's four are confirmed by
/// `shared/data/mapping_2025_selected.csv` (30 → 31, 42 → 42, 56 → 56, 87 → 82).
pub const MERGED_2025: &[(u8, u8)] = &[
    (1, 1), (4, 4), (11, 11), (12, 12), (14, 14), (20, 20), (22, 22), (38, 38), (40, 40), (42, 42), (46, 46),
    (2, 8), (8, 8),
    (10, 15), (15, 15),
    (6, 19), (19, 19),
    (24, 24), (27, 24),
    (17, 25), (25, 25), (26, 25),
    (30, 31), (31, 31),
    (33, 33), (34, 33),
    (35, 37), (36, 37), (37, 37),
    (44, 44), (45, 44),
    (48, 48), (49, 48),
    (51, 51), (62, 51),
    (52, 52), (64, 52),
    (56, 56), (58, 56),
    (54, 66), (66, 66),
    (60, 68), (67, 68), (68, 68),
    (70, 75), (75, 75),
    (74, 79), (77, 79), (79, 79),
    (72, 80), (80, 80),
    (82, 82), (87, 82),
    (83, 86), (84, 86), (86, 86),
    (89, 91), (91, 91),
    (93, 92), (94, 92), (92, 92),
    (95, 96), (96, 96),
];

/// Marker letters of a reference, by part: index 0 is a province's first database.
const PART_MARKERS: &[u8; 7] = b"STVWXYZ";

/// A province's database: its 2025 GSO code and which of its databases (0 the first, the only
/// one unless a [`ShardMap`] adds more). Built only from the list, so it always names one of
/// the 34.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShardId {
    province: u8,
    part: u8,
}

impl ShardId {
    /// How many databases one province may have (the marker letters `S`–`Z`).
    pub const MAX_PARTS: u8 = PART_MARKERS.len() as u8;

    /// `"42"` → Hà Tĩnh's shard; `"79-2"` → TP.HCM's second.
    pub fn parse(field: &str, s: &str) -> Result<ShardId, FieldError> {
        let bad = || {
            FieldError::new(
                field,
                "invalid_format",
                "Mã tỉnh gồm 2 chữ số, ví dụ 42 (hoặc 79-2 cho cơ sở dữ liệu thứ hai).",
                "A province code has 2 digits, e.g. 42 (or 79-2 for its second database).",
            )
        };
        let s = s.trim();
        let (code, ordinal) = match s.split_once('-') {
            Some((c, n)) if n.len() == 1 && (b'2'..=b'0' + Self::MAX_PARTS).contains(&n.as_bytes()[0]) => (c, n.as_bytes()[0] - b'0'),
            Some(_) => return Err(bad()),
            None => (s, 1),
        };
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Self::from_code(field, code.parse().expect("two digits")).map(|p| ShardId { part: ordinal - 1, ..p })
    }

    /// A province's first database.
    pub fn from_code(field: &str, code: u8) -> Result<ShardId, FieldError> {
        PROVINCES_2025.iter().any(|(c, _)| *c == code).then_some(ShardId { province: code, part: 0 }).ok_or_else(|| {
            FieldError::new(
                field,
                "unknown_province",
                "Không có tỉnh, thành phố (sau 01/07/2025) với mã này.",
                "No province (after 01/07/2025) has this code.",
            )
        })
    }

    /// The province's further database `part` (1 = the second), at most [`Self::MAX_PARTS`] in all.
    pub fn part(self, part: u8) -> Option<ShardId> {
        (part < Self::MAX_PARTS).then_some(ShardId { part, ..self })
    }

    /// Every province's first database, in code order.
    pub fn all() -> impl Iterator<Item = ShardId> {
        PROVINCES_2025.iter().map(|(c, _)| ShardId { province: *c, part: 0 })
    }

    /// The province's 2025 GSO code.
    pub fn code(self) -> u8 {
        self.province
    }

    /// 0 for a province's first database.
    pub fn part_index(self) -> u8 {
        self.part
    }

    pub fn name(self) -> &'static str {
        PROVINCES_2025.iter().find(|(c, _)| *c == self.province).map(|(_, n)| *n).expect("built from the list")
    }

    /// The part's marker letter in identifiers that name their shard: `S` for a province's
    /// first database, then `T V W X Y Z` (upper case; record ids use it in lower case).
    pub fn marker(self) -> u8 {
        PART_MARKERS[usize::from(self.part)]
    }

    /// The shard an identifier's marker (upper case) and two digits name, if any.
    pub(crate) fn from_marker(marker: u8, digits: &[u8]) -> Option<ShardId> {
        let part = PART_MARKERS.iter().position(|m| *m == marker)?;
        if digits.len() != 2 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let code = (digits[0] - b'0') * 10 + (digits[1] - b'0');
        ShardId::from_code("shard", code).ok()?.part(part as u8)
    }

    /// The Worker's D1 binding: `DB_P42`, and `DB_P79_2` for a second database.
    pub fn binding(self) -> String {
        match self.part {
            0 => format!("DB_P{:02}", self.province),
            p => format!("DB_P{:02}_{}", self.province, p + 1),
        }
    }
}

impl fmt::Display for ShardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.part {
            0 => write!(f, "{:02}", self.province),
            p => write!(f, "{:02}-{}", self.province, p + 1),
        }
    }
}

impl Serialize for ShardId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ShardId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ShardId::parse("shard", &s).map_err(serde::de::Error::custom)
    }
}

/// The shard of an old (pre-2025) GSO province code.
pub fn shard_of_old_province(gso: u8) -> Option<ShardId> {
    MERGED_2025.iter().find(|(old, _)| *old == gso).map(|(_, new)| ShardId { province: *new, part: 0 })
}

/// The shard holding everything of the agency with this code (its dossiers, payments, bills,
/// uploads and counters): the first database of the province of its level-1 part `Hnn`, as of
/// 2025 ([`ShardMap::shard_of_agency`] when a province has more than one). Codes of ministries
/// (`G..`) or with an unknown `Hnn` have no province and are refused, naming `agency`.
pub fn shard_of_agency(code: &str) -> Result<ShardId, FieldError> {
    let agency = AgencyCode::parse("agency", code)?;
    shard_of(agency)
}

/// [`shard_of_agency`] for a code already parsed.
pub fn shard_of(agency: AgencyCode) -> Result<ShardId, FieldError> {
    agency.province().and_then(|p| shard_of_old_province(p.gso)).ok_or_else(|| {
        FieldError::new(
            "agency",
            "no_province",
            "Mã định danh không thuộc một tỉnh, thành phố (phải kết thúc bằng Hnn của tỉnh).",
            "The agency code does not belong to a province (it must end in the province's Hnn).",
        )
    })
}

/// A dossier lives with its agency: the code alone finds the shard (a citizen's lookup).
pub fn shard_of_dossier(code: &DossierCode) -> Result<ShardId, FieldError> {
    shard_of(code.agency())
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LEN: usize = 15;

/// A payment reference that names its shard: `MC` + the part's marker (`S` for a province's
/// first database) + the province's two digits + 10 Crockford base32 characters from the low 50
/// bits of `random` (randomness is an argument).
pub fn sharded_reference(shard: ShardId, random: u64) -> Reference {
    let mut s = format!("MC{}{:02}", PART_MARKERS[usize::from(shard.part)] as char, shard.province);
    for i in (0..10).rev() {
        s.push(CROCKFORD[((random >> (i * 5)) & 31) as usize] as char);
    }
    Reference::parse("reference", &s).expect("15 upper-case letters and digits")
}

/// The shard a reference names: `Some` for an `MCS…` (`MCT…`, …) reference, `None` for one
/// made before sharding. A reference with a marker that is not exactly the format is refused
/// (no reference of either kind looks like it: it was mangled or made up).
pub fn encoded_shard(reference: &Reference) -> Result<Option<ShardId>, FieldError> {
    let s = reference.as_str().as_bytes();
    let Some(part) = s.strip_prefix(b"MC").and_then(|r| r.first()).and_then(|m| PART_MARKERS.iter().position(|p| p == m)) else {
        return Ok(None);
    };
    let bad = || {
        FieldError::new(
            "reference",
            "invalid_format",
            "Mã thanh toán không đúng dạng MCS + mã tỉnh + 10 ký tự.",
            "The payment reference is not MCS + province code + 10 characters.",
        )
    };
    if s.len() != LEN || !s[5..].iter().all(|b| CROCKFORD.contains(b)) {
        return Err(bad());
    }
    let province = ShardId::parse("reference", &reference.as_str()[3..5]).map_err(|_| bad())?;
    Ok(province.part(part as u8))
}

/// Where a provider's callback for `reference` is looked up: the shard it names, or `legacy`
/// (the configured default shard) for a reference made before sharding.
pub fn shard_of_reference(reference: &Reference, legacy: ShardId) -> Result<ShardId, FieldError> {
    Ok(encoded_shard(reference)?.unwrap_or(legacy))
}

/// The routing configuration of a deployment: the default shard of references made before
/// sharding, and the agencies moved to a further database of their province (the routing rows
/// of docs/SCALE.md §5). Pure: the Worker builds it from the national D1 and keeps it in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardMap {
    legacy: ShardId,
    moved: std::collections::BTreeMap<AgencyCode, ShardId>,
}

impl ShardMap {
    /// `moved`: (agency code, shard) pairs; an agency's subtree goes with it. A shard of another
    /// province than the agency's, or an agency named twice, is refused.
    pub fn new(legacy: ShardId, moved: &[(&str, ShardId)]) -> Result<ShardMap, FieldError> {
        let mut map = std::collections::BTreeMap::new();
        for (code, shard) in moved {
            let agency = AgencyCode::parse("agency", code)?;
            if shard_of(agency)?.province != shard.province {
                return Err(FieldError::new(
                    "shard",
                    "wrong_province",
                    "Chỉ chuyển được cơ quan sang một cơ sở dữ liệu của chính tỉnh mình.",
                    "An agency can only move to a database of its own province.",
                ));
            }
            if map.insert(agency, *shard).is_some() {
                return Err(FieldError::new("agency", "duplicate", "Cơ quan này đã có trong bảng định tuyến.", "This agency is already routed."));
            }
        }
        Ok(ShardMap { legacy, moved: map })
    }

    /// The agency's shard: the nearest of itself and its ancestors that was moved, else its
    /// province's first database.
    pub fn shard_of_agency(&self, code: &str) -> Result<ShardId, FieldError> {
        let agency = AgencyCode::parse("agency", code)?;
        let province = shard_of(agency)?;
        let mut unit = Some(agency);
        while let Some(a) = unit {
            if let Some(s) = self.moved.get(&a) {
                return Ok(*s);
            }
            unit = a.parent();
        }
        Ok(province)
    }

    /// [`shard_of_reference`] with this deployment's default, refusing a shard it does not have.
    pub fn shard_of_reference(&self, reference: &Reference) -> Result<ShardId, FieldError> {
        let shard = shard_of_reference(reference, self.legacy)?;
        if shard.part > 0 && !self.moved.values().any(|s| *s == shard) {
            return Err(FieldError::new("reference", "unknown_shard", "Mã thanh toán chỉ tới một cơ sở dữ liệu không có.", "The payment reference names a database that does not exist."));
        }
        Ok(shard)
    }

    /// [`shard_of_id`] with this deployment's parts: `None` for an id made before sharding (look
    /// it up in `legacy_routes`), an error for a further part it does not have.
    pub fn shard_of_id(&self, field: &str, id: &str) -> Result<Option<ShardId>, FieldError> {
        let shard = shard_of_id(field, id)?;
        if shard.is_some_and(|s| s.part > 0 && !self.moved.values().any(|m| *m == s)) {
            return Err(FieldError::new(field, "unknown_shard", "Mã bản ghi chỉ tới một cơ sở dữ liệu không có.", "The record id names a database that does not exist."));
        }
        Ok(shard)
    }

    /// The shard of identifiers made before sharding.
    pub fn legacy(&self) -> ShardId {
        self.legacy
    }

    /// Every database the Worker binds and the national fan-out visits: each province's first,
    /// then the further parts in use, in order.
    pub fn shards(&self) -> Vec<ShardId> {
        let mut all: Vec<ShardId> = ShardId::all().chain(self.moved.values().copied()).collect();
        all.sort();
        all.dedup();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::PROVINCES;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn shard(code: u8) -> ShardId {
        ShardId::from_code("shard", code).unwrap()
    }

    #[test]
    fn thirty_four_provinces_each_the_image_of_its_own_code() {
        assert_eq!(PROVINCES_2025.len(), 34);
        assert_eq!(MERGED_2025.len(), PROVINCES.len());
        let old: BTreeSet<u8> = MERGED_2025.iter().map(|(o, _)| *o).collect();
        assert_eq!(old, PROVINCES.iter().map(|p| p.gso).collect::<BTreeSet<u8>>(), "every old province once");
        let images: BTreeSet<u8> = MERGED_2025.iter().map(|(_, n)| *n).collect();
        assert_eq!(images, PROVINCES_2025.iter().map(|(c, _)| *c).collect::<BTreeSet<u8>>());
        // Each new province kept the code of one of its members.
        for (code, name) in PROVINCES_2025 {
            assert_eq!(shard_of_old_province(*code), Some(shard(*code)), "{name}");
        }
        // 11 unchanged, 23 formed from 2 or 3.
        let sizes: Vec<usize> = PROVINCES_2025.iter().map(|(c, _)| MERGED_2025.iter().filter(|(_, n)| n == c).count()).collect();
        assert_eq!(sizes.iter().filter(|&&n| n == 1).count(), 11);
        assert_eq!(sizes.iter().filter(|&&n| n == 2).count(), 17);
        assert_eq!(sizes.iter().filter(|&&n| n == 3).count(), 6);
    }

    #[test]
    fn the_demo_agencies_route_to_their_2025_province() {
        assert_eq!(shard_of_agency("000.10.51.H27").unwrap(), shard(42));
        assert_eq!(shard_of_agency("000.02.51.H23").unwrap(), shard(31)); // Hải Dương → Hải Phòng
        assert_eq!(shard_of_agency("000.00.00.H20").unwrap(), shard(82)); // old Đồng Tháp → new
        assert_eq!(shard_of_agency("000.00.00.H32").unwrap(), shard(56));
        assert_eq!(shard(42).binding(), "DB_P42");
        assert_eq!(shard(1).binding(), "DB_P01");
        assert_eq!(shard(31).name(), "Thành phố Hải Phòng");
        assert_eq!(ShardId::all().count(), 34);
        assert!(ShardId::all().all(|s| s.binding().len() == 6));
    }

    #[test]
    fn agencies_without_a_province_are_refused_naming_agency() {
        for bad in ["001.02.03.G12", "000.00.00.H64", "000.00.00.H99", "", "H27", "000.00.00.h27"] {
            let e = shard_of_agency(bad).unwrap_err();
            assert_eq!(e.field, "agency", "{bad}");
        }
        assert_eq!(shard_of_agency("001.02.03.G12").unwrap_err().code, "no_province");
        assert_eq!(shard_of_agency("000.00.00.H64").unwrap_err().code, "no_province");
        assert_eq!(shard_of_agency("H27").unwrap_err().code, "invalid_format");
        assert!(shard_of_agency("001.02.03.G12").unwrap_err().message_vi.contains("tỉnh"));
    }

    #[test]
    fn shard_ids_parse_and_serialize_as_their_code() {
        assert_eq!(ShardId::parse("shard", "42").unwrap(), shard(42));
        assert_eq!(ShardId::parse("shard", "30").unwrap_err().code, "unknown_province"); // merged away
        assert_eq!(ShardId::parse("shard", "4").unwrap_err().code, "invalid_format");
        assert_eq!(serde_json::to_string(&shard(8)).unwrap(), "\"08\"");
        assert_eq!(serde_json::from_str::<ShardId>("\"08\"").unwrap(), shard(8));
        assert!(serde_json::from_str::<ShardId>("\"87\"").is_err());
    }

    #[test]
    fn a_dossier_routes_with_its_agency() {
        let code = DossierCode::parse("code", "000.02.51.H23-230410-0001").unwrap();
        assert_eq!(shard_of_dossier(&code).unwrap(), shard(31));
    }

    #[test]
    fn references_name_their_shard_and_old_ones_go_to_the_default() {
        let r = sharded_reference(shard(42), 0);
        assert_eq!(r.as_str(), "MCS420000000000");
        assert_eq!(sharded_reference(shard(1), u64::MAX).as_str(), "MCS01ZZZZZZZZZZ");
        assert_eq!(shard_of_reference(&r, shard(31)).unwrap(), shard(42));
        // Before sharding: the default shard.
        let old = Reference::parse("r", "MC00000000TEST1").unwrap();
        assert_eq!(shard_of_reference(&old, shard(31)).unwrap(), shard(31));
        assert_eq!(encoded_shard(&Reference::from_random(u64::MAX)).unwrap(), None);
        // MCS… but not the format: refused, naming the reference.
        for bad in ["MCS30000000000", "MCS3000000000000", "MCS87AAAAAAAAAA", "MCS42AAAAAAAAAI", "MCSXXAAAAAAAAAA", "MCS4200"] {
            let e = encoded_shard(&Reference::parse("r", bad).unwrap()).unwrap_err();
            assert_eq!((e.field.as_str(), e.code.as_str()), ("reference", "invalid_format"), "{bad}");
        }
    }

    #[test]
    fn sharded_references_fit_every_provider() {
        use crate::gateway::{vietqr, zalopay};
        let r = sharded_reference(shard(82), 0x3_FFFF_FFFF_FFFF);
        assert_eq!(r.as_str().len(), 15);
        assert!(r.as_str().len() <= vietqr::MAX_PURPOSE_LEN);
        // ZaloPay's app_trans_id (≤ 40) and back.
        let at = time::macros::datetime!(2026-12-07 01:00 UTC);
        let id = zalopay::app_trans_id(&r, at);
        assert!(id.len() <= 40, "{id}");
        assert_eq!(zalopay::reference_of(&id).unwrap(), r);
        // A bank's transfer content, mangled: the VietQR matcher still finds it.
        let content = format!("NOP PHI {} chung thuc", r.as_str().to_lowercase());
        assert_eq!(vietqr::candidate_references(&content), vec![r]);
    }

    #[test]
    fn a_province_may_have_further_databases() {
        let hcm2 = shard(79).part(1).unwrap();
        assert_eq!((hcm2.to_string(), hcm2.binding()), ("79-2".to_string(), "DB_P79_2".to_string()));
        assert_eq!(ShardId::parse("shard", "79-2").unwrap(), hcm2);
        assert_eq!(ShardId::parse("shard", "79-7").unwrap().part_index(), 6);
        for bad in ["79-1", "79-8", "79-", "79-22", "-2"] {
            assert_eq!(ShardId::parse("shard", bad).unwrap_err().code, "invalid_format", "{bad}");
        }
        assert_eq!(shard(79).part(ShardId::MAX_PARTS), None);
        let r = sharded_reference(hcm2, 7);
        assert_eq!(r.as_str(), "MCT790000000007");
        assert_eq!(encoded_shard(&r).unwrap(), Some(hcm2));
        assert_eq!(serde_json::from_str::<ShardId>("\"79-2\"").unwrap(), hcm2);
    }

    #[test]
    fn the_routing_map_moves_an_agency_with_its_subtree() {
        // TP.HCM's agencies under a level-2 unit go to its second database.
        let hcm2 = shard(79).part(1).unwrap();
        let map = ShardMap::new(shard(31), &[("000.00.60.H30", hcm2)]).unwrap();
        assert_eq!(map.shard_of_agency("000.00.60.H30").unwrap(), hcm2);
        assert_eq!(map.shard_of_agency("000.12.60.H30").unwrap(), hcm2);
        assert_eq!(map.shard_of_agency("000.12.61.H30").unwrap(), shard(79));
        assert_eq!(map.shard_of_agency("000.00.00.H09").unwrap(), shard(79)); // Bình Dương is TP.HCM now
        assert_eq!(map.shard_of_agency("000.10.51.H27").unwrap(), shard(42));
        assert_eq!(map.shards().len(), 35);
        assert_eq!(map.shards()[0], shard(1));
        // References: the moved part is known, an unused one is refused, old ones go to the default.
        assert_eq!(map.shard_of_reference(&sharded_reference(hcm2, 1)).unwrap(), hcm2);
        let e = map.shard_of_reference(&sharded_reference(shard(42).part(2).unwrap(), 1)).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("reference", "unknown_shard"));
        assert_eq!(map.shard_of_reference(&Reference::parse("r", "MC00000000TEST1").unwrap()).unwrap(), shard(31));
        // An agency moves only within its province, once.
        assert_eq!(ShardMap::new(shard(31), &[("000.00.60.H27", hcm2)]).unwrap_err().code, "wrong_province");
        assert_eq!(ShardMap::new(shard(31), &[("000.00.60.H30", hcm2), ("000.00.60.H30", hcm2)]).unwrap_err().code, "duplicate");
        assert_eq!(ShardMap::new(shard(31), &[("x", hcm2)]).unwrap_err().field, "agency");
    }

    #[test]
    fn the_routing_map_knows_the_parts_an_id_may_name() {
        let hcm2 = shard(79).part(1).unwrap();
        let map = ShardMap::new(shard(31), &[("000.00.60.H30", hcm2)]).unwrap();
        assert_eq!(map.shard_of_id("id", &sharded_id(hcm2, &[1; 15])).unwrap(), Some(hcm2));
        assert_eq!(map.shard_of_id("id", &sharded_id(shard(42), &[1; 15])).unwrap(), Some(shard(42)));
        assert_eq!(map.shard_of_id("id", &"a".repeat(32)).unwrap(), None, "legacy: legacy_routes decides");
        let e = map.shard_of_id("id", &sharded_id(shard(42).part(1).unwrap(), &[1; 15])).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("id", "unknown_shard"));
        assert_eq!(map.shard_of_id("payment_id", "x").unwrap_err().field, "payment_id");
        // Markers are the references' letters: an id and a reference of one shard agree.
        for s in map.shards() {
            let id = sharded_id(s, &[0; 15]);
            let r = sharded_reference(s, 0);
            assert_eq!(id.as_bytes()[0].to_ascii_uppercase(), r.as_str().as_bytes()[2]);
            assert_eq!(&id[1..3], &r.as_str()[3..5]);
        }
    }

    #[test]
    fn a_callback_of_each_provider_finds_each_shard() {
        use crate::gateway::merchant::claimed_reference;
        use crate::gateway::{zalopay, Provider, RawCallback};
        let legacy = shard(31);
        for (i, s) in ShardId::all().enumerate() {
            let r = sharded_reference(s, 0x9E37_79B9_7F4A_7C15 ^ i as u64);
            let raw = |query: String, body: String| RawCallback { query, body, signature_header: None };
            let at = time::macros::datetime!(2026-12-07 01:00 UTC);
            let data = serde_json::json!({"app_trans_id": zalopay::app_trans_id(&r, at)}).to_string();
            let callbacks = [
                (Provider::Vnpay, raw(format!("vnp_Amount=5000000&vnp_TxnRef={r}&vnp_ResponseCode=00"), String::new())),
                (Provider::Momo, raw(String::new(), serde_json::json!({"orderId": r.as_str()}).to_string())),
                (Provider::Zalopay, raw(String::new(), serde_json::json!({"data": data}).to_string())),
                (Provider::Paygov, raw(String::new(), serde_json::json!({"MaThamChieu": r.as_str()}).to_string())),
            ];
            for (provider, cb) in callbacks {
                let claimed = claimed_reference(provider, &cb).unwrap();
                assert_eq!(shard_of_reference(&claimed, legacy).unwrap(), s, "{provider} {s}");
            }
        }
    }

    proptest! {
        #[test]
        fn sharded_references_round_trip(i in 0usize..34, part in 0u8..ShardId::MAX_PARTS, random in any::<u64>(), legacy in 0usize..34) {
            let s = ShardId::all().nth(i).unwrap().part(part).unwrap();
            prop_assert_eq!(ShardId::parse("shard", &s.to_string()).unwrap(), s);
            let r = sharded_reference(s, random);
            prop_assert_eq!(Reference::parse("r", r.as_str()).unwrap(), r.clone());
            prop_assert_eq!(encoded_shard(&r).unwrap(), Some(s));
            prop_assert_eq!(shard_of_reference(&r, ShardId::all().nth(legacy).unwrap()).unwrap(), s);
            // The callback's own copy of the reference (serde, as the provider sends it back).
            let back: Reference = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
            prop_assert_eq!(encoded_shard(&back).unwrap(), Some(s));
        }

        #[test]
        fn references_made_before_sharding_always_go_to_the_default(random in any::<u64>(), legacy in 0usize..34) {
            let r = Reference::from_random(random);
            prop_assert_eq!(encoded_shard(&r).unwrap(), None);
            let d = ShardId::all().nth(legacy).unwrap();
            prop_assert_eq!(shard_of_reference(&r, d).unwrap(), d);
        }

        #[test]
        fn every_agency_of_a_province_routes_to_the_shard_of_its_province(p in 0usize..63, y in 0u8..=99, z in 0u8..=99) {
            let province = &PROVINCES[p];
            let z = if y == 0 { 0 } else { z };
            let agency = AgencyCode::new("a", 'H', province.qcvn, y, z, 0).unwrap();
            let s = shard_of_agency(&agency.to_string()).unwrap();
            prop_assert_eq!(Some(s), shard_of_old_province(province.gso));
            prop_assert_eq!(s, shard_of(agency.parent().unwrap_or(agency)).unwrap(), "a unit and its parent share a shard");
        }
    }
}
