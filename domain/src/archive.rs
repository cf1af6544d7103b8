//! Closed years leave D1 for R2 (issue #20): the export format and its proof. A province's
//! database must stay under D1's 10 GB, so each closed year is written out per table, agency
//! and Vietnamese calendar month as NDJSON, listed in a manifest with each part's row count,
//! byte length and SHA-256, read back and verified, and only then deleted from D1. A manifest
//! covers a year or a single month: docs/SCALE.md §5 finds closed years too late for the big
//! provinces and archives closed dossiers month by month after 3 months; the parts are the same.
//!
//! This module owns the bytes and the checks; the Worker does the I/O and the **compression**
//! (gzip through the platform's `CompressionStream`, not here: the domain stays free of a
//! compressor and the bundles stay small). The checksum and length are of the *uncompressed*
//! NDJSON, what [`write_part`] returns and what a reader gets back after decompressing, so a
//! part verifies the same whatever the compressor or its level; the Worker records what it
//! stored with [`PartEntry::with_stored`] so that R2's copy can also be checked without
//! decompressing it ([`verify_stored`]).
//!
//! NDJSON: one compact JSON object per row, each followed by `\n`; JSON escapes line breaks
//! inside strings, so a line is always one row. A part of zero rows is zero bytes.

pub mod month;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::codes::AgencyCode;
use crate::shard::ShardId;
use crate::validation::FieldError;

/// The manifest's `format`; a reader refuses any other.
pub const FORMAT: &str = "motcua-archive/1";

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn invalid(field: &str, vi: String, en: String) -> FieldError {
    FieldError::new(field, "invalid_format", vi, en)
}

/// One part: a table's rows of one agency in one month.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartKey {
    /// The D1 table (`dossiers`, `payments`, …): lower-case letters, digits and `_`.
    pub table: String,
    pub agency: AgencyCode,
    /// `YYYY-MM`, Vietnamese calendar.
    pub month: String,
}

impl PartKey {
    pub fn new(table: &str, agency: &str, month: &str) -> Result<PartKey, FieldError> {
        let ok_table = !table.is_empty()
            && table.len() <= 64
            && table.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok_table {
            return Err(invalid(
                "table",
                "Tên bảng chỉ gồm chữ thường, chữ số và dấu gạch dưới.".into(),
                "A table name has only lower-case letters, digits and underscores.".into(),
            ));
        }
        let agency = AgencyCode::parse("agency", agency)?;
        let m = month.as_bytes();
        let ok_month = m.len() == 7
            && m[4] == b'-'
            && m[..4].iter().chain(&m[5..]).all(u8::is_ascii_digit)
            && (1..=12).contains(&month[5..].parse::<u8>().unwrap_or(0));
        if !ok_month {
            return Err(invalid("month", "Tháng có dạng YYYY-MM, ví dụ 2025-03.".into(), "A month looks like YYYY-MM, e.g. 2025-03.".into()));
        }
        Ok(PartKey { table: table.into(), agency, month: month.into() })
    }

    pub fn year(&self) -> i32 {
        self.month[..4].parse().expect("checked in new")
    }

    /// The R2 object key, before the Worker's compression suffix:
    /// `archive/<table>/<agency>/<YYYY-MM>.ndjson`.
    pub fn object_key(&self) -> String {
        format!("archive/{}/{}/{}.ndjson", self.table, self.agency, self.month)
    }
}

/// Where a shard's manifest of a period is kept: `archive/manifests/<shard>/<YYYY or YYYY-MM>.json`.
pub fn manifest_key(shard: ShardId, period: &str) -> String {
    format!("archive/manifests/{shard}/{period}.json")
}

/// The NDJSON of a part. Rows must be JSON objects (table rows); another value is refused,
/// named `rows[i]`.
pub fn write_part(rows: &[Value]) -> Result<Vec<u8>, FieldError> {
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if !row.is_object() {
            return Err(invalid(&format!("rows[{i}]"), "Mỗi dòng phải là một đối tượng JSON.".into(), "Each row must be a JSON object.".into()));
        }
        serde_json::to_writer(&mut out, row).expect("a Value always serializes");
        out.push(b'\n');
    }
    Ok(out)
}

/// The rows of a part back (a citizen's archived dossier or receipt is read this way). Errors
/// name the line, 1-based as an editor shows it.
pub fn read_part(bytes: &[u8]) -> Result<Vec<Value>, FieldError> {
    let Some(body) = bytes.strip_suffix(b"\n") else {
        return if bytes.is_empty() {
            Ok(Vec::new())
        } else {
            Err(invalid("part", "Tệp lưu trữ không kết thúc bằng xuống dòng (bị cắt?).".into(), "The archive part does not end in a newline (truncated?).".into()))
        };
    };
    body.split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_slice::<Value>(line).ok().filter(Value::is_object).ok_or_else(|| {
                invalid(
                    &format!("line {}", i + 1),
                    format!("Dòng {} không phải một đối tượng JSON.", i + 1),
                    format!("Line {} is not a JSON object.", i + 1),
                )
            })
        })
        .collect()
}

/// How the Worker stored a part in R2 (compressed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// `gzip`.
    pub encoding: String,
    pub bytes: u64,
    pub sha256: String,
}

/// One part in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartEntry {
    #[serde(flatten)]
    pub key: PartKey,
    pub object: String,
    pub rows: u64,
    /// Length and SHA-256 (hex) of the uncompressed NDJSON.
    pub bytes: u64,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<Stored>,
}

impl PartEntry {
    /// The entry of a part written by [`write_part`] from `rows` rows.
    pub fn new(key: PartKey, rows: u64, ndjson: &[u8]) -> PartEntry {
        PartEntry { object: key.object_key(), key, rows, bytes: ndjson.len() as u64, sha256: sha256_hex(ndjson), stored: None }
    }

    /// Writes a part and its entry in one step.
    pub fn write(key: PartKey, rows: &[Value]) -> Result<(PartEntry, Vec<u8>), FieldError> {
        let bytes = write_part(rows)?;
        Ok((PartEntry::new(key, rows.len() as u64, &bytes), bytes))
    }

    /// The entry with what was stored: the compressed bytes as R2 holds them.
    pub fn with_stored(mut self, encoding: &str, stored: &[u8]) -> PartEntry {
        self.stored = Some(Stored { encoding: encoding.into(), bytes: stored.len() as u64, sha256: sha256_hex(stored) });
        self
    }
}

fn mismatch(field: &str, key: &PartKey, vi: &str, en: &str) -> FieldError {
    let part = format!("{}/{}/{}", key.table, key.agency, key.month);
    FieldError::new(field, "archive_mismatch", format!("Phần lưu trữ {part}: {vi}"), format!("Archive part {part}: {en}"))
}

/// Checks a part's (uncompressed) bytes against its entry: length, SHA-256, then that it reads
/// back as exactly `rows` objects. Any changed byte fails; D1's rows must not be deleted then.
pub fn verify_part(entry: &PartEntry, ndjson: &[u8]) -> Result<(), FieldError> {
    if ndjson.len() as u64 != entry.bytes {
        return Err(mismatch("bytes", &entry.key, "độ dài đã thay đổi.", "its length changed."));
    }
    if sha256_hex(ndjson) != entry.sha256 {
        return Err(mismatch("sha256", &entry.key, "mã băm SHA-256 không khớp, nội dung đã thay đổi.", "the SHA-256 does not match; its content changed."));
    }
    let rows = read_part(ndjson)?;
    if rows.len() as u64 != entry.rows {
        return Err(mismatch("rows", &entry.key, "số dòng không khớp.", "the row count does not match."));
    }
    Ok(())
}

/// Checks R2's (compressed) copy against what the Worker recorded when it stored it.
pub fn verify_stored(entry: &PartEntry, stored: &[u8]) -> Result<(), FieldError> {
    let Some(s) = &entry.stored else {
        return Err(mismatch("stored", &entry.key, "chưa ghi nhận bản đã lưu.", "no stored copy is recorded."));
    };
    if stored.len() as u64 != s.bytes || sha256_hex(stored) != s.sha256 {
        return Err(mismatch("stored", &entry.key, "bản đã lưu trên R2 không khớp.", "the copy stored in R2 does not match."));
    }
    Ok(())
}

/// Before deleting from D1: the part holds exactly as many rows as D1 counts for its key.
pub fn verify_against_source(entry: &PartEntry, rows_in_d1: u64) -> Result<(), FieldError> {
    if entry.rows != rows_in_d1 {
        return Err(mismatch("rows", &entry.key, "số dòng khác với cơ sở dữ liệu.", "the row count differs from the database."));
    }
    Ok(())
}

/// One shard's archived period: every part, in key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub shard: ShardId,
    /// `YYYY` (a closed year) or `YYYY-MM` (one month).
    pub period: String,
    /// RFC 3339, passed in (time is an argument).
    pub created_at: String,
    pub parts: Vec<PartEntry>,
}

impl Manifest {
    /// A manifest of `parts`, sorted by key; refuses a part outside the period or a key twice.
    pub fn new(shard: ShardId, period: &str, created_at: &str, mut parts: Vec<PartEntry>) -> Result<Manifest, FieldError> {
        let year = period.len() == 4 && period.bytes().all(|b| b.is_ascii_digit());
        if !year && PartKey::new("t", "000.00.00.H27", period).is_err() {
            return Err(invalid("period", "Kỳ lưu trữ có dạng YYYY hoặc YYYY-MM.".into(), "An archive period looks like YYYY or YYYY-MM.".into()));
        }
        parts.sort_by(|a, b| a.key.cmp(&b.key));
        let inside = |k: &PartKey| if year { k.month.starts_with(period) } else { k.month == period };
        if let Some(p) = parts.iter().find(|p| !inside(&p.key)) {
            return Err(mismatch("month", &p.key, &format!("không thuộc kỳ {period}."), &format!("is not in {period}.")));
        }
        // A month archived in steps has a part per table and agency in each step: the same key
        // in two objects is two parts; the same object twice is one part listed twice.
        parts.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.object.cmp(&b.object)));
        if let Some(w) = parts.windows(2).find(|w| w[0].key == w[1].key && w[0].object == w[1].object) {
            return Err(mismatch("parts", &w[0].key, "xuất hiện hai lần.", "appears twice."));
        }
        Ok(Manifest { format: FORMAT.into(), shard, period: period.into(), created_at: created_at.into(), parts })
    }

    /// A manifest as read back from R2, refused unless it is this format and well formed.
    pub fn parse(json: &[u8]) -> Result<Manifest, FieldError> {
        let m: Manifest = serde_json::from_slice(json).map_err(|e| {
            invalid("manifest", format!("Bản kê lưu trữ không đọc được: {e}"), format!("The archive manifest cannot be read: {e}"))
        })?;
        if m.format != FORMAT {
            return Err(invalid("format", format!("Định dạng bản kê không hỗ trợ: {}", m.format), format!("Unsupported manifest format: {}", m.format)));
        }
        Manifest::new(m.shard, &m.period, &m.created_at, m.parts)
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("plain data")
    }

    /// Rows per table over the period (what the reports' stored summaries are checked against).
    pub fn rows_by_table(&self) -> BTreeMap<&str, u64> {
        let mut out = BTreeMap::new();
        for p in &self.parts {
            *out.entry(p.key.table.as_str()).or_default() += p.rows;
        }
        out
    }
}

/// Groups a table's rows into parts by the agency in `agency_field` and the Vietnamese month of
/// the RFC 3339 UTC instant in `at_field` (a row made at 2025-12-31T18:00Z belongs to 2026-01).
/// A row without either is refused, named `rows[i].<field>`.
pub fn group_rows(table: &str, rows: Vec<Value>, agency_field: &str, at_field: &str) -> Result<BTreeMap<PartKey, Vec<Value>>, FieldError> {
    let mut parts: BTreeMap<PartKey, Vec<Value>> = BTreeMap::new();
    for (i, row) in rows.into_iter().enumerate() {
        let text = |f: &str| row.get(f).and_then(Value::as_str).map(str::to_string);
        let agency = text(agency_field).ok_or_else(|| FieldError::required(format!("rows[{i}].{agency_field}")))?;
        let month = text(at_field).as_deref().and_then(crate::dashboard::vn_day).map(crate::dashboard::month_key).ok_or_else(|| {
            invalid(&format!("rows[{i}].{at_field}"), "Thời điểm phải là RFC 3339 UTC (…Z).".into(), "The instant must be RFC 3339 UTC (…Z).".into())
        })?;
        let key = PartKey::new(table, &agency, &month).map_err(|e| e.within(&format!("rows[{i}]")))?;
        parts.entry(key).or_default().push(row);
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn key(month: &str) -> PartKey {
        PartKey::new("dossiers", "000.10.51.H27", month).unwrap()
    }

    fn shard() -> ShardId {
        ShardId::parse("shard", "42").unwrap()
    }

    #[test]
    fn a_part_is_ndjson_with_its_entry() {
        let rows = vec![json!({"id": "d1", "note": "dòng 1\ndòng 2"}), json!({"id": "d2"})];
        let (entry, bytes) = PartEntry::write(key("2025-03"), &rows).unwrap();
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), "{\"id\":\"d1\",\"note\":\"dòng 1\\ndòng 2\"}\n{\"id\":\"d2\"}\n");
        assert_eq!((entry.rows, entry.bytes), (2, bytes.len() as u64));
        assert_eq!(entry.sha256, sha256_hex(&bytes));
        assert_eq!(entry.sha256.len(), 64);
        assert_eq!(entry.object, "archive/dossiers/000.10.51.H27/2025-03.ndjson");
        assert_eq!(read_part(&bytes).unwrap(), rows);
        verify_part(&entry, &bytes).unwrap();
        assert_eq!(write_part(&[]).unwrap(), b"");
        assert_eq!(write_part(&[json!([1])]).unwrap_err().field, "rows[0]");
        // The SHA-256 of the empty part is the well-known one.
        assert_eq!(PartEntry::new(key("2025-04"), 0, b"").sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn the_verifier_refuses_changed_bytes_and_counts() {
        let (entry, bytes) = PartEntry::write(key("2025-03"), &[json!({"amount": 50000}), json!({"amount": 20000})]).unwrap();
        let mut changed = bytes.clone();
        let at = changed.iter().position(|b| *b == b'5').unwrap();
        changed[at] = b'9'; // same length, one digit: only the checksum sees it
        let e = verify_part(&entry, &changed).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("sha256", "archive_mismatch"));
        assert!(e.message_vi.contains("dossiers/000.10.51.H27/2025-03"), "{}", e.message_vi);
        assert_eq!(verify_part(&entry, &bytes[..bytes.len() - 1]).unwrap_err().field, "bytes");
        // An entry claiming another count, its checksum right: the count is still checked.
        let lying = PartEntry { rows: 3, ..entry.clone() };
        assert_eq!(verify_part(&lying, &bytes).unwrap_err().field, "rows");
        assert_eq!(verify_against_source(&entry, 3).unwrap_err().field, "rows");
        verify_against_source(&entry, 2).unwrap();
        // A truncated or broken part does not read back.
        assert_eq!(read_part(b"{\"a\":1}").unwrap_err().field, "part");
        assert_eq!(read_part(b"{\"a\":1}\nnot json\n").unwrap_err().field, "line 2");
        assert_eq!(read_part(b"{\"a\":1}\n\n").unwrap_err().field, "line 2");
    }

    #[test]
    fn the_stored_copy_is_checked_too() {
        let (entry, _) = PartEntry::write(key("2025-03"), &[json!({"id": 1})]).unwrap();
        assert_eq!(verify_stored(&entry, b"gz").unwrap_err().field, "stored");
        let entry = entry.with_stored("gzip", b"\x1f\x8bcompressed");
        verify_stored(&entry, b"\x1f\x8bcompressed").unwrap();
        assert_eq!(verify_stored(&entry, b"\x1f\x8bcompresseD").unwrap_err().field, "stored");
    }

    #[test]
    fn part_keys_are_checked() {
        assert_eq!(PartKey::new("Dossiers", "000.10.51.H27", "2025-03").unwrap_err().field, "table");
        assert_eq!(PartKey::new("dossiers", "H27", "2025-03").unwrap_err().field, "agency");
        for bad in ["2025-13", "2025-3", "202503", "2025-00", "25-03-01"] {
            assert_eq!(PartKey::new("dossiers", "000.10.51.H27", bad).unwrap_err().field, "month", "{bad}");
        }
        assert_eq!(key("2025-12").year(), 2025);
        assert_eq!(manifest_key(shard(), "2025"), "archive/manifests/42/2025.json");
        assert_eq!(manifest_key(shard(), "2025-03"), "archive/manifests/42/2025-03.json");
    }

    #[test]
    fn rows_are_grouped_by_agency_and_vietnamese_month() {
        let rows = vec![
            json!({"agency_code": "000.10.51.H27", "created_at": "2025-12-31T16:59:59Z"}),
            json!({"agency_code": "000.10.51.H27", "created_at": "2025-12-31T17:00:00Z"}),
            json!({"agency_code": "000.02.51.H23", "created_at": "2025-03-02T01:00:00Z"}),
        ];
        let parts = group_rows("dossiers", rows, "agency_code", "created_at").unwrap();
        let keys: Vec<String> = parts.keys().map(|k| format!("{}/{}", k.agency, k.month)).collect();
        assert_eq!(keys, ["000.02.51.H23/2025-03", "000.10.51.H27/2025-12", "000.10.51.H27/2026-01"]);
        let e = group_rows("dossiers", vec![json!({"agency_code": "000.10.51.H27"})], "agency_code", "created_at").unwrap_err();
        assert_eq!(e.field, "rows[0].created_at");
        let e = group_rows("dossiers", vec![json!({"created_at": "2025-03-02T01:00:00Z"})], "agency_code", "created_at").unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("rows[0].agency_code", "required"));
        let e = group_rows("dossiers", vec![json!({"agency_code": "x", "created_at": "2025-03-02T01:00:00Z"})], "agency_code", "created_at").unwrap_err();
        assert_eq!(e.field, "rows[0].agency");
    }

    #[test]
    fn the_manifest_is_sorted_checked_and_read_back() {
        let (a, _) = PartEntry::write(key("2025-03"), &[json!({"id": 1})]).unwrap();
        let (b, _) = PartEntry::write(PartKey::new("payments", "000.10.51.H27", "2025-01").unwrap(), &[json!({"id": 2}), json!({"id": 3})]).unwrap();
        let m = Manifest::new(shard(), "2025", "2026-01-15T00:00:00Z", vec![b.clone(), a.clone()]).unwrap();
        assert_eq!(m.parts, vec![a.clone(), b.clone()]);
        assert_eq!(m.rows_by_table().into_iter().collect::<Vec<_>>(), [("dossiers", 1), ("payments", 2)]);
        let json = m.to_json();
        assert_eq!(Manifest::parse(&json).unwrap(), m);
        let text = String::from_utf8(json).unwrap();
        assert!(text.contains("\"table\": \"dossiers\"") && text.contains("\"shard\": \"42\""), "{text}");
        assert_eq!(Manifest::new(shard(), "2024", "t", vec![a.clone()]).unwrap_err().field, "month");
        assert_eq!(Manifest::new(shard(), "2025", "t", vec![a.clone(), a.clone()]).unwrap_err().field, "parts");
        // The same key in another object (a later step of the month) is another part.
        let step2 = PartEntry { object: "archive/42/2025-03/2/dossiers/000.10.51.H27.ndjson.gz".into(), ..a.clone() };
        assert_eq!(Manifest::new(shard(), "2025", "t", vec![a.clone(), step2.clone()]).unwrap().parts, vec![step2, a.clone()]);
        // One month: only that month's parts.
        assert_eq!(Manifest::new(shard(), "2025-03", "t", vec![a.clone()]).unwrap().parts.len(), 1);
        assert_eq!(Manifest::new(shard(), "2025-01", "t", vec![a.clone(), b.clone()]).unwrap_err().field, "month");
        for bad in ["25", "2025-13", "2025-Q1", ""] {
            assert_eq!(Manifest::new(shard(), bad, "t", vec![]).unwrap_err().field, "period", "{bad}");
        }
        let other = text.replace(FORMAT, "motcua-archive/9");
        assert_eq!(Manifest::parse(other.as_bytes()).unwrap_err().field, "format");
        assert_eq!(Manifest::parse(b"{").unwrap_err().field, "manifest");
    }

    fn row() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::from),
            "[ -~àáảãạăâđêôơưÀĐ\\n\\t\"\\\\]{0,12}".prop_map(Value::from),
            Just(Value::Null),
        ];
        prop::collection::btree_map("[a-z_]{1,8}", leaf, 0..6).prop_map(|m| Value::Object(m.into_iter().collect()))
    }

    proptest! {
        #[test]
        fn parts_round_trip_and_verify(rows in prop::collection::vec(row(), 0..20)) {
            let (entry, bytes) = PartEntry::write(key("2025-06"), &rows).unwrap();
            prop_assert_eq!(read_part(&bytes).unwrap(), rows.clone());
            prop_assert!(verify_part(&entry, &bytes).is_ok());
            prop_assert_eq!(bytes.iter().filter(|b| **b == b'\n').count(), rows.len());
            let back: PartEntry = serde_json::from_str(&serde_json::to_string(&entry).unwrap()).unwrap();
            prop_assert_eq!(back, entry);
        }

        #[test]
        fn any_changed_byte_is_refused(rows in prop::collection::vec(row(), 1..10), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let (entry, mut bytes) = PartEntry::write(key("2025-06"), &rows).unwrap();
            let i = at.index(bytes.len());
            bytes[i] ^= flip;
            prop_assert!(verify_part(&entry, &bytes).is_err());
        }
    }
}
