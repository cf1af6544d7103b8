//! VNPay payment gateway, version 2.1.0: the payment URL, return-URL and IPN verification, the
//! IPN reply codes, and the signed `querydr`/`refund` JSON calls. Signing follows VNPay's own
//! samples exactly: parameters sorted by key, each key and value encoded like PHP `urlencode`
//! (space → `+`), joined with `&`, HMAC-SHA512 with the hash secret, lower-case hex.
//! Spec: <https://sandbox.vnpayment.vn/apis/docs/thanh-toan-pay/pay.html> and
//! <https://sandbox.vnpayment.vn/apis/docs/truy-van-hoan-tien/querydr&refund.html>.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{
    ascii_fold, check_hex, de_text, form_encode, gmt7_compact, hmac_sha512_hex, parse_json,
    parse_query, CallbackOutcome, CallbackVerdict, GatewayError, PaymentGateway, PaymentRequest,
    Provider, ProviderResult, RawCallback, Reference, RefundResult, Reply, Secret, StartPayment, signed_reference,
};
use crate::money::Vnd;

pub const DEFAULT_PAY_URL: &str = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html";
pub const DEFAULT_API_URL: &str = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction";
pub const VERSION: &str = "2.1.0";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VnpayConfig {
    pub tmn_code: String,
    pub hash_secret: Secret,
    /// The hosted payment page (`vpcpay.html`).
    pub pay_url: String,
    /// The server-to-server API (`querydr`, `refund`).
    pub api_url: String,
    /// `vn` or `en`.
    pub locale: String,
    /// VNPay's goods category; `other` unless the merchant agreed another with VNPay.
    pub order_type: String,
}

impl VnpayConfig {
    /// With the published sandbox hosts.
    pub fn new(tmn_code: impl Into<String>, hash_secret: Secret) -> Self {
        Self {
            tmn_code: tmn_code.into(),
            hash_secret,
            pay_url: DEFAULT_PAY_URL.to_string(),
            api_url: DEFAULT_API_URL.to_string(),
            locale: "vn".to_string(),
            order_type: "other".to_string(),
        }
    }
}

/// The string VNPay signs: sorted `key=value` pairs, both sides `urlencode`d, joined by `&`.
/// A `BTreeMap` sorts by byte order, like PHP's `ksort` on these ASCII keys.
pub fn signing_data(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn sign_params(config: &VnpayConfig, params: &BTreeMap<String, String>) -> String {
    hmac_sha512_hex(&config.hash_secret, &signing_data(params))
}

/// VNPay multiplies the amount by 100 (it has no minor unit either, but the field does).
pub fn amount_field(amount: Vnd) -> String {
    (amount.as_dong() * 100).to_string()
}

/// Reads `vnp_Amount` back into đồng, refusing a value that is not a whole number of đồng.
pub fn parse_amount_field(field: &str, text: &str) -> Result<Vnd, GatewayError> {
    let raw: i64 = text
        .trim()
        .parse()
        .map_err(|_| GatewayError::malformed(field, "not an integer"))?;
    if raw % 100 != 0 {
        return Err(GatewayError::malformed(field, "not a whole number of đồng"));
    }
    Ok(Vnd::from_dong(field, raw / 100)?)
}

pub fn payment_params(config: &VnpayConfig, request: &PaymentRequest) -> BTreeMap<String, String> {
    let mut p = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        p.insert(k.to_string(), v);
    };
    put("vnp_Version", VERSION.to_string());
    put("vnp_Command", "pay".to_string());
    put("vnp_TmnCode", config.tmn_code.clone());
    put("vnp_Amount", amount_field(request.amount));
    put("vnp_CreateDate", gmt7_compact(request.created_at));
    put("vnp_ExpireDate", gmt7_compact(request.expires_at));
    put("vnp_CurrCode", "VND".to_string());
    put("vnp_IpAddr", request.client_ip.clone());
    put("vnp_Locale", config.locale.clone());
    // VNPay asks for Vietnamese without diacritics in vnp_OrderInfo.
    put("vnp_OrderInfo", ascii_fold(&request.description));
    put("vnp_OrderType", config.order_type.clone());
    put("vnp_ReturnUrl", request.return_url.clone());
    put("vnp_TxnRef", request.reference.to_string());
    p
}

/// The URL to redirect the citizen to.
pub fn payment_url(config: &VnpayConfig, request: &PaymentRequest) -> String {
    url_with_params(config, &config.pay_url, &payment_params(config, request))
}

/// `base?sorted-query&vnp_SecureHash=...`, as the samples build it.
pub fn url_with_params(
    config: &VnpayConfig,
    base: &str,
    params: &BTreeMap<String, String>,
) -> String {
    let data = signing_data(params);
    let hash = hmac_sha512_hex(&config.hash_secret, &data);
    format!("{base}?{data}&vnp_SecureHash={hash}")
}

/// Checks `vnp_SecureHash` over every `vnp_*` parameter except the hash fields themselves, and
/// returns those parameters. Used for both the return URL and the IPN (same parameters).
pub fn verify_query(
    config: &VnpayConfig,
    query: &str,
) -> Result<BTreeMap<String, String>, GatewayError> {
    let mut params = BTreeMap::new();
    let mut received = None;
    for (k, v) in parse_query(query)? {
        match k.as_str() {
            "vnp_SecureHash" => received = Some(v),
            "vnp_SecureHashType" => {}
            _ if k.starts_with("vnp_") => {
                params.insert(k, v);
            }
            _ => {}
        }
    }
    let received = received.ok_or(GatewayError::InvalidSignature)?;
    check_hex(&sign_params(config, &params), &received)?;
    Ok(params)
}

fn required<'a>(params: &'a BTreeMap<String, String>, key: &str) -> Result<&'a str, GatewayError> {
    params
        .get(key)
        .map(String::as_str)
        .ok_or_else(|| GatewayError::missing(key))
}

/// Verifies the IPN (or return-URL) query and reads the outcome.
pub fn verify_callback_query(
    config: &VnpayConfig,
    query: &str,
) -> Result<CallbackVerdict, GatewayError> {
    let params = verify_query(config, query)?;
    if required(&params, "vnp_TmnCode")? != config.tmn_code {
        return Err(GatewayError::malformed(
            "vnp_TmnCode",
            "another merchant's transaction",
        ));
    }
    let code = required(&params, "vnp_ResponseCode")?.to_string();
    let status = params
        .get("vnp_TransactionStatus")
        .map(String::as_str)
        .unwrap_or("");
    Ok(CallbackVerdict {
        provider: Provider::Vnpay,
        // Signed by VNPay: a missing or foreign reference is an order that is not ours.
        reference: signed_reference(params.get("vnp_TxnRef").map(String::as_str).unwrap_or(""))?,
        amount: parse_amount_field("vnp_Amount", required(&params, "vnp_Amount")?)?,
        provider_txn: params.get("vnp_TransactionNo").cloned().unwrap_or_default(),
        result: payment_result(&code, status),
        message: response_code_meaning(&code).to_string(),
        code,
    })
}

/// What a payment's `vnp_ResponseCode` and `vnp_TransactionStatus` mean for us. Success needs
/// both: the customer's result and the transaction's final status; 24 is the customer
/// cancelling on VNPay's page (pay.html, "Bảng mã lỗi").
pub fn payment_result(response_code: &str, transaction_status: &str) -> ProviderResult {
    match (response_code, transaction_status) {
        ("00", "00") => ProviderResult::Paid,
        ("24", _) => ProviderResult::Cancelled,
        _ => ProviderResult::Declined,
    }
}

/// What a `querydr` answer's `vnp_TransactionStatus` means: 01 not finished yet, 00 paid, the
/// rest refused or reversed (querydr.html, "Bảng mã lỗi vnp_TransactionStatus").
pub fn query_status_result(transaction_status: &str) -> ProviderResult {
    match transaction_status {
        "00" => ProviderResult::Paid,
        "01" => ProviderResult::Pending,
        _ => ProviderResult::Declined,
    }
}

/// A verified refund answer: `vnp_ResponseCode` 00 is accepted (refund.html).
pub fn refund_result(config: &VnpayConfig, body: &str) -> Result<RefundResult, GatewayError> {
    let answer = verify_api_response(config, body)?;
    Ok(match answer.vnp_ResponseCode.as_str() {
        "00" => RefundResult::Done,
        other => RefundResult::Refused(other.to_string()),
    })
}

/// The IPN replies VNPay expects, `{"RspCode":"00","Message":"Confirm Success"}` and the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpnReply {
    /// Also the answer once a failed transaction has been recorded, as VNPay's sample does.
    ConfirmSuccess,
    OrderNotFound,
    AlreadyConfirmed,
    InvalidAmount,
    InvalidSignature,
    UnknownError,
}

impl IpnReply {
    pub fn rsp_code(self) -> &'static str {
        match self {
            IpnReply::ConfirmSuccess => "00",
            IpnReply::OrderNotFound => "01",
            IpnReply::AlreadyConfirmed => "02",
            IpnReply::InvalidAmount => "04",
            IpnReply::InvalidSignature => "97",
            IpnReply::UnknownError => "99",
        }
    }

    /// The messages of VNPay's IPN sample code.
    pub fn message(self) -> &'static str {
        match self {
            IpnReply::ConfirmSuccess => "Confirm Success",
            IpnReply::OrderNotFound => "Order not found",
            IpnReply::AlreadyConfirmed => "Order already confirmed",
            IpnReply::InvalidAmount => "invalid amount",
            IpnReply::InvalidSignature => "Invalid signature",
            IpnReply::UnknownError => "Unknow error",
        }
    }

    pub fn body(self) -> String {
        serde_json::json!({"RspCode": self.rsp_code(), "Message": self.message()}).to_string()
    }

    pub fn from_outcome(outcome: CallbackOutcome) -> IpnReply {
        match outcome {
            CallbackOutcome::Recorded => IpnReply::ConfirmSuccess,
            CallbackOutcome::AlreadyConfirmed => IpnReply::AlreadyConfirmed,
            CallbackOutcome::OrderNotFound => IpnReply::OrderNotFound,
            CallbackOutcome::InvalidAmount => IpnReply::InvalidAmount,
            CallbackOutcome::InvalidSignature => IpnReply::InvalidSignature,
            // VNPay's codes have no "bad request": its sample answers 99 to what it cannot read.
            CallbackOutcome::InvalidRequest | CallbackOutcome::Error => IpnReply::UnknownError,
        }
    }
}

/// `vnp_ResponseCode` of the payment, in VNPay's Vietnamese wording (pay.html, "Bảng mã lỗi").
pub fn response_code_meaning(code: &str) -> &'static str {
    match code {
        "00" => "Giao dịch thành công",
        "07" => "Trừ tiền thành công. Giao dịch bị nghi ngờ (liên quan tới lừa đảo, giao dịch bất thường).",
        "09" => "Thẻ/Tài khoản của khách hàng chưa đăng ký dịch vụ InternetBanking tại ngân hàng.",
        "10" => "Khách hàng xác thực thông tin thẻ/tài khoản không đúng quá 3 lần",
        "11" => "Đã hết hạn chờ thanh toán.",
        "12" => "Thẻ/Tài khoản của khách hàng bị khóa.",
        "13" => "Quý khách nhập sai mật khẩu xác thực giao dịch (OTP).",
        "24" => "Khách hàng hủy giao dịch",
        "51" => "Tài khoản của quý khách không đủ số dư để thực hiện giao dịch.",
        "65" => "Tài khoản của Quý khách đã vượt quá hạn mức giao dịch trong ngày.",
        "75" => "Ngân hàng thanh toán đang bảo trì.",
        "79" => "KH nhập sai mật khẩu thanh toán quá số lần quy định.",
        _ => "Các lỗi khác",
    }
}

/// `vnp_TransactionStatus`, the final state of a transaction at VNPay.
pub fn transaction_status_meaning(code: &str) -> &'static str {
    match code {
        "00" => "Giao dịch thanh toán thành công",
        "01" => "Giao dịch chưa hoàn tất",
        "02" => "Giao dịch bị lỗi",
        "04" => "Giao dịch đảo (Khách hàng đã bị trừ tiền tại Ngân hàng nhưng GD chưa thành công ở VNPAY)",
        "05" => "VNPAY đang xử lý giao dịch này (GD hoàn tiền)",
        "06" => "VNPAY đã gửi yêu cầu hoàn tiền sang Ngân hàng (GD hoàn tiền)",
        "07" => "Giao dịch bị nghi ngờ gian lận",
        "09" => "GD Hoàn trả bị từ chối",
        _ => "Trạng thái không xác định",
    }
}

// ---------------------------------------------------------------------------------------------
// querydr and refund: JSON bodies with a pipe-joined checksum in the documented field order.

/// The `querydr` request body, as sent on the wire.
#[allow(non_snake_case)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryDrWire {
    pub vnp_RequestId: String,
    pub vnp_Version: String,
    pub vnp_Command: String,
    pub vnp_TmnCode: String,
    pub vnp_TxnRef: String,
    pub vnp_OrderInfo: String,
    /// The `vnp_CreateDate` of the payment being queried.
    pub vnp_TransactionDate: String,
    pub vnp_CreateDate: String,
    pub vnp_IpAddr: String,
    pub vnp_SecureHash: String,
}

impl QueryDrWire {
    /// `RequestId|Version|Command|TmnCode|TxnRef|TransactionDate|CreateDate|IpAddr|OrderInfo`.
    pub fn data(&self) -> String {
        [
            &self.vnp_RequestId,
            &self.vnp_Version,
            &self.vnp_Command,
            &self.vnp_TmnCode,
            &self.vnp_TxnRef,
            &self.vnp_TransactionDate,
            &self.vnp_CreateDate,
            &self.vnp_IpAddr,
            &self.vnp_OrderInfo,
        ]
        .map(String::as_str)
        .join("|")
    }
}

/// What to query: the attempt and when its payment URL was created.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryDr {
    /// Unique per day at VNPay.
    pub request_id: String,
    pub reference: Reference,
    pub payment_created_at: OffsetDateTime,
    pub now: OffsetDateTime,
    pub server_ip: String,
}

/// The signed JSON body to POST to [`VnpayConfig::api_url`].
pub fn querydr_body(config: &VnpayConfig, q: &QueryDr) -> String {
    let mut wire = QueryDrWire {
        vnp_RequestId: q.request_id.clone(),
        vnp_Version: VERSION.to_string(),
        vnp_Command: "querydr".to_string(),
        vnp_TmnCode: config.tmn_code.clone(),
        vnp_TxnRef: q.reference.to_string(),
        vnp_OrderInfo: format!("Truy van giao dich {}", q.reference),
        vnp_TransactionDate: gmt7_compact(q.payment_created_at),
        vnp_CreateDate: gmt7_compact(q.now),
        vnp_IpAddr: q.server_ip.clone(),
        vnp_SecureHash: String::new(),
    };
    wire.vnp_SecureHash = hmac_sha512_hex(&config.hash_secret, &wire.data());
    serde_json::to_string(&wire).expect("plain strings serialize")
}

/// The answer to `querydr` and to `refund` (refund leaves the promotion fields empty).
#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiResponseWire {
    #[serde(deserialize_with = "de_text")]
    pub vnp_ResponseId: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_Command: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_ResponseCode: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_Message: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_TmnCode: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_TxnRef: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_Amount: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_BankCode: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_PayDate: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_TransactionNo: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_TransactionType: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_TransactionStatus: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_OrderInfo: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_PromotionCode: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_PromotionAmount: String,
    #[serde(deserialize_with = "de_text")]
    pub vnp_SecureHash: String,
}

impl ApiResponseWire {
    /// The documented checksum order of the `querydr` response:
    /// `ResponseId|Command|ResponseCode|Message|TmnCode|TxnRef|Amount|BankCode|PayDate|
    /// TransactionNo|TransactionType|TransactionStatus|OrderInfo|PromotionCode|PromotionAmount`;
    /// the `refund` response stops after `OrderInfo`.
    pub fn data(&self) -> String {
        let mut fields = vec![
            &self.vnp_ResponseId,
            &self.vnp_Command,
            &self.vnp_ResponseCode,
            &self.vnp_Message,
            &self.vnp_TmnCode,
            &self.vnp_TxnRef,
            &self.vnp_Amount,
            &self.vnp_BankCode,
            &self.vnp_PayDate,
            &self.vnp_TransactionNo,
            &self.vnp_TransactionType,
            &self.vnp_TransactionStatus,
            &self.vnp_OrderInfo,
        ];
        if self.vnp_Command != "refund" {
            fields.push(&self.vnp_PromotionCode);
            fields.push(&self.vnp_PromotionAmount);
        }
        fields
            .into_iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("|")
    }

    pub fn sign(&mut self, config: &VnpayConfig) {
        self.vnp_SecureHash = hmac_sha512_hex(&config.hash_secret, &self.data());
    }
}

/// Verifies a `querydr` or `refund` answer. The answer is trusted only when its checksum holds.
pub fn verify_api_response(
    config: &VnpayConfig,
    body: &str,
) -> Result<ApiResponseWire, GatewayError> {
    let wire: ApiResponseWire = parse_json("vnpay response", body)?;
    check_hex(
        &hmac_sha512_hex(&config.hash_secret, &wire.data()),
        &wire.vnp_SecureHash,
    )?;
    Ok(wire)
}

/// A verified `querydr` answer as a verdict, for reconciliation. `None` when VNPay could not
/// answer about the transaction (`vnp_ResponseCode` other than `00`, e.g. 91 not found).
pub fn querydr_verdict(
    config: &VnpayConfig,
    body: &str,
) -> Result<Option<CallbackVerdict>, GatewayError> {
    let wire = verify_api_response(config, body)?;
    if wire.vnp_ResponseCode != "00" {
        return Ok(None);
    }
    Ok(Some(CallbackVerdict {
        provider: Provider::Vnpay,
        reference: signed_reference(&wire.vnp_TxnRef)?,
        amount: parse_amount_field("vnp_Amount", &wire.vnp_Amount)?,
        provider_txn: wire.vnp_TransactionNo.clone(),
        result: query_status_result(&wire.vnp_TransactionStatus),
        message: transaction_status_meaning(&wire.vnp_TransactionStatus).to_string(),
        code: wire.vnp_TransactionStatus,
    }))
}

/// `02` full refund, `03` partial refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundKind {
    Full,
    Partial,
}

impl RefundKind {
    pub fn code(self) -> &'static str {
        match self {
            RefundKind::Full => "02",
            RefundKind::Partial => "03",
        }
    }
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundWire {
    pub vnp_RequestId: String,
    pub vnp_Version: String,
    pub vnp_Command: String,
    pub vnp_TmnCode: String,
    pub vnp_TransactionType: String,
    pub vnp_TxnRef: String,
    pub vnp_Amount: String,
    pub vnp_OrderInfo: String,
    pub vnp_TransactionNo: String,
    pub vnp_TransactionDate: String,
    pub vnp_CreateBy: String,
    pub vnp_CreateDate: String,
    pub vnp_IpAddr: String,
    pub vnp_SecureHash: String,
}

impl RefundWire {
    /// `RequestId|Version|Command|TmnCode|TransactionType|TxnRef|Amount|TransactionNo|
    /// TransactionDate|CreateBy|CreateDate|IpAddr|OrderInfo`.
    pub fn data(&self) -> String {
        [
            &self.vnp_RequestId,
            &self.vnp_Version,
            &self.vnp_Command,
            &self.vnp_TmnCode,
            &self.vnp_TransactionType,
            &self.vnp_TxnRef,
            &self.vnp_Amount,
            &self.vnp_TransactionNo,
            &self.vnp_TransactionDate,
            &self.vnp_CreateBy,
            &self.vnp_CreateDate,
            &self.vnp_IpAddr,
            &self.vnp_OrderInfo,
        ]
        .map(String::as_str)
        .join("|")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Refund {
    pub request_id: String,
    pub kind: RefundKind,
    pub reference: Reference,
    pub amount: Vnd,
    /// VNPay's `vnp_TransactionNo` of the settled payment.
    pub transaction_no: String,
    pub payment_created_at: OffsetDateTime,
    /// The officer who ordered the refund.
    pub created_by: String,
    pub reason: String,
    pub now: OffsetDateTime,
    pub server_ip: String,
}

pub fn refund_body(config: &VnpayConfig, r: &Refund) -> String {
    let mut wire = RefundWire {
        vnp_RequestId: r.request_id.clone(),
        vnp_Version: VERSION.to_string(),
        vnp_Command: "refund".to_string(),
        vnp_TmnCode: config.tmn_code.clone(),
        vnp_TransactionType: r.kind.code().to_string(),
        vnp_TxnRef: r.reference.to_string(),
        vnp_Amount: amount_field(r.amount),
        vnp_OrderInfo: ascii_fold(&r.reason),
        vnp_TransactionNo: r.transaction_no.clone(),
        vnp_TransactionDate: gmt7_compact(r.payment_created_at),
        vnp_CreateBy: r.created_by.clone(),
        vnp_CreateDate: gmt7_compact(r.now),
        vnp_IpAddr: r.server_ip.clone(),
        vnp_SecureHash: String::new(),
    };
    wire.vnp_SecureHash = hmac_sha512_hex(&config.hash_secret, &wire.data());
    serde_json::to_string(&wire).expect("plain strings serialize")
}

/// The [`PaymentGateway`] face of this module.
#[derive(Debug, Clone)]
pub struct Vnpay(pub VnpayConfig);

impl PaymentGateway for Vnpay {
    fn provider(&self) -> Provider {
        Provider::Vnpay
    }

    fn start(&self, request: &PaymentRequest) -> Result<StartPayment, GatewayError> {
        Ok(StartPayment::Redirect {
            url: payment_url(&self.0, request),
        })
    }

    fn verify_callback(&self, raw: &RawCallback) -> Result<CallbackVerdict, GatewayError> {
        verify_callback_query(&self.0, &raw.query)
    }

    fn reply(&self, outcome: CallbackOutcome) -> Reply {
        Reply::json(200, IpnReply::from_outcome(outcome).body())
    }

    fn query_result(&self, _reference: &Reference, answer: &str) -> Result<Option<CallbackVerdict>, GatewayError> {
        querydr_verdict(&self.0, answer)
    }

    fn refund_result(&self, answer: &str) -> Result<RefundResult, GatewayError> {
        refund_result(&self.0, answer)
    }
}

/// VNPay's side, for the local sandbox.
pub mod sandbox {
    use super::*;

    /// What the hosted page learnt from a verified payment URL.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PaymentOrder {
        pub txn_ref: String,
        pub amount: Vnd,
        pub order_info: String,
        pub return_url: String,
        pub create_date: String,
        pub expire_date: String,
        pub params: BTreeMap<String, String>,
    }

    /// Checks a payment URL (or just its query) as VNPay's page does.
    pub fn verify_payment_url(
        config: &VnpayConfig,
        url: &str,
    ) -> Result<PaymentOrder, GatewayError> {
        let query = url.split_once('?').map_or(url, |(_, q)| q);
        let params = verify_query(config, query)?;
        if required(&params, "vnp_TmnCode")? != config.tmn_code {
            return Err(GatewayError::malformed("vnp_TmnCode", "unknown merchant"));
        }
        if required(&params, "vnp_Version")? != VERSION {
            return Err(GatewayError::malformed("vnp_Version", "expected 2.1.0"));
        }
        Ok(PaymentOrder {
            txn_ref: required(&params, "vnp_TxnRef")?.to_string(),
            amount: parse_amount_field("vnp_Amount", required(&params, "vnp_Amount")?)?,
            order_info: required(&params, "vnp_OrderInfo")?.to_string(),
            return_url: required(&params, "vnp_ReturnUrl")?.to_string(),
            create_date: required(&params, "vnp_CreateDate")?.to_string(),
            expire_date: params.get("vnp_ExpireDate").cloned().unwrap_or_default(),
            params,
        })
    }

    /// The result the hosted page reports.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PaymentResult {
        pub txn_ref: String,
        pub amount: Vnd,
        pub order_info: String,
        /// `00` paid, `24` cancelled, `51` insufficient funds, ...
        pub response_code: String,
        pub transaction_status: String,
        pub transaction_no: String,
        pub bank_code: String,
        pub pay_date: OffsetDateTime,
    }

    /// The signed query string VNPay appends to both the return URL and the IPN URL.
    pub fn callback_query(config: &VnpayConfig, r: &PaymentResult) -> String {
        let mut p = BTreeMap::new();
        for (k, v) in [
            ("vnp_Amount", amount_field(r.amount)),
            ("vnp_BankCode", r.bank_code.clone()),
            ("vnp_BankTranNo", format!("VNP{}", r.transaction_no)),
            ("vnp_CardType", "ATM".to_string()),
            ("vnp_OrderInfo", r.order_info.clone()),
            ("vnp_PayDate", gmt7_compact(r.pay_date)),
            ("vnp_ResponseCode", r.response_code.clone()),
            ("vnp_TmnCode", config.tmn_code.clone()),
            ("vnp_TransactionNo", r.transaction_no.clone()),
            ("vnp_TransactionStatus", r.transaction_status.clone()),
            ("vnp_TxnRef", r.txn_ref.clone()),
        ] {
            p.insert(k.to_string(), v);
        }
        let data = signing_data(&p);
        format!(
            "{data}&vnp_SecureHash={}",
            hmac_sha512_hex(&config.hash_secret, &data)
        )
    }

    pub fn verify_querydr(config: &VnpayConfig, body: &str) -> Result<QueryDrWire, GatewayError> {
        let wire: QueryDrWire = parse_json("querydr", body)?;
        check_hex(
            &hmac_sha512_hex(&config.hash_secret, &wire.data()),
            &wire.vnp_SecureHash,
        )?;
        Ok(wire)
    }

    pub fn verify_refund(config: &VnpayConfig, body: &str) -> Result<RefundWire, GatewayError> {
        let wire: RefundWire = parse_json("refund", body)?;
        check_hex(
            &hmac_sha512_hex(&config.hash_secret, &wire.data()),
            &wire.vnp_SecureHash,
        )?;
        Ok(wire)
    }

    /// Signs an answer to `querydr` or `refund` (set `vnp_Command` accordingly).
    pub fn api_response(config: &VnpayConfig, mut wire: ApiResponseWire) -> String {
        wire.sign(config);
        serde_json::to_string(&wire).expect("plain strings serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::sandbox::*;
    use super::*;
    use crate::gateway::testkit;
    use time::macros::datetime;

    fn config() -> VnpayConfig {
        VnpayConfig::new("DEMOV210", Secret::new("SECRETKEYFORTESTS0123456789ABCDE"))
    }

    #[test]
    fn payment_url_query_matches_vnpays_documented_example() {
        // The example URL of https://sandbox.vnpayment.vn/apis/docs/huong-dan-tich-hop/ (also
        // .../chuyen-doi-thuat-toan/changeTypeHash.html). Its hash secret is not published, so
        // this pins the signed data (order and encoding), not the hash.
        let documented = "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND\
&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5&vnp_OrderType=other\
&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0";
        let mut p = BTreeMap::new();
        for (k, v) in [
            ("vnp_Version", "2.1.0"),
            ("vnp_Command", "pay"),
            ("vnp_TmnCode", "DEMOV210"),
            ("vnp_Amount", &amount_field(Vnd::dong(18_060))),
            (
                "vnp_CreateDate",
                &gmt7_compact(datetime!(2021-08-01 08:33:33 UTC)),
            ),
            ("vnp_CurrCode", "VND"),
            ("vnp_IpAddr", "127.0.0.1"),
            ("vnp_Locale", "vn"),
            ("vnp_OrderInfo", "Thanh toan don hang :5"),
            ("vnp_OrderType", "other"),
            ("vnp_ReturnUrl", "https://domainmerchant.vn/ReturnUrl"),
            ("vnp_TxnRef", "5"),
        ] {
            p.insert(k.to_string(), v.to_string());
        }
        assert_eq!(signing_data(&p), documented);
        let url = url_with_params(&config(), DEFAULT_PAY_URL, &p);
        assert!(url.starts_with(&format!("{DEFAULT_PAY_URL}?{documented}&vnp_SecureHash=")));
    }

    #[test]
    fn secure_hash_is_hmac_sha512_of_the_encoded_query() {
        // Expected value computed independently with Python's hmac module (not a published
        // vector): hmac.new(b"SECRETKEYFORTESTS0123456789ABCDE", b"vnp_Amount=1806000&vnp_Command=pay", hashlib.sha512).hexdigest()
        let mut p = BTreeMap::new();
        p.insert("vnp_Command".to_string(), "pay".to_string());
        p.insert("vnp_Amount".to_string(), "1806000".to_string());
        assert_eq!(
            sign_params(&config(), &p),
            "c017921441f4febf2ddab67779af30e9b0929e4e9c92c58627e94263ba8490be642460086f75413236f1d6cd9005c5d9ca5b9caa2ba38de2d0ccbb956966ab03"
        );
    }

    #[test]
    fn payment_url_carries_amount_times_100_and_gmt7_dates() {
        let url = payment_url(&config(), &testkit::request(50_000));
        assert!(url.contains("vnp_Amount=5000000&"), "{url}");
        assert!(url.contains("vnp_CreateDate=20240501100405&"), "{url}");
        assert!(url.contains("vnp_ExpireDate=20240501101905&"), "{url}");
        assert!(
            url.contains("vnp_OrderInfo=Le+phi+chung+thuc+ho+so+000.00.01.H12-240501-0001&"),
            "{url}"
        );
        assert!(url.contains("vnp_TxnRef=MC00000000TEST1&"), "{url}");
    }

    fn paid(code: &str, status: &str) -> PaymentResult {
        PaymentResult {
            txn_ref: "MC00000000TEST1".to_string(),
            amount: Vnd::dong(50_000),
            order_info: "Le phi".to_string(),
            response_code: code.to_string(),
            transaction_status: status.to_string(),
            transaction_no: "14422574".to_string(),
            bank_code: "NCB".to_string(),
            pay_date: datetime!(2024-05-01 03:06:00 UTC),
        }
    }

    #[test]
    fn round_trip_merchant_url_provider_callback_merchant_verdict() {
        let cfg = config();
        let url = payment_url(&cfg, &testkit::request(50_000));
        let order = verify_payment_url(&cfg, &url).unwrap();
        assert_eq!(order.amount, Vnd::dong(50_000));
        assert_eq!(order.txn_ref, "MC00000000TEST1");
        let query = callback_query(&cfg, &paid("00", "00"));
        let verdict = Vnpay(cfg.clone())
            .verify_callback(&RawCallback {
                query,
                ..Default::default()
            })
            .unwrap();
        assert!(verdict.is_paid());
        assert_eq!(verdict.amount, Vnd::dong(50_000));
        assert_eq!(verdict.provider_txn, "14422574");
        assert_eq!(verdict.reference.as_str(), "MC00000000TEST1");
    }

    #[test]
    fn cancelled_payment_is_verified_but_not_successful() {
        let cfg = config();
        let v = verify_callback_query(&cfg, &callback_query(&cfg, &paid("24", "02"))).unwrap();
        assert!(!v.is_paid());
        assert_eq!(v.code, "24");
        assert_eq!(v.message, "Khách hàng hủy giao dịch");
        // A 00 response code with a non-final status is not a success either.
        assert!(
            !verify_callback_query(&cfg, &callback_query(&cfg, &paid("00", "01")))
                .unwrap()
                .is_paid()
        );
    }

    #[test]
    fn tampered_or_unsigned_callbacks_are_rejected() {
        let cfg = config();
        let query = callback_query(&cfg, &paid("00", "00"));
        let tampered = query.replace("vnp_Amount=5000000", "vnp_Amount=100");
        assert_eq!(
            verify_callback_query(&cfg, &tampered),
            Err(GatewayError::InvalidSignature)
        );
        let unsigned = query.split("&vnp_SecureHash=").next().unwrap().to_string();
        assert_eq!(
            verify_callback_query(&cfg, &unsigned),
            Err(GatewayError::InvalidSignature)
        );
        let other_secret = VnpayConfig::new("DEMOV210", Secret::new("another"));
        assert_eq!(
            verify_callback_query(&other_secret, &query),
            Err(GatewayError::InvalidSignature)
        );
        // Upper-case hex (the .NET sample) and an extra non-vnp parameter are still fine.
        let (data, hash) = query.split_once("&vnp_SecureHash=").unwrap();
        let upper = format!(
            "{data}&foo=bar&vnp_SecureHashType=HmacSHA512&vnp_SecureHash={}",
            hash.to_uppercase()
        );
        assert!(verify_callback_query(&cfg, &upper).is_ok());
    }

    #[test]
    fn ipn_replies_use_vnpays_codes() {
        let gw = Vnpay(config());
        let cases = [
            (
                CallbackOutcome::Recorded,
                r#"{"Message":"Confirm Success","RspCode":"00"}"#,
            ),
            (
                CallbackOutcome::OrderNotFound,
                r#"{"Message":"Order not found","RspCode":"01"}"#,
            ),
            (
                CallbackOutcome::AlreadyConfirmed,
                r#"{"Message":"Order already confirmed","RspCode":"02"}"#,
            ),
            (
                CallbackOutcome::InvalidAmount,
                r#"{"Message":"invalid amount","RspCode":"04"}"#,
            ),
            (
                CallbackOutcome::InvalidSignature,
                r#"{"Message":"Invalid signature","RspCode":"97"}"#,
            ),
            (
                CallbackOutcome::Error,
                r#"{"Message":"Unknow error","RspCode":"99"}"#,
            ),
        ];
        for (outcome, body) in cases {
            let reply = gw.reply(outcome);
            assert_eq!(reply.status, 200);
            let got: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
            let want: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(got, want, "{outcome:?}");
        }
    }

    #[test]
    fn amount_field_refuses_fractions_of_a_dong() {
        assert_eq!(
            parse_amount_field("a", "5000000").unwrap(),
            Vnd::dong(50_000)
        );
        assert!(parse_amount_field("a", "5000050").is_err());
        assert!(parse_amount_field("a", "-100").is_err());
    }

    #[test]
    fn querydr_data_is_pipe_joined_in_documented_order_and_round_trips() {
        let cfg = config();
        let q = QueryDr {
            request_id: "R1".to_string(),
            reference: Reference::parse("r", "MC00000000TEST1").unwrap(),
            payment_created_at: datetime!(2024-05-01 03:04:05 UTC),
            now: datetime!(2024-05-01 03:30:00 UTC),
            server_ip: "127.0.0.1".to_string(),
        };
        let body = querydr_body(&cfg, &q);
        let wire = verify_querydr(&cfg, &body).unwrap();
        assert_eq!(
            wire.data(),
            "R1|2.1.0|querydr|DEMOV210|MC00000000TEST1|20240501100405|20240501103000|127.0.0.1|Truy van giao dich MC00000000TEST1"
        );
        let forged = body.replace("\"R1\"", "\"R2\"");
        assert_eq!(
            verify_querydr(&cfg, &forged),
            Err(GatewayError::InvalidSignature)
        );

        let answer = api_response(
            &cfg,
            ApiResponseWire {
                vnp_ResponseId: "X1".into(),
                vnp_Command: "querydr".into(),
                vnp_ResponseCode: "00".into(),
                vnp_Message: "QueryDR Success".into(),
                vnp_TmnCode: "DEMOV210".into(),
                vnp_TxnRef: wire.vnp_TxnRef.clone(),
                vnp_Amount: "5000000".into(),
                vnp_TransactionNo: "14422574".into(),
                vnp_TransactionStatus: "00".into(),
                ..Default::default()
            },
        );
        let v = querydr_verdict(&cfg, &answer).unwrap().unwrap();
        assert!(v.is_paid());
        assert_eq!(v.amount, Vnd::dong(50_000));
        let forged = answer.replace(
            "\"vnp_TransactionStatus\":\"00\"",
            "\"vnp_TransactionStatus\":\"01\"",
        );
        assert!(forged != answer);
        assert_eq!(
            querydr_verdict(&cfg, &forged),
            Err(GatewayError::InvalidSignature)
        );
    }

    #[test]
    fn refund_data_is_pipe_joined_in_documented_order_and_round_trips() {
        let cfg = config();
        let r = Refund {
            request_id: "RF1".to_string(),
            kind: RefundKind::Partial,
            reference: Reference::parse("r", "MC00000000TEST1").unwrap(),
            amount: Vnd::dong(20_000),
            transaction_no: "14422574".to_string(),
            payment_created_at: datetime!(2024-05-01 03:04:05 UTC),
            created_by: "canbo01".to_string(),
            reason: "Hoàn phí thu thừa".to_string(),
            now: datetime!(2024-05-02 01:00:00 UTC),
            server_ip: "127.0.0.1".to_string(),
        };
        let wire = verify_refund(&cfg, &refund_body(&cfg, &r)).unwrap();
        assert_eq!(
            wire.data(),
            "RF1|2.1.0|refund|DEMOV210|03|MC00000000TEST1|2000000|14422574|20240501100405|canbo01|20240502080000|127.0.0.1|Hoan phi thu thua"
        );
        let mut answer = ApiResponseWire {
            vnp_ResponseId: "Y".into(),
            vnp_Command: "refund".into(),
            vnp_ResponseCode: "00".into(),
            vnp_PromotionCode: "ignored in refund checksum".into(),
            ..Default::default()
        };
        assert_eq!(answer.data().split('|').count(), 13);
        answer.sign(&cfg);
        let verified = verify_api_response(&cfg, &serde_json::to_string(&answer).unwrap()).unwrap();
        assert_eq!(verified.vnp_ResponseCode, "00");
    }
}
