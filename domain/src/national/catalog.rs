//! The national catalog (thủ tục hành chính on Cổng DVCQG) against ours: reading the portal's
//! share services, comparing each national procedure with our procedure, fee schedule and legal
//! bases, and keeping the review list of differences across pulls. Seed 000 asks provinces to
//! "rà soát, kiểm tra thông tin phí, lệ phí … theo các căn cứ pháp lý"; this module says what to
//! look at, the admin decides what to do.
//!
//! Every field of the portal below is from `../shared/national/FACTS.md` §4 (VietOpenCPS
//! `DVCQGIntegrationActionImpl.java` "OI"; Thanh Hóa `AddThuTucTypes.cs` "T"), marked [V] when
//! seen there and [A] when assumed; like [`super::portal`], only this module knows them.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::fee::{FeeSchedule, Rule};
use crate::money::Vnd;

/// [V OI] `share_endpoint` services: the list `result[]{MATTHC,TENTTHC}` and one procedure's
/// details `LayThuTuc{maTTHC}` → `result[0]`.
pub const SERVICE_LIST: &str = "LayDanhSachTTHC";
pub const SERVICE_PROCEDURE: &str = "LayThuTuc";

/// The body of the list call, without the session (added when sent). [V OI envelope: session,
/// madonvi, service]; [A] an empty `madonvi` asks for the whole catalog, a unit's code for the
/// procedures that unit publishes (T asks a provincial gateway for a unit's list,
/// `LayDanhSachTTHCDonVi?maDonVi=`). motcua compares the whole catalog.
pub fn list_body(unit_code: &str) -> Value {
    json!({ "madonvi": unit_code, "service": SERVICE_LIST })
}

/// [V OI] `LayThuTuc` with `maTTHC`.
pub fn procedure_body(unit_code: &str, national_code: &str) -> Value {
    json!({ "madonvi": unit_code, "service": SERVICE_PROCEDURE, "maTTHC": national_code })
}

/// A procedure as the portal's list names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub code: String,
    pub name: String,
}

/// A procedure as the portal details it (`LayThuTuc.result[0]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalProcedure {
    pub code: String,
    pub name: String,
    /// The processing time of the online channel when published, else of the first channel.
    pub processing: Option<Processing>,
    /// Every fee of every channel, once each.
    pub fees: Vec<NationalFee>,
    pub legal_bases: Vec<LegalBasis>,
    pub documents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Processing {
    /// `THOIGIANGIAIQUYET` as published ("3", "0.5", "Trong ngày").
    pub amount: String,
    /// `DONVITINH` [A: "Ngày làm việc", "Ngày", "Giờ"].
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalFee {
    /// `MAPHILEPHI`.
    pub code: String,
    /// `SOTIEN` in đồng; None when the portal gives no number (a rate, "Miễn phí" …).
    pub amount: Option<i64>,
    /// `MOTA`.
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    /// `SOVANBAN`, e.g. "23/2015/NĐ-CP".
    pub number: String,
    /// `TENVANBAN`.
    pub title: String,
}

/// What a share reply could not give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadReply(pub String);

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// `SOTIEN` [A]: a number, or a text of digits with thousands dots ("10.000", "10.000 đồng");
/// anything else (a rate, "Miễn phí") is not an amount.
fn amount(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f.round() as i64),
        Value::String(s) => {
            let s = s.trim().trim_end_matches("đồng").trim_end_matches('đ').trim_end_matches("VNĐ").trim();
            let digits: String = s.chars().filter(|c| !matches!(c, '.' | ',' | ' ')).collect();
            (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
        }
        _ => None,
    }
}

/// `LayDanhSachTTHC`'s `result[]{MATTHC,TENTTHC}` [V OI]. Entries without a code are skipped.
pub fn parse_list(reply: &Value) -> Result<Vec<Listed>, BadReply> {
    let result = reply.get("result").and_then(Value::as_array).ok_or_else(|| BadReply("LayDanhSachTTHC: no result[]".into()))?;
    Ok(result
        .iter()
        .map(|r| Listed { code: text(r, "MATTHC"), name: text(r, "TENTTHC") })
        .filter(|l| !l.code.is_empty())
        .collect())
}

/// `LayThuTuc`'s `result[0]` [V OI, T `AddThuTucTypes.cs`]; None when the portal has no such
/// procedure (an empty `result` [A]).
pub fn parse_procedure(reply: &Value) -> Result<Option<NationalProcedure>, BadReply> {
    let Some(result) = reply.get("result") else { return Err(BadReply("LayThuTuc: no result".into())) };
    let first = match result {
        Value::Array(items) => items.first(),
        Value::Null => None,
        // [A] some gateways answer the object itself.
        other @ Value::Object(_) => Some(other),
        _ => return Err(BadReply("LayThuTuc: result is neither a list nor an object".into())),
    };
    let Some(p) = first else { return Ok(None) };
    let channels = list(p, "CACHTHUCTHUCHIEN");
    // [V] KENH 1 counter, 2 online, 3 public post; the online channel's time is the one motcua offers.
    let chosen = channels.iter().find(|c| text(c, "KENH") == "2").or(channels.first());
    let processing = chosen.and_then(|c| list(c, "THOIGIAN").first()).map(|t| Processing {
        amount: text(t, "THOIGIANGIAIQUYET"),
        unit: text(t, "DONVITINH"),
    });
    let mut fees: Vec<NationalFee> = Vec::new();
    for fee in channels.iter().flat_map(|c| list(c, "THOIGIAN")).flat_map(|t| list(t, "PHILEPHI")) {
        let f = NationalFee { code: text(fee, "MAPHILEPHI"), amount: amount(fee.get("SOTIEN")), description: text(fee, "MOTA") };
        if !fees.contains(&f) {
            fees.push(f);
        }
    }
    let legal_bases = list(p, "CANCUPHAPLY")
        .iter()
        .map(|b| LegalBasis { number: text(b, "SOVANBAN"), title: text(b, "TENVANBAN") })
        .filter(|b| !b.number.is_empty() || !b.title.is_empty())
        .collect();
    let documents = list(p, "THANHPHANHOSO")
        .iter()
        .flat_map(|c| list(c, "GIAYTO"))
        .map(|g| text(g, "TENGIAYTO"))
        .filter(|n| !n.is_empty())
        .collect();
    Ok(Some(NationalProcedure { code: text(p, "MATTHC"), name: text(p, "TENTTHC"), processing, fees, legal_bases, documents }))
}

/// The portal's answers in the portal's shape, for the sandbox imitation (the inverse of the
/// parsers above, so that a test of one is a test of the other).
pub fn list_reply(items: &[Listed]) -> Value {
    json!({
        "error_code": 0,
        "message": "Thành công",
        "result": items.iter().map(|l| json!({"MATTHC": l.code, "TENTTHC": l.name})).collect::<Vec<_>>(),
    })
}

pub fn procedure_reply(p: Option<&NationalProcedure>) -> Value {
    let Some(p) = p else { return json!({"error_code": 0, "message": "Không tìm thấy thủ tục", "result": []}) };
    let time = p.processing.clone().unwrap_or(Processing { amount: String::new(), unit: String::new() });
    json!({
        "error_code": 0,
        "message": "Thành công",
        "result": [{
            "MATTHC": p.code,
            "TENTTHC": p.name,
            "TRANGTHAI": "1",
            "CACHTHUCTHUCHIEN": [{
                "KENH": "2",
                "THOIGIAN": [{
                    "THOIGIANGIAIQUYET": time.amount,
                    "DONVITINH": time.unit,
                    "MOTA": "",
                    "PHILEPHI": p.fees.iter().map(|f| json!({
                        "MAPHILEPHI": f.code,
                        "SOTIEN": f.amount.map(|a| a.to_string()).unwrap_or_default(),
                        "DONVI": "Đồng",
                        "MOTA": f.description,
                        "URL": "",
                    })).collect::<Vec<_>>(),
                }],
            }],
            "THANHPHANHOSO": [{
                "TRUONGHOP": "",
                "GIAYTO": p.documents.iter().enumerate().map(|(i, d)| json!({
                    "MAGIAYTO": format!("{}.{}", p.code, i + 1), "TENGIAYTO": d, "SOBANCHINH": "1", "SOBANSAO": "0",
                })).collect::<Vec<_>>(),
            }],
            "CANCUPHAPLY": p.legal_bases.iter().map(|b| json!({
                "SOVANBAN": b.number, "TENVANBAN": b.title, "COQUANBANHANH": "", "NGAYBANHANH": "", "NGAYHIEULUC": "", "DIACHITRUYCAP": "",
            })).collect::<Vec<_>>(),
        }],
    })
}

/// One of our procedures as the comparison needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ours {
    pub code: String,
    /// The portal's code: the mapping, else ours.
    pub national_code: String,
    pub name: String,
    pub processing_days: u32,
    /// The procedure's legal basis and every legal basis its fee schedule cites.
    pub legal_text: String,
    pub fees: Vec<OurFee>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OurFee {
    pub line: String,
    /// The portal's `MaPhiLePhi`: the mapping, else the line's code.
    pub national_code: String,
    pub name: String,
    /// The amount the portal would publish as `SOTIEN`; None for a rate.
    pub amount: Option<i64>,
}

/// The lines of the version of `schedule` in force on `date`, with the portal codes `mapped`
/// gives (line → `MaPhiLePhi`). A per-unit line's amount is its first tier's price, which is
/// how the portal publishes such fees [A]; a rate has none.
pub fn our_fees(schedule: &FeeSchedule, date: time::Date, mapped: impl Fn(&str) -> Option<String>) -> Vec<OurFee> {
    let Some(version) = crate::fee::version_on(schedule, date) else { return Vec::new() };
    version
        .lines
        .iter()
        .map(|l| OurFee {
            line: l.code.clone(),
            national_code: mapped(&l.code).unwrap_or_else(|| l.code.clone()),
            name: l.name.clone(),
            amount: match &l.rule {
                Rule::Fixed { amount, .. } => Some(amount.as_dong()),
                Rule::PerUnit { tiers, .. } => tiers.first().map(|t| t.unit_price.as_dong()),
                Rule::Percentage { .. } => None,
            },
        })
        .collect()
}

/// Every legal basis a schedule cites (the versions' and the lines'), one per line.
pub fn schedule_legal_text(schedule: &FeeSchedule) -> String {
    let mut out = Vec::new();
    for v in &schedule.versions {
        out.push(v.legal_basis.clone());
        out.extend(v.lines.iter().map(|l| l.legal_basis.clone()));
    }
    out.join("\n")
}

/// What differs.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    Name,
    ProcessingDays,
    FeeAmount,
    LegalBasisMissing,
    /// The portal publishes a procedure we do not have (or have not mapped).
    OnlyNational,
    /// We offer a procedure the portal does not publish under its code.
    OnlyOurs,
}

impl DifferenceKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            DifferenceKind::Name => "Tên thủ tục khác",
            DifferenceKind::ProcessingDays => "Thời hạn giải quyết khác",
            DifferenceKind::FeeAmount => "Mức phí, lệ phí khác",
            DifferenceKind::LegalBasisMissing => "Thiếu căn cứ pháp lý",
            DifferenceKind::OnlyNational => "Chỉ có trên Cổng DVCQG",
            DifferenceKind::OnlyOurs => "Chưa có trên Cổng DVCQG",
        }
    }
}

/// A difference as one pull finds it. `procedure` (the portal's code), `kind` and `item` (the
/// fee or legal basis concerned, empty otherwise) identify it across pulls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub procedure: String,
    pub our_code: Option<String>,
    pub name: String,
    pub kind: DifferenceKind,
    pub item: String,
    pub ours: Option<String>,
    pub national: Option<String>,
}

/// Names compared as people read them: case, spacing and a leading "Thủ tục" aside (our
/// catalogue writes it, the portal's list mostly does not [A]).
fn same_name(a: &str, b: &str) -> bool {
    fn key(s: &str) -> String {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        s.strip_prefix("thủ tục ").map(str::to_string).unwrap_or(s)
    }
    key(a) == key(b)
}

fn money(a: i64) -> String {
    format!("{} đồng", Vnd::dong(a).grouped())
}

/// The portal's time in working days, when it is given in days.
fn days(p: &Processing) -> Option<f64> {
    let unit = crate::text::fold(&p.unit);
    if !(unit.is_empty() || unit.starts_with("ngay")) {
        return None;
    }
    p.amount.replace(',', ".").trim().parse::<f64>().ok()
}

fn processing_text(p: &Processing) -> String {
    let unit = if p.unit.is_empty() { "ngày làm việc".to_string() } else { p.unit.to_lowercase() };
    format!("{} {unit}", p.amount)
}

/// Our procedure against the portal's.
pub fn compare(ours: &Ours, national: &NationalProcedure) -> Vec<Found> {
    let mut found = Vec::new();
    let mut push = |kind, item: &str, o: Option<String>, n: Option<String>| {
        found.push(Found {
            procedure: ours.national_code.clone(),
            our_code: Some(ours.code.clone()),
            name: ours.name.clone(),
            kind,
            item: item.to_string(),
            ours: o,
            national: n,
        })
    };
    if !national.name.is_empty() && !same_name(&ours.name, &national.name) {
        push(DifferenceKind::Name, "", Some(ours.name.clone()), Some(national.name.clone()));
    }
    if let Some(p) = &national.processing {
        if days(p) != Some(f64::from(ours.processing_days)) {
            push(DifferenceKind::ProcessingDays, "", Some(format!("{} ngày làm việc", ours.processing_days)), Some(processing_text(p)));
        }
    }
    // Fee lines paired by the portal's code, then a lone line with a lone fee.
    let mut theirs: Vec<&NationalFee> = national.fees.iter().collect();
    let mut unpaired: Vec<&OurFee> = Vec::new();
    let mut pairs: Vec<(&OurFee, &NationalFee)> = Vec::new();
    for f in &ours.fees {
        match theirs.iter().position(|n| n.code == f.national_code) {
            Some(i) => pairs.push((f, theirs.remove(i))),
            None => unpaired.push(f),
        }
    }
    if unpaired.len() == 1 && theirs.len() == 1 {
        pairs.push((unpaired.remove(0), theirs.remove(0)));
    }
    for (o, n) in pairs {
        if let (Some(a), Some(b)) = (o.amount, n.amount) {
            if a != b {
                push(DifferenceKind::FeeAmount, &o.national_code, Some(format!("{}: {}", o.name, money(a))), Some(money(b)));
            }
        }
    }
    for o in unpaired {
        let ours_text = match o.amount {
            Some(a) => format!("{}: {}", o.name, money(a)),
            None => o.name.clone(),
        };
        push(DifferenceKind::FeeAmount, &o.national_code, Some(ours_text), None);
    }
    for n in theirs {
        let item = if n.code.is_empty() { n.description.clone() } else { n.code.clone() };
        let text = match n.amount {
            Some(a) if n.description.is_empty() => money(a),
            Some(a) => format!("{}: {}", n.description, money(a)),
            None => n.description.clone(),
        };
        push(DifferenceKind::FeeAmount, &item, None, Some(text));
    }
    // A legal basis is there when our texts cite its number (or, without one, its title).
    let ours_folded = crate::text::fold(&ours.legal_text);
    for b in &national.legal_bases {
        let key = if b.number.is_empty() { &b.title } else { &b.number };
        if !ours_folded.contains(&crate::text::fold(key)) {
            let shown = match (b.number.is_empty(), b.title.is_empty()) {
                (false, false) if !crate::text::fold(&b.title).contains(&crate::text::fold(&b.number)) => format!("{} {}", b.number, b.title),
                (false, _) if b.title.is_empty() => b.number.clone(),
                _ => b.title.clone(),
            };
            push(DifferenceKind::LegalBasisMissing, key, None, Some(shown));
        }
    }
    found
}

pub fn only_national(listed: &Listed) -> Found {
    Found {
        procedure: listed.code.clone(),
        our_code: None,
        name: listed.name.clone(),
        kind: DifferenceKind::OnlyNational,
        item: String::new(),
        ours: None,
        national: Some(listed.name.clone()),
    }
}

pub fn only_ours(ours: &Ours) -> Found {
    Found {
        procedure: ours.national_code.clone(),
        our_code: Some(ours.code.clone()),
        name: ours.name.clone(),
        kind: DifferenceKind::OnlyOurs,
        item: String::new(),
        ours: Some(ours.name.clone()),
        national: None,
    }
}

/// One portal code to look at in a pull, in the order pulls walk them.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub code: String,
    pub listed: Option<Listed>,
    pub ours: Option<Ours>,
}

impl Key {
    /// Only a code on both sides needs the portal's details.
    pub fn needs_details(&self) -> bool {
        self.listed.is_some() && self.ours.is_some()
    }
}

/// Every portal code of either side, sorted, each once. Two of our procedures mapped to one
/// portal code cannot be stored (the mapping refuses it); the first wins.
pub fn keys(listed: &[Listed], ours: &[Ours]) -> Vec<Key> {
    let mut keys: std::collections::BTreeMap<String, Key> = std::collections::BTreeMap::new();
    for l in listed {
        keys.entry(l.code.clone()).or_insert_with(|| Key { code: l.code.clone(), listed: Some(l.clone()), ours: None });
    }
    for o in ours {
        let k = keys.entry(o.national_code.clone()).or_insert_with(|| Key { code: o.national_code.clone(), listed: None, ours: None });
        if k.ours.is_none() {
            k.ours = Some(o.clone());
        }
    }
    keys.into_values().collect()
}

/// The differences of one key; `details` is the portal's `LayThuTuc` when the key needs it
/// (None when the portal lists a code it cannot detail: only the names are compared).
pub fn differences_of(key: &Key, details: Option<&NationalProcedure>) -> Vec<Found> {
    match (&key.listed, &key.ours, details) {
        (Some(_), Some(o), Some(d)) => compare(o, d),
        (Some(l), Some(o), None) => {
            let only_name = NationalProcedure { code: l.code.clone(), name: l.name.clone(), processing: None, fees: vec![], legal_bases: vec![], documents: vec![] };
            compare(o, &only_name)
        }
        (Some(l), None, _) => vec![only_national(l)],
        (None, Some(o), _) => vec![only_ours(o)],
        (None, None, _) => vec![],
    }
}

/// The review state of a stored difference.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceStatus {
    /// To review.
    Open,
    /// Reviewed by an admin, with a note; stays so while the values stay the same.
    Resolved,
    /// A later pull no longer finds it.
    Gone,
}

impl DifferenceStatus {
    pub fn label_vi(self) -> &'static str {
        match self {
            DifferenceStatus::Open => "Cần rà soát",
            DifferenceStatus::Resolved => "Đã rà soát",
            DifferenceStatus::Gone => "Không còn khác biệt",
        }
    }
}

/// A stored difference of the key being reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Stored {
    pub id: i64,
    pub kind: DifferenceKind,
    pub item: String,
    pub ours: Option<String>,
    pub national: Option<String>,
    pub status: DifferenceStatus,
    pub version: i64,
}

/// What a pull writes for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Never seen before: open.
    Insert(Found),
    /// Seen before with other values, or gone and back: open again with these values, the
    /// earlier review cleared.
    Reopen { id: i64, version: i64, found: Found },
    /// No longer found while open.
    Gone { id: i64, version: i64 },
}

/// Decides what one pull changes in the stored differences of a key: a resolved difference
/// stays resolved while its values are the same; new values reopen it.
pub fn reconcile(stored: &[Stored], found: &[Found]) -> Vec<Write> {
    let mut writes = Vec::new();
    for f in found {
        match stored.iter().find(|s| s.kind == f.kind && s.item == f.item) {
            None => writes.push(Write::Insert(f.clone())),
            Some(s) => {
                let same = s.ours == f.ours && s.national == f.national;
                if !same || s.status == DifferenceStatus::Gone {
                    writes.push(Write::Reopen { id: s.id, version: s.version, found: f.clone() });
                }
            }
        }
    }
    for s in stored {
        let still = found.iter().any(|f| f.kind == s.kind && f.item == s.item);
        if !still && s.status == DifferenceStatus::Open {
            writes.push(Write::Gone { id: s.id, version: s.version });
        }
    }
    writes
}

/// A difference on the review list: both values side by side.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogDifference {
    pub id: i64,
    /// The portal's procedure code (`MaTTHC`).
    pub procedure: String,
    /// Ours, when we have the procedure.
    pub our_code: Option<String>,
    pub procedure_name: String,
    pub kind: DifferenceKind,
    pub kind_label: String,
    /// The fee (`MaPhiLePhi`) or legal basis (`SOVANBAN`) concerned; empty otherwise.
    pub item: String,
    /// Our value; null when we have none.
    pub ours: Option<String>,
    /// The portal's value; null when it has none.
    pub national: Option<String>,
    pub status: DifferenceStatus,
    pub status_label: String,
    pub first_seen_at: String,
    pub last_changed_at: String,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
    pub note: Option<String>,
}

/// Where the last pull is: a pull walks the catalog a page per call.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullState {
    pub id: i64,
    pub started_at: String,
    pub started_by: String,
    /// Portal codes looked at so far.
    pub processed: i64,
    /// The last code looked at; the next call goes on after it.
    pub cursor: String,
    pub finished_at: Option<String>,
}

/// `GET /api/admin/national-catalog/differences`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DifferenceList {
    pub open: i64,
    pub last_pull: Option<PullState>,
    pub differences: Vec<CatalogDifference>,
}

/// `POST /api/admin/national-catalog/pull`: what this call did and whether to call again.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullProgress {
    /// The pull this call advanced (null for a one-procedure pull).
    pub pull: Option<PullState>,
    /// Portal codes looked at by this call.
    pub processed: u32,
    /// Codes still to look at after this call.
    pub remaining: u32,
    /// True when the whole catalog has been compared; else call again to go on.
    pub finished: bool,
    /// Differences opened or reopened by this call.
    pub opened: u32,
    /// Differences no longer found.
    pub gone: u32,
    pub message_vi: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours() -> Ours {
        Ours {
            code: "2.000884".into(),
            national_code: "2.000884".into(),
            name: "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản".into(),
            processing_days: 1,
            legal_text: "Nghị định số 23/2015/NĐ-CP\nThông tư 226/2016/TT-BTC, Điều 4".into(),
            fees: vec![OurFee { line: "signature_fee".into(), national_code: "signature_fee".into(), name: "Phí chứng thực chữ ký".into(), amount: Some(10_000) }],
        }
    }

    fn national() -> NationalProcedure {
        NationalProcedure {
            code: "2.000884".into(),
            name: "Chứng thực chữ ký trong các giấy tờ, văn bản".into(),
            processing: Some(Processing { amount: "1".into(), unit: "Ngày làm việc".into() }),
            fees: vec![NationalFee { code: "signature_fee".into(), amount: Some(10_000), description: "Phí chứng thực".into() }],
            legal_bases: vec![LegalBasis { number: "23/2015/NĐ-CP".into(), title: "Nghị định 23/2015/NĐ-CP về cấp bản sao".into() }],
            documents: vec!["Giấy tờ cần chứng thực".into()],
        }
    }

    #[test]
    fn the_portals_replies_are_read_back_as_the_sandbox_writes_them() {
        let reply = procedure_reply(Some(&national()));
        assert_eq!(parse_procedure(&reply).unwrap(), Some(national()));
        assert_eq!(parse_procedure(&procedure_reply(None)).unwrap(), None);
        let listed = vec![Listed { code: "1.000894".into(), name: "Đăng ký kết hôn".into() }];
        assert_eq!(parse_list(&list_reply(&listed)).unwrap(), listed);
        assert!(parse_list(&json!({"error_code": 0})).is_err());
        assert!(parse_procedure(&json!({"error_code": 0, "result": 3})).is_err());
    }

    #[test]
    fn a_reply_as_opencps_documents_it_is_read() {
        // Shaped after FACTS §4 (OI / T `AddThuTucTypes.cs`): numbers as numbers, two channels.
        let reply = json!({"error_code": 0, "result": [{
            "MATTHC": "1.004873", "TENTTHC": "Cấp Giấy xác nhận tình trạng hôn nhân", "TRANGTHAI": 1,
            "CACHTHUCTHUCHIEN": [
                {"KENH": 1, "THOIGIAN": [{"THOIGIANGIAIQUYET": 3, "DONVITINH": "Ngày làm việc", "PHILEPHI": [{"MAPHILEPHI": "LP01", "SOTIEN": 10000, "MOTA": "Lệ phí"}]}]},
                {"KENH": 2, "THOIGIAN": [{"THOIGIANGIAIQUYET": "2", "DONVITINH": "Ngày làm việc", "PHILEPHI": [{"MAPHILEPHI": "LP01", "SOTIEN": "10.000", "MOTA": "Lệ phí"}, {"MAPHILEPHI": "LP02", "SOTIEN": "Miễn phí", "MOTA": "Trực tuyến"}]}]}
            ],
            "CANCUPHAPLY": [{"SOVANBAN": "123/2015/NĐ-CP", "TENVANBAN": "Nghị định 123/2015/NĐ-CP"}, {"SOVANBAN": "", "TENVANBAN": ""}]
        }]});
        let p = parse_procedure(&reply).unwrap().unwrap();
        assert_eq!(p.processing, Some(Processing { amount: "2".into(), unit: "Ngày làm việc".into() }), "the online channel's time");
        assert_eq!(p.fees.len(), 2, "the same fee of two channels once: {:?}", p.fees);
        assert_eq!(p.fees[0].amount, Some(10_000));
        assert_eq!(p.fees[1].amount, None, "'Miễn phí' is not an amount");
        assert_eq!(p.legal_bases.len(), 1);
    }

    #[test]
    fn the_same_procedure_has_no_differences() {
        assert_eq!(compare(&ours(), &national()), vec![], "the leading 'Thủ tục' and case do not count");
    }

    #[test]
    fn each_kind_of_difference_is_found_with_both_values() {
        let mut n = national();
        n.name = "Chứng thực chữ ký (sửa đổi)".into();
        n.processing = Some(Processing { amount: "2".into(), unit: "Ngày làm việc".into() });
        n.fees[0].amount = Some(12_000);
        n.legal_bases.push(LegalBasis { number: "01/2020/TT-BTP".into(), title: "Thông tư 01/2020/TT-BTP".into() });
        let found = compare(&ours(), &n);
        let kinds: Vec<_> = found.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, vec![DifferenceKind::Name, DifferenceKind::ProcessingDays, DifferenceKind::FeeAmount, DifferenceKind::LegalBasisMissing]);
        assert_eq!(found[1].ours.as_deref(), Some("1 ngày làm việc"));
        assert_eq!(found[1].national.as_deref(), Some("2 ngày làm việc"));
        assert_eq!(found[2].ours.as_deref(), Some("Phí chứng thực chữ ký: 10.000 đồng"));
        assert_eq!(found[2].national.as_deref(), Some("12.000 đồng"));
        assert_eq!(found[2].item, "signature_fee");
        assert_eq!((found[3].item.as_str(), found[3].ours.as_deref()), ("01/2020/TT-BTP", None));
        assert_eq!(found[3].national.as_deref(), Some("Thông tư 01/2020/TT-BTP"));
    }

    #[test]
    fn fees_pair_by_the_mapped_code_then_a_lone_line_with_a_lone_fee() {
        let mut o = ours();
        let mut n = national();
        n.fees[0].code = "LP-CT-01".into();
        assert_eq!(compare(&o, &n), vec![], "one line each: paired though the codes differ");
        n.fees.push(NationalFee { code: "LP-CT-02".into(), amount: Some(5_000), description: "Phí khác".into() });
        let found = compare(&o, &n);
        assert_eq!(found.len(), 3, "two fees for one line: none paired by guess {found:?}");
        assert!(found.iter().any(|f| f.item == "signature_fee" && f.national.is_none()));
        assert!(found.iter().any(|f| f.item == "LP-CT-02" && f.ours.is_none() && f.national.as_deref() == Some("Phí khác: 5.000 đồng")));
        o.fees[0].national_code = "LP-CT-01".into();
        let found = compare(&o, &n);
        assert_eq!(found.iter().map(|f| f.item.as_str()).collect::<Vec<_>>(), vec!["LP-CT-02"], "the mapped line pairs");
        // A rate has no amount to compare.
        o.fees[0].amount = None;
        n.fees[0].amount = Some(1);
        assert_eq!(compare(&o, &n).len(), 1);
    }

    #[test]
    fn a_time_in_hours_is_never_the_same_as_days() {
        let mut n = national();
        n.processing = Some(Processing { amount: "1".into(), unit: "Giờ".into() });
        let found = compare(&ours(), &n);
        assert_eq!(found[0].kind, DifferenceKind::ProcessingDays);
        assert_eq!(found[0].national.as_deref(), Some("1 giờ"));
    }

    #[test]
    fn keys_cover_both_sides_once_in_order() {
        let listed = vec![Listed { code: "2.000884".into(), name: "x".into() }, Listed { code: "1.999999".into(), name: "Chỉ trên Cổng".into() }];
        let mut only = ours();
        only.code = "2.000635".into();
        only.national_code = "2.000635".into();
        let keys = keys(&listed, &[ours(), only]);
        assert_eq!(keys.iter().map(|k| k.code.as_str()).collect::<Vec<_>>(), vec!["1.999999", "2.000635", "2.000884"]);
        assert_eq!(keys.iter().map(Key::needs_details).collect::<Vec<_>>(), vec![false, false, true]);
        assert_eq!(differences_of(&keys[0], None)[0].kind, DifferenceKind::OnlyNational);
        assert_eq!(differences_of(&keys[1], None)[0].kind, DifferenceKind::OnlyOurs);
        assert_eq!(differences_of(&keys[2], None)[0].kind, DifferenceKind::Name, "without details only the names");
    }

    fn stored(id: i64, f: &Found, status: DifferenceStatus) -> Stored {
        Stored { id, kind: f.kind, item: f.item.clone(), ours: f.ours.clone(), national: f.national.clone(), status, version: 3 }
    }

    #[test]
    fn a_resolved_difference_stays_resolved_until_its_values_change() {
        let mut n = national();
        n.fees[0].amount = Some(12_000);
        let found = compare(&ours(), &n);
        assert!(matches!(reconcile(&[], &found)[..], [Write::Insert(_)]));
        let resolved = [stored(7, &found[0], DifferenceStatus::Resolved)];
        assert_eq!(reconcile(&resolved, &found), vec![], "same values: nothing to write");
        n.fees[0].amount = Some(15_000);
        let changed = compare(&ours(), &n);
        assert_eq!(reconcile(&resolved, &changed), vec![Write::Reopen { id: 7, version: 3, found: changed[0].clone() }]);
        // Fixed on one side: an open one goes, a resolved one stays as it is.
        assert_eq!(reconcile(&[stored(7, &found[0], DifferenceStatus::Open)], &[]), vec![Write::Gone { id: 7, version: 3 }]);
        assert_eq!(reconcile(&resolved, &[]), vec![]);
        // Gone, then back: open again.
        assert!(matches!(reconcile(&[stored(7, &found[0], DifferenceStatus::Gone)], &found)[..], [Write::Reopen { id: 7, .. }]));
    }
}
