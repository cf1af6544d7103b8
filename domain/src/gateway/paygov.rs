//! The national public-service portal's payment platform (Nền tảng thanh toán của Cổng Dịch vụ
//! công quốc gia, "PaymentPlatform"): the provincial integration messages INIT (open a payment
//! with its receipt information), QUERY (status), GET_BILL (the receipt PDF) and the confirm
//! callback, each authenticated by `MaXacThuc` = lower-case hex SHA-256 of its fields joined
//! with `|`, ending with the partner secret.
//!
//! No public specification exists. What is KNOWN comes from one public provincial
//! implementation, `HuanVu201/DichVuCong_KhoaLuan_PASETO` (namespace `TD.DichVuCongApi`), files
//! `Infrastructure/DvcPayment/DvcPaymentService.cs`, `InitDvcPaymentRequest.cs`,
//! `BienLaiDvcPaymentRequest.cs` and `YeuCauThanhToanApp/Commands/ConfirmDvcPayment*.cs`:
//! - field names and defaults of INIT (`LoaiBanTin` INIT, `PhienBan` 1.0.6, `LoaiHinhThanhToan`
//!   PAY, `MaKenhThanhToan` 1, `MaThietBi` 1, `NgonNgu` vi-VN, `MaTienTe` VND, `MaNganHang`
//!   PAYMENT, `ThongTinBienLai` with `MaDichVu` 2, `PhiLePhi` and `DSKhoanNop` lines);
//! - the `MaXacThuc` field orders of INIT, QUERY, GET_BILL and the confirm callback (below);
//! - INIT's answer `{"error_code":"0","message":"<JSON text with UrlThanhToan>"}`;
//! - QUERY's answer fields, with `TrangThaiGD` 1 paid, 3 pending, 4 failed, and `MaLoi` 00 = OK.
//!
//! ASSUMED (not visible in that code): the URLs (that code reads three URLs from settings; we
//! default to `{base}/init`, `/query`, `/get-bill` on a configured host, there is no public
//! sandbox); the confirm callback's `LoaiBanTin` value (we send `CONFIRM`); our reply codes to a
//! bad confirm (`MaLoi` 01 bad MaXacThuc, 02 unknown order, 03 wrong amount, 99 other — that code
//! answers with an exception); that QUERY's answer is not signed (that code does not check it).
//! That code formats `ThoiGianGD` with `yyyyMMddhhmmss` (12-hour clock, likely a slip); we send
//! the 24-hour `yyyyMMddHHmmss` in GMT+7 like the other Vietnamese gateways.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{ProviderResult, signed_reference};
use super::{
    check_hex, de_text, gmt7_compact, parse_dong, parse_json, sha256_hex, CallbackOutcome,
    CallbackVerdict, GatewayError, PaymentGateway, PaymentRequest, Provider, RawCallback,
    Reference, Reply, Secret, StartPayment,
};
use crate::money::Vnd;

pub const VERSION: &str = "1.0.6";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaygovConfig {
    pub partner_code: String,
    pub secret: Secret,
    pub init_url: String,
    pub query_url: String,
    pub bill_url: String,
}

impl PaygovConfig {
    /// With the assumed paths on `base_url` (see the module note).
    pub fn new(partner_code: impl Into<String>, secret: Secret, base_url: &str) -> Self {
        let base = base_url.trim_end_matches('/');
        Self {
            partner_code: partner_code.into(),
            secret,
            init_url: format!("{base}/init"),
            query_url: format!("{base}/query"),
            bill_url: format!("{base}/get-bill"),
        }
    }
}

/// `MaXacThuc`: SHA-256 hex of the fields and the secret joined by `|`.
pub fn ma_xac_thuc(fields: &[&str], secret: &Secret) -> String {
    let mut all = fields.to_vec();
    all.push(secret.expose());
    sha256_hex(&all.join("|"))
}

/// Phí (fee for a service) or lệ phí (state charge); the receipt keeps them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeeKind {
    Phi,
    LePhi,
}

impl FeeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FeeKind::Phi => "Phi",
            FeeKind::LePhi => "LePhi",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLine {
    pub kind: FeeKind,
    pub code: String,
    pub name: String,
    pub amount: Vnd,
}

/// What the portal prints on its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptInfo {
    /// Mã TTHC, the national procedure code (e.g. `1.001234`).
    pub procedure_code: String,
    pub procedure_name: String,
    /// Mã DVC, the portal's service code for the procedure.
    pub service_code: String,
    /// Mã định danh of the agency that collects.
    pub agency_code: String,
    pub agency_name: String,
    pub dossier_code: String,
    pub beneficiary_account: String,
    /// The beneficiary bank's code as the portal knows it.
    pub beneficiary_bank: String,
    pub beneficiary_name: String,
    pub payer_name: String,
    pub payer_id_no: String,
    pub payer_address: String,
    pub fee_lines: Vec<FeeLine>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLineWire {
    pub LoaiPhiLePhi: String,
    pub MaPhiLePhi: String,
    pub TenPhiLePhi: String,
    pub SoTien: String,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KhoanNopWire {
    pub NoiDung: String,
    pub SoTien: String,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptWire {
    pub MaDichVu: String,
    pub MaDVC: String,
    pub TenDVC: String,
    pub MaTTHC: String,
    pub TenTTHC: String,
    pub MaDonVi: String,
    pub TenDonVi: String,
    pub MaHoSo: String,
    pub TKThuHuong: String,
    pub MaNHThuHuong: String,
    pub TenTKThuHuong: String,
    pub NoiDungThanhToan: String,
    pub HoTenNguoiNop: String,
    pub SoCMNDNguoiNop: String,
    pub DiaChiNguoiNop: String,
    pub PhiLePhi: Vec<FeeLineWire>,
    pub DSKhoanNop: Vec<KhoanNopWire>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitWire {
    pub LoaiBanTin: String,
    pub PhienBan: String,
    pub MaDoiTac: String,
    pub MaThamChieu: String,
    pub SoTien: String,
    pub LoaiHinhThanhToan: String,
    pub MaKenhThanhToan: String,
    pub MaThietBi: String,
    pub NgonNgu: String,
    pub MaTienTe: String,
    pub MaNganHang: String,
    pub ThongTinGiaoDich: String,
    pub ThoiGianGD: String,
    pub Ip: String,
    pub MaXacThuc: String,
    pub ThongTinBienLai: ReceiptWire,
}

impl InitWire {
    /// `LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|SoTien|LoaiHinhThanhToan|MaKenhThanhToan|
    /// MaThietBi|NgonNgu|MaTienTe|MaNganHang|ThongTinGiaoDich|ThoiGianGD|Ip|secret` (known).
    pub fn expected_mac(&self, secret: &Secret) -> String {
        ma_xac_thuc(
            &[
                &self.LoaiBanTin,
                &self.PhienBan,
                &self.MaDoiTac,
                &self.MaThamChieu,
                &self.SoTien,
                &self.LoaiHinhThanhToan,
                &self.MaKenhThanhToan,
                &self.MaThietBi,
                &self.NgonNgu,
                &self.MaTienTe,
                &self.MaNganHang,
                &self.ThongTinGiaoDich,
                &self.ThoiGianGD,
                &self.Ip,
            ],
            secret,
        )
    }
}

pub fn init_wire(
    config: &PaygovConfig,
    request: &PaymentRequest,
) -> Result<InitWire, GatewayError> {
    let receipt = request
        .receipt
        .as_ref()
        .ok_or_else(|| GatewayError::missing("receipt"))?;
    let total: Vnd = receipt.fee_lines.iter().map(|l| l.amount).sum();
    if receipt.fee_lines.is_empty() || total != request.amount {
        return Err(GatewayError::malformed(
            "receipt.fee_lines",
            "the fee lines must add up to the amount",
        ));
    }
    let content = format!("THANH TOAN HO SO {}", receipt.dossier_code);
    let mut wire = InitWire {
        LoaiBanTin: "INIT".to_string(),
        PhienBan: VERSION.to_string(),
        MaDoiTac: config.partner_code.clone(),
        MaThamChieu: request.reference.to_string(),
        SoTien: request.amount.as_dong().to_string(),
        LoaiHinhThanhToan: "PAY".to_string(),
        MaKenhThanhToan: "1".to_string(),
        MaThietBi: "1".to_string(),
        NgonNgu: "vi-VN".to_string(),
        MaTienTe: "VND".to_string(),
        MaNganHang: "PAYMENT".to_string(),
        ThongTinGiaoDich: content.clone(),
        ThoiGianGD: gmt7_compact(request.created_at),
        Ip: request.client_ip.clone(),
        MaXacThuc: String::new(),
        ThongTinBienLai: ReceiptWire {
            MaDichVu: "2".to_string(),
            MaDVC: receipt.service_code.clone(),
            TenDVC: receipt.procedure_name.clone(),
            MaTTHC: receipt.procedure_code.clone(),
            TenTTHC: receipt.procedure_name.clone(),
            MaDonVi: receipt.agency_code.clone(),
            TenDonVi: receipt.agency_name.clone(),
            MaHoSo: receipt.dossier_code.clone(),
            TKThuHuong: receipt.beneficiary_account.clone(),
            MaNHThuHuong: receipt.beneficiary_bank.clone(),
            TenTKThuHuong: receipt.beneficiary_name.clone(),
            NoiDungThanhToan: content.clone(),
            HoTenNguoiNop: receipt.payer_name.clone(),
            SoCMNDNguoiNop: receipt.payer_id_no.clone(),
            DiaChiNguoiNop: receipt.payer_address.clone(),
            PhiLePhi: receipt
                .fee_lines
                .iter()
                .map(|l| FeeLineWire {
                    LoaiPhiLePhi: l.kind.as_str().to_string(),
                    MaPhiLePhi: l.code.clone(),
                    TenPhiLePhi: l.name.clone(),
                    SoTien: l.amount.as_dong().to_string(),
                })
                .collect(),
            DSKhoanNop: vec![KhoanNopWire {
                NoiDung: content,
                SoTien: request.amount.as_dong().to_string(),
            }],
        },
    };
    wire.MaXacThuc = wire.expected_mac(&config.secret);
    Ok(wire)
}

/// INIT's answer: an envelope whose `message` is itself JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitEnvelope {
    #[serde(deserialize_with = "de_text")]
    pub error_code: String,
    #[serde(default)]
    pub message: String,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InitResult {
    pub UrlThanhToan: String,
    pub MaLoi: String,
    pub MoTaLoi: String,
}

/// The portal's payment page to redirect to.
pub fn parse_init_response(body: &str) -> Result<InitResult, GatewayError> {
    let envelope: InitEnvelope = parse_json("paygov init response", body)?;
    if envelope.error_code != "0" {
        return Err(GatewayError::Rejected {
            code: envelope.error_code,
            message: envelope.message,
        });
    }
    let result: InitResult = parse_json("paygov init message", &envelope.message)?;
    if result.UrlThanhToan.is_empty() {
        return Err(GatewayError::Rejected {
            code: result.MaLoi,
            message: result.MoTaLoi,
        });
    }
    Ok(result)
}

/// QUERY and GET_BILL share one shape.
#[allow(non_snake_case)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupWire {
    pub LoaiBanTin: String,
    pub PhienBan: String,
    pub MaDoiTac: String,
    pub MaThamChieu: String,
    pub ThoiGianGD: String,
    pub MaXacThuc: String,
}

impl LookupWire {
    /// `LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|ThoiGianGD|secret` (known, both messages).
    pub fn expected_mac(&self, secret: &Secret) -> String {
        ma_xac_thuc(
            &[
                &self.LoaiBanTin,
                &self.PhienBan,
                &self.MaDoiTac,
                &self.MaThamChieu,
                &self.ThoiGianGD,
            ],
            secret,
        )
    }
}

fn lookup_body(
    config: &PaygovConfig,
    kind: &str,
    reference: &Reference,
    created_at: OffsetDateTime,
) -> String {
    let mut wire = LookupWire {
        LoaiBanTin: kind.to_string(),
        PhienBan: VERSION.to_string(),
        MaDoiTac: config.partner_code.clone(),
        MaThamChieu: reference.to_string(),
        ThoiGianGD: gmt7_compact(created_at),
        MaXacThuc: String::new(),
    };
    wire.MaXacThuc = wire.expected_mac(&config.secret);
    serde_json::to_string(&wire).expect("plain fields serialize")
}

/// QUERY for an attempt whose INIT was sent at `created_at`; POST to `query_url`.
pub fn query_body(
    config: &PaygovConfig,
    reference: &Reference,
    created_at: OffsetDateTime,
) -> String {
    lookup_body(config, "QUERY", reference, created_at)
}

/// GET_BILL (the receipt PDF); POST to `bill_url`.
pub fn get_bill_body(
    config: &PaygovConfig,
    reference: &Reference,
    created_at: OffsetDateTime,
) -> String {
    lookup_body(config, "GET_BILL", reference, created_at)
}

/// The confirm callback, and the body of QUERY's answer (plus `TrangThaiGD` and `MoTaLoi`).
#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfirmWire {
    #[serde(deserialize_with = "de_text")]
    pub LoaiBanTin: String,
    #[serde(deserialize_with = "de_text")]
    pub MaLoi: String,
    #[serde(deserialize_with = "de_text")]
    pub MaDoiTac: String,
    #[serde(deserialize_with = "de_text")]
    pub MaThamChieu: String,
    #[serde(deserialize_with = "de_text")]
    pub SoTien: String,
    #[serde(deserialize_with = "de_text")]
    pub MaTienTe: String,
    #[serde(deserialize_with = "de_text")]
    pub MaGiaoDich: String,
    #[serde(deserialize_with = "de_text")]
    pub MaNganHang: String,
    #[serde(deserialize_with = "de_text")]
    pub ThoiGianGD: String,
    #[serde(deserialize_with = "de_text")]
    pub ThongTinGiaoDich: String,
    #[serde(deserialize_with = "de_text")]
    pub MaXacThuc: String,
    #[serde(deserialize_with = "de_text", skip_serializing_if = "String::is_empty")]
    pub TrangThaiGD: String,
    #[serde(deserialize_with = "de_text", skip_serializing_if = "String::is_empty")]
    pub MoTaLoi: String,
}

impl ConfirmWire {
    /// `LoaiBanTin|MaLoi|MaDoiTac|MaThamChieu|SoTien|MaTienTe|MaGiaoDich|MaNganHang|ThoiGianGD|
    /// ThongTinGiaoDich|secret` (known).
    pub fn expected_mac(&self, secret: &Secret) -> String {
        ma_xac_thuc(
            &[
                &self.LoaiBanTin,
                &self.MaLoi,
                &self.MaDoiTac,
                &self.MaThamChieu,
                &self.SoTien,
                &self.MaTienTe,
                &self.MaGiaoDich,
                &self.MaNganHang,
                &self.ThoiGianGD,
                &self.ThongTinGiaoDich,
            ],
            secret,
        )
    }
}

/// Verifies the confirm callback's `MaXacThuc`, then reads it (`MaLoi` 00 = paid).
pub fn verify_confirm(
    config: &PaygovConfig,
    body: &str,
) -> Result<(ConfirmWire, CallbackVerdict), GatewayError> {
    let wire: ConfirmWire = parse_json("paygov confirm", body)?;
    check_hex(&wire.expected_mac(&config.secret), &wire.MaXacThuc)?;
    if wire.MaDoiTac != config.partner_code {
        return Err(GatewayError::malformed(
            "MaDoiTac",
            "another partner's transaction",
        ));
    }
    let verdict = CallbackVerdict {
        provider: Provider::Paygov,
        reference: signed_reference(&wire.MaThamChieu)?,
        amount: parse_dong("SoTien", &wire.SoTien)?,
        provider_txn: wire.MaGiaoDich.clone(),
        result: if wire.MaLoi == "00" { ProviderResult::Paid } else { ProviderResult::Declined },
        code: wire.MaLoi.clone(),
        message: if wire.MaLoi == "00" {
            "Thanh toán thành công".into()
        } else {
            "Thanh toán không thành công".into()
        },
    };
    Ok((wire, verdict))
}

/// QUERY's answer as a verdict: `None` while pending (`TrangThaiGD` 3) or when the portal could
/// not answer. Not signature-checked (assumed unsigned; see the module note).
pub fn query_verdict(body: &str) -> Result<Option<CallbackVerdict>, GatewayError> {
    let wire: ConfirmWire = parse_json("paygov query response", body)?;
    if wire.MaLoi != "00" || !matches!(wire.TrangThaiGD.as_str(), "1" | "4") {
        return Ok(None);
    }
    Ok(Some(CallbackVerdict {
        provider: Provider::Paygov,
        reference: Reference::parse("MaThamChieu", &wire.MaThamChieu)?,
        amount: parse_dong("SoTien", &wire.SoTien)?,
        provider_txn: wire.MaGiaoDich,
        result: if wire.TrangThaiGD == "1" { ProviderResult::Paid } else { ProviderResult::Declined },
        message: if wire.TrangThaiGD == "1" {
            "Thanh toán thành công".into()
        } else {
            "Thanh toán thất bại".into()
        },
        code: wire.TrangThaiGD,
    }))
}

/// Our answer to the confirm callback (codes other than 00 are assumed, see the module note).
pub fn confirm_reply(outcome: CallbackOutcome) -> Reply {
    let (code, message) = match outcome {
        CallbackOutcome::Recorded | CallbackOutcome::AlreadyConfirmed => ("00", "Thành công"),
        CallbackOutcome::InvalidSignature => ("01", "Mã xác thực không chính xác"),
        CallbackOutcome::OrderNotFound => ("02", "Không tìm thấy giao dịch"),
        CallbackOutcome::InvalidAmount => ("03", "Số tiền không khớp"),
        // The portal documents no "bad request" code: "99" is its "other errors" (FACTS, CONFIRM).
        CallbackOutcome::InvalidRequest => ("99", "Dữ liệu không hợp lệ"),
        CallbackOutcome::Error => ("99", "Lỗi hệ thống"),
    };
    let status = if outcome == CallbackOutcome::Error {
        500
    } else {
        200
    };
    Reply::json(
        status,
        serde_json::json!({"MaLoi": code, "MoTaLoi": message}).to_string(),
    )
}

#[derive(Debug, Clone)]
pub struct Paygov(pub PaygovConfig);

impl PaymentGateway for Paygov {
    fn provider(&self) -> Provider {
        Provider::Paygov
    }

    fn start(&self, request: &PaymentRequest) -> Result<StartPayment, GatewayError> {
        let body =
            serde_json::to_string(&init_wire(&self.0, request)?).expect("plain fields serialize");
        Ok(StartPayment::Post {
            url: self.0.init_url.clone(),
            body,
        })
    }

    fn verify_callback(&self, raw: &RawCallback) -> Result<CallbackVerdict, GatewayError> {
        verify_confirm(&self.0, &raw.body).map(|(_, verdict)| verdict)
    }

    fn query_result(&self, _reference: &Reference, answer: &str) -> Result<Option<CallbackVerdict>, GatewayError> {
        query_verdict(answer)
    }

    fn reply(&self, outcome: CallbackOutcome) -> Reply {
        confirm_reply(outcome)
    }
}

/// GET_BILL's answer: the platform's own receipt for a paid reference. ASSUMED shape (the public
/// code sends GET_BILL but its answer is not visible there): `{"MaLoi": "00", "MaThamChieu",
/// "BienLai": <the receipt PDF in base64>}`; only this function reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub reference: String,
    pub pdf_base64: String,
}

pub fn parse_bill(body: &str) -> Result<Bill, GatewayError> {
    #[allow(non_snake_case)]
    #[derive(Deserialize)]
    struct BillWire {
        #[serde(default)]
        MaLoi: String,
        #[serde(default)]
        MaThamChieu: String,
        #[serde(default)]
        BienLai: String,
    }
    let wire: BillWire = parse_json("paygov bill", body)?;
    if wire.MaLoi != "00" || wire.BienLai.is_empty() {
        return Err(GatewayError::Rejected { code: wire.MaLoi, message: "no bill".into() });
    }
    Ok(Bill { reference: wire.MaThamChieu, pdf_base64: wire.BienLai })
}

/// The portal's side, for the local sandbox.
pub mod sandbox {
    use super::*;

    pub fn verify_init(config: &PaygovConfig, body: &str) -> Result<InitWire, GatewayError> {
        let wire: InitWire = parse_json("paygov init", body)?;
        check_hex(&wire.expected_mac(&config.secret), &wire.MaXacThuc)?;
        if wire.LoaiBanTin != "INIT" || wire.MaDoiTac != config.partner_code {
            return Err(GatewayError::malformed(
                "LoaiBanTin",
                "expected INIT from the known partner",
            ));
        }
        Ok(wire)
    }

    pub fn init_response(pay_url: &str) -> String {
        let message =
            serde_json::json!({"UrlThanhToan": pay_url, "MaLoi": "00", "MoTaLoi": ""}).to_string();
        serde_json::json!({"error_code": "0", "message": message}).to_string()
    }

    /// Verifies a QUERY or GET_BILL (`kind`) message.
    pub fn verify_lookup(
        config: &PaygovConfig,
        kind: &str,
        body: &str,
    ) -> Result<LookupWire, GatewayError> {
        let wire: LookupWire = parse_json("paygov lookup", body)?;
        check_hex(&wire.expected_mac(&config.secret), &wire.MaXacThuc)?;
        if wire.LoaiBanTin != kind {
            return Err(GatewayError::malformed(
                "LoaiBanTin",
                format!("expected {kind}"),
            ));
        }
        Ok(wire)
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Outcome {
        pub reference: String,
        pub amount: Vnd,
        /// `00` paid, anything else failed.
        pub ma_loi: String,
        pub transaction_no: String,
        pub bank_code: String,
        pub paid_at: OffsetDateTime,
        pub content: String,
    }

    fn confirm_wire(config: &PaygovConfig, o: &Outcome) -> ConfirmWire {
        let mut wire = ConfirmWire {
            LoaiBanTin: "CONFIRM".to_string(),
            MaLoi: o.ma_loi.clone(),
            MaDoiTac: config.partner_code.clone(),
            MaThamChieu: o.reference.clone(),
            SoTien: o.amount.as_dong().to_string(),
            MaTienTe: "VND".to_string(),
            MaGiaoDich: o.transaction_no.clone(),
            MaNganHang: o.bank_code.clone(),
            ThoiGianGD: gmt7_compact(o.paid_at),
            ThongTinGiaoDich: o.content.clone(),
            ..Default::default()
        };
        wire.MaXacThuc = wire.expected_mac(&config.secret);
        wire
    }

    /// The signed confirm callback the portal POSTs to the province.
    pub fn confirm_body(config: &PaygovConfig, o: &Outcome) -> String {
        serde_json::to_string(&confirm_wire(config, o)).expect("plain fields serialize")
    }

    /// GET_BILL's answer (the assumed shape [`super::parse_bill`] reads).
    pub fn bill_response(reference: &str, pdf_base64: &str) -> String {
        serde_json::json!({"MaLoi": "00", "MoTaLoi": "Thành công", "MaThamChieu": reference, "BienLai": pdf_base64}).to_string()
    }

    /// QUERY's answer: `None` = still pending.
    pub fn query_response(config: &PaygovConfig, reference: &str, o: Option<&Outcome>) -> String {
        let wire = match o {
            Some(o) => ConfirmWire {
                TrangThaiGD: if o.ma_loi == "00" {
                    "1".into()
                } else {
                    "4".into()
                },
                MaLoi: "00".into(),
                ..confirm_wire(config, o)
            },
            None => ConfirmWire {
                LoaiBanTin: "QUERY".into(),
                MaLoi: "00".into(),
                MaDoiTac: config.partner_code.clone(),
                MaThamChieu: reference.to_string(),
                TrangThaiGD: "3".into(),
                ..Default::default()
            },
        };
        serde_json::to_string(&wire).expect("plain fields serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::sandbox::*;
    use super::*;
    use crate::gateway::testkit;
    use time::macros::datetime;

    fn config() -> PaygovConfig {
        PaygovConfig::new(
            "000.00.00.H12",
            Secret::new("paygov-secret"),
            "https://paygov.sandbox.local/",
        )
    }

    fn receipt() -> ReceiptInfo {
        ReceiptInfo {
            procedure_code: "1.001234".into(),
            procedure_name: "Chứng thực bản sao từ bản chính".into(),
            service_code: "1.001234.01".into(),
            agency_code: "000.00.01.H12".into(),
            agency_name: "UBND xã A".into(),
            dossier_code: "000.00.01.H12-240501-0001".into(),
            beneficiary_account: "0011001932418".into(),
            beneficiary_bank: "970415".into(),
            beneficiary_name: "UBND XA A".into(),
            payer_name: "Nguyễn Văn A".into(),
            payer_id_no: "001090000001".into(),
            payer_address: "Xã A".into(),
            fee_lines: vec![
                FeeLine {
                    kind: FeeKind::LePhi,
                    code: "LP01".into(),
                    name: "Lệ phí chứng thực".into(),
                    amount: Vnd::dong(30_000),
                },
                FeeLine {
                    kind: FeeKind::Phi,
                    code: "P01".into(),
                    name: "Phí sao y".into(),
                    amount: Vnd::dong(20_000),
                },
            ],
        }
    }

    fn request() -> PaymentRequest {
        PaymentRequest {
            receipt: Some(receipt()),
            ..testkit::request(50_000)
        }
    }

    #[test]
    fn ma_xac_thuc_is_sha256_of_pipe_joined_fields_and_secret() {
        // Computed independently with Python: hashlib.sha256(b"QUERY|1.0.6|P|R|20240501100405|s").hexdigest()
        // (the QUERY field order of DvcPaymentService.cs, HuanVu201/DichVuCong_KhoaLuan_PASETO).
        assert_eq!(
            ma_xac_thuc(
                &["QUERY", "1.0.6", "P", "R", "20240501100405"],
                &Secret::new("s")
            ),
            "c910d78c0c80bc1365cee0d5660d01749ad7e54c2624cfa8a35c1eaf4f1cdfcc"
        );
    }

    #[test]
    fn init_carries_the_known_defaults_and_mac_order() {
        let wire = init_wire(&config(), &request()).unwrap();
        assert_eq!(
            (
                wire.LoaiBanTin.as_str(),
                wire.PhienBan.as_str(),
                wire.LoaiHinhThanhToan.as_str(),
                wire.MaNganHang.as_str()
            ),
            ("INIT", "1.0.6", "PAY", "PAYMENT")
        );
        assert_eq!(wire.ThoiGianGD, "20240501100405");
        let data = "INIT|1.0.6|000.00.00.H12|MC00000000TEST1|50000|PAY|1|1|vi-VN|VND|PAYMENT|THANH TOAN HO SO 000.00.01.H12-240501-0001|20240501100405|203.0.113.9|paygov-secret";
        assert_eq!(wire.MaXacThuc, sha256_hex(data));
        assert_eq!(wire.ThongTinBienLai.PhiLePhi.len(), 2);
        assert_eq!(wire.ThongTinBienLai.PhiLePhi[0].LoaiPhiLePhi, "LePhi");
        assert_eq!(wire.ThongTinBienLai.MaTTHC, "1.001234");
    }

    #[test]
    fn init_needs_receipt_lines_that_add_up() {
        assert_eq!(
            init_wire(&config(), &testkit::request(50_000)),
            Err(GatewayError::missing("receipt"))
        );
        let mut r = request();
        r.amount = Vnd::dong(60_000);
        assert!(matches!(
            init_wire(&config(), &r),
            Err(GatewayError::Malformed { .. })
        ));
    }

    #[test]
    fn init_confirm_round_trip() {
        let cfg = config();
        let StartPayment::Post { url, body } = Paygov(cfg.clone()).start(&request()).unwrap()
        else {
            panic!("paygov starts with a server call")
        };
        assert_eq!(url, "https://paygov.sandbox.local/init");
        let init = verify_init(&cfg, &body).unwrap();
        assert_eq!(
            verify_init(&cfg, &body.replace("\"50000\"", "\"5000\"")),
            Err(GatewayError::InvalidSignature)
        );
        assert_eq!(
            parse_init_response(&init_response("https://pay.local/x"))
                .unwrap()
                .UrlThanhToan,
            "https://pay.local/x"
        );
        assert!(parse_init_response(r#"{"error_code":"1","message":"Sai ma xac thuc"}"#).is_err());

        let outcome = Outcome {
            reference: init.MaThamChieu.clone(),
            amount: Vnd::dong(50_000),
            ma_loi: "00".into(),
            transaction_no: "PP2405010001".into(),
            bank_code: "970415".into(),
            paid_at: datetime!(2024-05-01 03:06:00 UTC),
            content: init.ThongTinGiaoDich.clone(),
        };
        let confirm = confirm_body(&cfg, &outcome);
        let v = Paygov(cfg.clone())
            .verify_callback(&RawCallback {
                body: confirm.clone(),
                ..Default::default()
            })
            .unwrap();
        assert!(v.is_paid());
        assert_eq!(v.amount, Vnd::dong(50_000));
        assert_eq!(v.provider_txn, "PP2405010001");
        let forged = confirm.replace("\"MaLoi\":\"00\"", "\"MaLoi\":\"01\"");
        assert_ne!(forged, confirm);
        assert!(matches!(
            verify_confirm(&cfg, &forged),
            Err(GatewayError::InvalidSignature)
        ));
        let body = |o| {
            serde_json::from_str::<serde_json::Value>(&confirm_reply(o).body).unwrap()["MaLoi"]
                .clone()
        };
        assert_eq!(body(CallbackOutcome::Recorded), "00");
        assert_eq!(body(CallbackOutcome::InvalidSignature), "01");
    }

    #[test]
    fn a_bill_answer_is_read_and_a_refusal_is_not_a_bill() {
        let bill = parse_bill(&bill_response("MC123", "JVBERi0=")).unwrap();
        assert_eq!((bill.reference.as_str(), bill.pdf_base64.as_str()), ("MC123", "JVBERi0="));
        assert!(parse_bill(r#"{"MaLoi":"02","MaThamChieu":"MC123"}"#).is_err());
        assert!(parse_bill("<html>").is_err());
    }

    #[test]
    fn query_and_get_bill_round_trip() {
        let cfg = config();
        let r = Reference::parse("r", "MC00000000TEST1").unwrap();
        let at = datetime!(2024-05-01 03:04:05 UTC);
        let q = verify_lookup(&cfg, "QUERY", &query_body(&cfg, &r, at)).unwrap();
        assert_eq!(
            q.MaXacThuc,
            sha256_hex("QUERY|1.0.6|000.00.00.H12|MC00000000TEST1|20240501100405|paygov-secret")
        );
        assert!(verify_lookup(&cfg, "QUERY", &get_bill_body(&cfg, &r, at)).is_err());
        assert!(verify_lookup(&cfg, "GET_BILL", &get_bill_body(&cfg, &r, at)).is_ok());
        assert_eq!(
            query_verdict(&query_response(&cfg, r.as_str(), None)).unwrap(),
            None
        );
        let paid = Outcome {
            reference: r.to_string(),
            amount: Vnd::dong(50_000),
            ma_loi: "00".into(),
            transaction_no: "PP1".into(),
            bank_code: "970415".into(),
            paid_at: at,
            content: "x".into(),
        };
        let v = query_verdict(&query_response(&cfg, r.as_str(), Some(&paid)))
            .unwrap()
            .unwrap();
        assert!(v.is_paid());
        let failed = Outcome {
            ma_loi: "12".into(),
            ..paid
        };
        assert!(
            !query_verdict(&query_response(&cfg, r.as_str(), Some(&failed)))
                .unwrap()
                .unwrap()
                .is_paid()
        );
    }
}
