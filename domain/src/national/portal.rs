//! The adapter to the national portal's integration services. Every fact here comes from
//! `../shared/national/FACTS.md`: [V] seen in a public implementation (VietOpenCPS/opencps-v2
//! `DVCQGIntegrationActionImpl.java`, "OI"; the Thanh Hóa implementation
//! HuanVu201/DichVuCong_KhoaLuan_PASETO, "T"), [A] an assumption. Only this module knows them.
//!
//! Transport [V OI]: `POST <base><endpoint>` with JSON; the log-in service answers a `session`
//! that every later body carries with `madonvi` (the unit code) and `service`. Dossier sync is
//! `DongBoHoSoMC` with `isUpdating` and `data[]`; the reply is `{error_code, message, result}`,
//! `error_code` 0 meaning accepted.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::{Date, OffsetDateTime};

use crate::dossier::DossierStatus;

/// The log-in, integration and share endpoints, relative to the portal's base address [V OI:
/// `auth_endpoint`, `integration_endpoint`, `share_endpoint` are configuration; these paths are
/// ours, set per deployment].
pub const AUTH_PATH: &str = "/auth";
pub const INTEGRATION_PATH: &str = "/integration";
pub const SHARE_PATH: &str = "/share";

pub const SERVICE_DOSSIER: &str = "DongBoHoSoMC";
pub const SERVICE_RATING: &str = "DongBoDanhGia";

/// `TrangThaiHoSo` [V TF, `FormatTrangThaiHoSoDVCQG.cs`]: 1 new, 2 accepted, 3 refused,
/// 4 processing, 5 supplement requested, 6 fee due, 7 withdrawn, 8 stopped, 9 processed,
/// 10 returned. The meanings are [A]; the numbers are [V].
pub fn status_code(status: DossierStatus) -> u8 {
    match status {
        DossierStatus::Draft | DossierStatus::Submitted => 1,
        // [A] A settled fee puts the dossier back to "accepted, waiting for processing"; the
        // payment itself travels in the same message (`DuocThanhToanTrucTuyen`, `DanhSachLePhi`).
        DossierStatus::Received | DossierStatus::Paid => 2,
        DossierStatus::Rejected => 3,
        DossierStatus::Processing => 4,
        DossierStatus::SupplementRequested => 5,
        DossierStatus::FeeNotified => 6,
        DossierStatus::Withdrawn => 7,
        DossierStatus::ResultReady => 9,
        DossierStatus::Returned | DossierStatus::Completed => 10,
    }
}

/// Dates are `yyyyMMddHHmmss` in Vietnam's time [V OI].
pub fn portal_time(t: OffsetDateTime) -> String {
    let local = crate::calendar::vietnam_local(t);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute(),
        local.second()
    )
}

/// A deadline (a date) is the end of its working day [A: 17:00, the desk's closing hour].
pub fn portal_deadline(d: Date) -> String {
    format!("{:04}{:02}{:02}170000", d.year(), u8::from(d.month()), d.day())
}

/// What motcua knows of a dossier when its message is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierSnapshot {
    pub code: String,
    /// The portal's unit code of the agency handling it (mapping, else ours).
    pub unit_code: String,
    pub unit_name: String,
    /// The portal's procedure code (mapping, else ours).
    pub procedure_code: String,
    pub procedure_name: String,
    pub owner_name: String,
    /// A citizen's 12-digit number (or the legacy 9-digit one).
    pub owner_id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub summary: String,
    /// `online`, `counter` or `post`.
    pub channel: String,
    pub submitted_at: Option<OffsetDateTime>,
    pub deadline: Option<Date>,
    pub returned_at: Option<OffsetDateTime>,
    pub documents: Vec<Document>,
    pub results: Vec<Document>,
    pub fees: Vec<Fee>,
    /// Whether the fees were paid online (None: not paid, or nothing to pay).
    pub paid_online: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fee {
    pub code: String,
    pub name: String,
    /// True for lệ phí, false for phí.
    pub le_phi: bool,
    pub amount: i64,
}

/// The step a message reports: the event's new status, when, by whom and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub status: DossierStatus,
    pub at: OffsetDateTime,
    /// The action's label in Vietnamese ("tiếp nhận hồ sơ").
    pub action: String,
    /// Who acted, as the portal shows it (`NguoiXuLy`, at most 50 characters [V T]).
    pub actor: String,
    pub reason: Option<String>,
}

/// The log-in body [V OI].
pub fn auth_body(username: &str, password: &str) -> Value {
    json!({ "username": username, "password": password })
}

/// The session out of the log-in reply [V OI: `{"error_code":0,"session"}`].
pub fn auth_session(body: &str) -> Result<String, Reply> {
    match classify(200, body) {
        Reply::Accepted(v) => match v.get("session").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            Some(s) => Ok(s.to_string()),
            None => Err(Reply::Failed { transient: true, code: "bad_reply", detail: "log-in reply without a session".into() }),
        },
        other => Err(other),
    }
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The body of `DongBoHoSoMC` for one step, without the session (added when sent, so that the
/// stored copy never holds it). `updating` is the portal's `isUpdating`: false only for the
/// dossier's first message [V OI, HG: accept = 1 with "False", then 2 with "True"].
pub fn dossier_message(d: &DossierSnapshot, step: &Step, updating: bool) -> Value {
    let status = status_code(step.status);
    let id_kind = if d.owner_id_number.len() == 12 { "1" } else { "2" };
    let finished = matches!(status, 3 | 7 | 10);
    // [V T] "1" paid online, else "3".
    let paid_online = if d.paid_online == Some(true) { "1" } else { "3" };
    let note = match &step.reason {
        Some(r) if !r.trim().is_empty() => format!("{} - {}", step.action, r.trim()),
        _ => step.action.clone(),
    };
    let item = json!({
        "MaHoSo": d.code,
        "MaTTHC": d.procedure_code,
        "TenTTHC": cut(&d.procedure_name, 1000),
        "ChuHoSo": cut(&d.owner_name, 200),
        // [V] 1 citizen; motcua files only for individuals today.
        "LoaiDoiTuong": "1",
        "DinhDanhCHS": [{ "LoaiDinhDanh": id_kind, "SoDinhDanh": d.owner_id_number }],
        "SoDienThoai": d.phone,
        "Email": d.email,
        "DiaChi": cut(&d.address, 1000),
        "TrichYeuHoSo": cut(&d.summary, 4000),
        "NgayTiepNhan": d.submitted_at.map(portal_time).unwrap_or_default(),
        "NgayHenTra": d.deadline.map(portal_deadline).unwrap_or_default(),
        "TrangThaiHoSo": status.to_string(),
        "NgayTra": d.returned_at.map(portal_time).unwrap_or_default(),
        "NgayKetThucXuLy": if finished { portal_time(step.at) } else { String::new() },
        // [V] 0 counter, 1 post; [V T] KenhThucHien adds online.
        "HinhThuc": if d.channel == "post" { "1" } else { "0" },
        "KenhThucHien": match d.channel.as_str() { "online" => "2", "post" => "3", _ => "1" },
        "DonViXuLy": d.unit_name,
        "DuocThanhToanTrucTuyen": paid_online,
        "TaiLieuNop": d.documents.iter().map(|f| json!({
            "TepDinhKemId": f.id, "TenTepDinhKem": f.name, "IsDeleted": "False", "MaThanhPhanHoSo": "", "DuongDanTaiTepTin": f.url,
        })).collect::<Vec<_>>(),
        "DanhSachGiayToKetQua": d.results.iter().map(|f| json!({
            "TenGiayTo": f.name, "MaThanhPhanHoSo": "", "GiayToId": f.id, "DuongDanTepTinKetQua": f.url,
        })).collect::<Vec<_>>(),
        // [V OP] LoaiPhiLePhi 1 phí, 2 lệ phí; HinhThucThu [A] 1 online, 2 at the counter.
        "DanhSachLePhi": d.fees.iter().map(|f| json!({
            "TenPhiLePhi": f.name, "MaPhiLePhi": f.code,
            "HinhThucThu": match d.paid_online { Some(true) => "1", Some(false) => "2", None => "" },
            "Gia": f.amount.to_string(), "LoaiPhiLePhi": if f.le_phi { "2" } else { "1" },
        })).collect::<Vec<_>>(),
        // The step itself, as CapNhatTienDoHoSoMC's row carries it [V OI, TS]; sent inside the
        // dossier message [A] so that one acknowledged message is one synced state.
        "TienDoXuLy": [{
            "NguoiXuLy": cut(&step.actor, 50),
            "ThoiDiemXuLy": portal_time(step.at),
            "NoiDungXuLy": cut(&note, 1000),
            "TrangThai": status.to_string(),
            "NgayBatDau": portal_time(step.at),
            "NgayKetThucTheoQuyDinh": d.deadline.map(portal_deadline).unwrap_or_default(),
        }],
    });
    json!({
        "madonvi": d.unit_code,
        "service": SERVICE_DOSSIER,
        "isUpdating": if updating { "True" } else { "False" },
        "data": [item],
    })
}

/// A citizen's rating of one dossier. [V OI `payloadSummaryVote`] sends monthly percentages per
/// question; the per-dossier form is [A]: one item with the month, the answer as 100 % of one
/// person, the procedure and unit.
pub fn rating_message(d: &DossierSnapshot, rating: &str, comment: &str, at: OffsetDateTime) -> Value {
    let local = crate::calendar::vietnam_local(at);
    let (very, ok, not) = match rating {
        "rat_hai_long" => ("100%", "0%", "0%"),
        "hai_long" => ("0%", "100%", "0%"),
        _ => ("0%", "0%", "100%"),
    };
    json!({
        "madonvi": d.unit_code,
        "service": SERVICE_RATING,
        "data": [{
            "MaHoSo": d.code,
            "NgayTongHop": format!("{}-{}", u8::from(local.month()), local.year()),
            "TongSoNguoiDanhGia": 1,
            "PhanTramDanhGia": { "RatHaiLong": very, "HaiLong": ok, "ChuaHaiLong": not },
            "DanhSachNoiDungYKien": if comment.trim().is_empty() { vec![] } else { vec![cut(comment.trim(), 1000)] },
            "MaThuTuc": d.procedure_code,
            "Madonvi": d.unit_code,
            "TenDonVi": d.unit_name,
        }],
    })
}

/// The portal's three satisfaction levels for a citizen's score 1–5. [A] The portal asks for
/// three answers only (`PhanTramDanhGia{RatHaiLong,HaiLong,ChuaHaiLong}`, FACTS §3); the 5-level
/// scale (rất hài lòng, hài lòng, bình thường, không hài lòng, rất không hài lòng — the
/// `MucDoRHL…MucDoRKHL` of T's survey sheets, `PhieuKhaoSat`) is folded so that only 4 and 5
/// count as satisfied: 5 → rất hài lòng, 4 → hài lòng, 1–3 → chưa hài lòng ("bình thường" is not
/// yet satisfied). `None` outside 1..=5.
pub fn level_of_score(score: u8) -> Option<super::RatingValue> {
    use super::RatingValue::*;
    match score {
        5 => Some(RatHaiLong),
        4 => Some(HaiLong),
        1..=3 => Some(ChuaHaiLong),
        _ => None,
    }
}

/// The score a rating given on the portal's three levels stands for (ratings from before the
/// 1–5 scale, and a body that still sends `rating`): 5, 4, and 2 — the middle of 1–3.
pub fn score_of_level(level: super::RatingValue) -> u8 {
    match level {
        super::RatingValue::RatHaiLong => 5,
        super::RatingValue::HaiLong => 4,
        super::RatingValue::ChuaHaiLong => 2,
    }
}

/// A reason a citizen may tick beside the score: what the rating is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingReason {
    pub code: &'static str,
    pub label_vi: &'static str,
    pub label_en: &'static str,
}

/// The reasons offered with a rating. [A] No public implementation shows the portal's own list
/// for a single dossier (FACTS §3: the per-dossier format is unknown; OI sends only the three
/// percentages and free comments `DanhSachNoiDungYKien`). The list follows the criteria public
/// service portals' satisfaction surveys ask about — information easy to find and up to date,
/// convenience of filing and receiving online, the serving agency's attitude and response time
/// (the survey of dichvucong.most.gov.vn/dvc/Pages/KhaoSat.aspx and of the courts' portal) —
/// and the elements of the government's satisfaction index SIPAS (QĐ 2640/QĐ-BNV: access, the
/// procedure, the official, the result, feedback handling), plus motcua's own payment step.
/// The codes are ours; `khac` points at the comment. A province with the portal's real list
/// changes this table only.
pub const RATING_REASONS: [RatingReason; 8] = [
    RatingReason { code: "thong_tin_huong_dan", label_vi: "Thông tin, hướng dẫn về thủ tục", label_en: "Information and guidance on the procedure" },
    RatingReason { code: "thu_tuc_giay_to", label_vi: "Thủ tục, giấy tờ phải nộp", label_en: "The procedure and documents required" },
    RatingReason { code: "nop_truc_tuyen", label_vi: "Nộp hồ sơ, theo dõi trực tuyến", label_en: "Filing and tracking online" },
    RatingReason { code: "thanh_toan", label_vi: "Thanh toán phí, lệ phí", label_en: "Paying fees and charges" },
    RatingReason { code: "thai_do_can_bo", label_vi: "Thái độ phục vụ của cán bộ", label_en: "The officers' attitude" },
    RatingReason { code: "dung_hen", label_vi: "Thời gian giải quyết, trả kết quả đúng hẹn", label_en: "Processing time, result on the promised date" },
    RatingReason { code: "ket_qua", label_vi: "Kết quả giải quyết đúng, đầy đủ", label_en: "A correct and complete result" },
    RatingReason { code: "khac", label_vi: "Lý do khác (ghi ở ý kiến)", label_en: "Other (see the comment)" },
];

/// The reason of a code, if it is one of [`RATING_REASONS`].
pub fn rating_reason(code: &str) -> Option<&'static RatingReason> {
    RATING_REASONS.iter().find(|r| r.code == code)
}

/// What a reply means for delivery.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `error_code` 0: the portal has it.
    Accepted(Value),
    /// The session is no longer valid [A: OI never refreshes; we log in again and resend once].
    SessionExpired,
    /// Not delivered. `transient`: try again later (the portal or the network failed); else the
    /// portal refused the content and resending the same will not help.
    Failed { transient: bool, code: &'static str, detail: String },
}

/// Reads an HTTP answer of the portal.
pub fn classify(http_status: u16, body: &str) -> Reply {
    if http_status == 401 || http_status == 403 {
        return Reply::SessionExpired;
    }
    if http_status == 408 || http_status == 429 || http_status >= 500 {
        return Reply::Failed { transient: true, code: "server_error", detail: format!("HTTP {http_status}: {}", cut(body.trim(), 300)) };
    }
    if !(200..300).contains(&http_status) {
        return Reply::Failed { transient: false, code: "refused", detail: format!("HTTP {http_status}: {}", cut(body.trim(), 300)) };
    }
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        return Reply::Failed { transient: true, code: "bad_reply", detail: format!("not JSON: {}", cut(body.trim(), 200)) };
    };
    // [V OI] error_code is "0" or 0; [V TS] "3"/"-3" with "đã tồn tại" means "already there".
    let code = match value.get("error_code") {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Reply::Failed { transient: true, code: "bad_reply", detail: "reply without error_code".into() },
    };
    let message = value.get("message").and_then(Value::as_str).unwrap_or("").to_string();
    if code == "0" || message.to_lowercase().contains("đã tồn tại") {
        return Reply::Accepted(value);
    }
    // [A] the portal's "session expired" answer.
    if code == "-2" || message.to_lowercase().contains("session") {
        return Reply::SessionExpired;
    }
    Reply::Failed { transient: false, code: "refused", detail: format!("error_code {code}: {}", cut(&message, 500)) }
}

/// The key under which the sandbox recognises a message it already has: the same dossier in
/// the same state at the same step (time and what was done) is the same message, whatever the
/// number of deliveries.
pub fn message_key(body: &Value) -> Option<(String, String, String)> {
    let service = body.get("service")?.as_str()?.to_string();
    let item = body.get("data")?.as_array()?.first()?;
    let dossier = item.get("MaHoSo")?.as_str()?.to_string();
    let key = match service.as_str() {
        SERVICE_RATING => format!("{service}|{dossier}"),
        _ => {
            let step = item.get("TienDoXuLy")?.as_array()?.first()?;
            format!(
                "{service}|{dossier}|{}|{}|{}",
                item.get("TrangThaiHoSo")?.as_str()?,
                step.get("ThoiDiemXuLy")?.as_str()?,
                step.get("NoiDungXuLy")?.as_str()?
            )
        }
    };
    Some((service, dossier, key))
}

/// What the sandbox checks of a dossier message, as the portal documents its required fields
/// [V OI field list]: the problems, in Vietnamese, empty when acceptable.
pub fn check_dossier_message(body: &Value, known_procedure: impl Fn(&str) -> bool) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(item) = body.get("data").and_then(Value::as_array).and_then(|d| d.first()) else {
        return vec!["Thiếu data".into()];
    };
    let text = |name: &str| item.get(name).and_then(Value::as_str).unwrap_or("");
    for name in ["MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "NgayTiepNhan", "TrangThaiHoSo"] {
        if text(name).trim().is_empty() {
            problems.push(format!("Thiếu {name}"));
        }
    }
    if !matches!(text("TrangThaiHoSo").parse::<u8>(), Ok(1..=10)) {
        problems.push("TrangThaiHoSo không hợp lệ".into());
    }
    for name in ["NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy"] {
        let v = text(name);
        if !v.is_empty() && (v.len() != 14 || !v.bytes().all(|b| b.is_ascii_digit())) {
            problems.push(format!("{name} không đúng định dạng yyyyMMddHHmmss"));
        }
    }
    if !text("MaTTHC").is_empty() && !known_procedure(text("MaTTHC")) {
        problems.push(format!("Mã TTHC {} không tồn tại trên Cổng DVCQG", text("MaTTHC")));
    }
    if body.get("madonvi").and_then(Value::as_str).unwrap_or("").is_empty() {
        problems.push("Thiếu madonvi".into());
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn snapshot() -> DossierSnapshot {
        DossierSnapshot {
            code: "000.00.30.H23-261206-0001".into(),
            unit_code: "000.00.30.H23".into(),
            unit_name: "UBND xã Đại Sơn".into(),
            procedure_code: "2.000815".into(),
            procedure_name: "Chứng thực bản sao từ bản chính".into(),
            owner_name: "Nguyễn Văn An".into(),
            owner_id_number: "030200001234".into(),
            phone: "0912345678".into(),
            email: String::new(),
            address: "Thôn 1, xã Đại Sơn".into(),
            summary: "Chứng thực 2 bản sao".into(),
            channel: "online".into(),
            submitted_at: Some(datetime!(2026-12-06 02:03:04 UTC)),
            deadline: Some(date!(2026 - 12 - 08)),
            returned_at: None,
            documents: vec![],
            results: vec![],
            fees: vec![Fee { code: "LP1".into(), name: "Lệ phí chứng thực".into(), le_phi: true, amount: 4000 }],
            paid_online: Some(true),
        }
    }

    fn step(status: DossierStatus) -> Step {
        Step {
            status,
            at: datetime!(2026-12-06 03:00:00 UTC),
            action: "tiếp nhận hồ sơ".into(),
            actor: "Cán bộ Một cửa".into(),
            reason: None,
        }
    }

    #[test]
    fn every_status_has_a_code_in_the_portals_range() {
        for s in DossierStatus::ALL {
            assert!((1..=10).contains(&status_code(s)), "{s:?}");
        }
        assert_eq!(status_code(DossierStatus::Received), 2);
        assert_eq!(status_code(DossierStatus::Returned), 10);
        assert_eq!(status_code(DossierStatus::Rejected), 3);
    }

    #[test]
    fn times_are_vietnamese_local_in_fourteen_digits() {
        assert_eq!(portal_time(datetime!(2026-12-06 17:30:05 UTC)), "20261207003005");
        assert_eq!(portal_deadline(date!(2026 - 01 - 02)), "20260102170000");
    }

    #[test]
    fn a_dossier_message_passes_the_portals_checks() {
        let body = dossier_message(&snapshot(), &step(DossierStatus::Paid), true);
        assert_eq!(body["isUpdating"], "True");
        assert_eq!(body["data"][0]["TrangThaiHoSo"], "2");
        assert_eq!(body["data"][0]["DuocThanhToanTrucTuyen"], "1");
        assert_eq!(body["data"][0]["DanhSachLePhi"][0]["LoaiPhiLePhi"], "2");
        assert_eq!(body["data"][0]["DinhDanhCHS"][0]["LoaiDinhDanh"], "1");
        assert!(check_dossier_message(&body, |c| c == "2.000815").is_empty());
        let problems = check_dossier_message(&body, |_| false);
        assert_eq!(problems, vec!["Mã TTHC 2.000815 không tồn tại trên Cổng DVCQG".to_string()]);
    }

    #[test]
    fn the_same_step_has_the_same_key_and_a_later_one_another() {
        let a = dossier_message(&snapshot(), &step(DossierStatus::Received), false);
        let b = dossier_message(&snapshot(), &step(DossierStatus::Received), true);
        let mut later = step(DossierStatus::Processing);
        later.at = datetime!(2026-12-06 04:00:00 UTC);
        let c = dossier_message(&snapshot(), &later, true);
        assert_eq!(message_key(&a), message_key(&b));
        assert_ne!(message_key(&a), message_key(&c));
    }

    #[test]
    fn scores_fold_onto_the_portals_three_levels_and_back() {
        use super::super::RatingValue::*;
        let levels: Vec<_> = (0..=6).map(level_of_score).collect();
        assert_eq!(levels, [None, Some(ChuaHaiLong), Some(ChuaHaiLong), Some(ChuaHaiLong), Some(HaiLong), Some(RatHaiLong), None]);
        for v in super::super::RatingValue::ALL {
            assert_eq!(level_of_score(score_of_level(v)), Some(v), "a level's score maps back to it");
        }
        let codes: std::collections::BTreeSet<_> = RATING_REASONS.iter().map(|r| r.code).collect();
        assert_eq!(codes.len(), RATING_REASONS.len(), "codes are unique");
        assert!(rating_reason("thai_do_can_bo").is_some() && rating_reason("nhanh").is_none());
    }

    #[test]
    fn replies_are_told_apart() {
        assert!(matches!(classify(200, r#"{"error_code":0,"message":"ok"}"#), Reply::Accepted(_)));
        assert!(matches!(classify(200, r#"{"error_code":"0","message":"thành công"}"#), Reply::Accepted(_)));
        assert!(matches!(classify(200, r#"{"error_code":"-3","message":"Hồ sơ đã tồn tại"}"#), Reply::Accepted(_)));
        assert!(matches!(classify(503, "down"), Reply::Failed { transient: true, .. }));
        assert!(matches!(classify(200, "<html>"), Reply::Failed { transient: true, .. }));
        assert!(matches!(classify(200, r#"{"error_code":"1","message":"Sai MaTTHC"}"#), Reply::Failed { transient: false, .. }));
        assert_eq!(classify(401, ""), Reply::SessionExpired);
        assert_eq!(auth_session(r#"{"error_code":0,"session":"abc"}"#), Ok("abc".to_string()));
        assert!(auth_session(r#"{"error_code":0}"#).is_err());
    }
}
