//! The local provider sandbox, routed only when `SANDBOX=1` (development `.dev.vars`; no
//! deployed configuration sets it). It plays each provider's part with the provider's own
//! protocol from `motcua_domain::gateway::*::sandbox`: it checks the merchant's signatures as the
//! provider would, shows a hosted payment page, and calls our callback endpoints with the
//! provider's signature. It can drop or duplicate a callback to exercise reconciliation and
//! exactly-once settlement. The payment code never knows it is talking to the sandbox.

use motcua_domain::gateway::vietqr::{self, BankTransfer};
use motcua_domain::gateway::vnpay::sandbox as vnpay_side;
use motcua_domain::gateway::vnpay::{self, ApiResponseWire};
use motcua_domain::gateway::parse_query;
use motcua_domain::money::Vnd;
use worker::{Fetch, Headers, Method, Request, RequestInit, Response};

use super::config;
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;
use crate::platform::{clock, db, random};

fn html(body: String) -> Result<Response, ApiError> {
    Ok(Response::from_html(format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Cổng thanh toán thử nghiệm</title><style>body{{font-family:system-ui,sans-serif;max-width:420px;margin:0 auto;padding:1rem}}\
         button,select{{font:inherit;min-height:44px;width:100%;margin:.3rem 0}}.pay{{background:#005baa;color:#fff;border:0}}\
         .note{{background:#fff3cd;padding:.5rem}}</style></head><body>{body}</body></html>"
    ))?)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `GET /sandbox/vnpay/paymentv2/vpcpay.html?...`: VNPay's hosted page.
pub async fn vnpay_page(ctx: &Ctx) -> Result<Response, ApiError> {
    let query = ctx.req.url()?.query().unwrap_or("").to_string();
    let gateway = config::vnpay(&ctx.env)?;
    let order = match vnpay_side::verify_payment_url(&gateway.0, &query) {
        Ok(o) => o,
        Err(e) => return Ok(html(format!("<h1>Giao dịch không hợp lệ</h1><p>{}</p>", esc(&e.to_string())))?.with_status(400)),
    };
    html(format!(
        "<p class=\"note\">Môi trường thử nghiệm — không có tiền thật.</p><h1>VNPAY</h1>\
         <p>Đơn hàng: <strong>{txn}</strong></p><p>{info}</p><p>Số tiền: <strong>{amount}</strong></p>\
         <form method=\"post\" action=\"/sandbox/vnpay/complete\"><input type=\"hidden\" name=\"q\" value=\"{q}\">\
         <label>Gửi thông báo IPN <select name=\"callback\"><option value=\"normal\">Bình thường</option>\
         <option value=\"drop\">Không gửi (mất IPN)</option><option value=\"duplicate\">Gửi trùng lặp</option></select></label>\
         <button class=\"pay\" name=\"outcome\" value=\"pay\">Thanh toán</button>\
         <button name=\"outcome\" value=\"fail\">Giao dịch thất bại</button>\
         <button name=\"outcome\" value=\"cancel\">Hủy giao dịch</button></form>",
        txn = esc(&order.txn_ref),
        info = esc(&order.order_info),
        amount = order.amount,
        q = esc(&query),
    ))
}

/// `POST /sandbox/vnpay/complete`: the citizen's choice on the hosted page. Calls our IPN as
/// VNPay does (unless told to drop it), then sends the browser back to the return URL.
pub async fn vnpay_complete(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let form: std::collections::HashMap<String, String> =
        parse_query(&ctx.req.text().await?).map_err(|e| ApiError::Unexpected(e.to_string()))?.into_iter().collect();
    let gateway = config::vnpay(&ctx.env)?;
    let order = vnpay_side::verify_payment_url(&gateway.0, form.get("q").map(String::as_str).unwrap_or(""))
        .map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let (response_code, status) = match form.get("outcome").map(String::as_str) {
        Some("pay") => ("00", "00"),
        Some("cancel") => ("24", "02"),
        _ => ("51", "02"),
    };
    let result = vnpay_side::PaymentResult {
        txn_ref: order.txn_ref.clone(),
        amount: order.amount,
        order_info: order.order_info.clone(),
        response_code: response_code.into(),
        transaction_status: status.into(),
        transaction_no: (10_000_000 + random::u64() % 89_999_999).to_string(),
        bank_code: "NCB".into(),
        pay_date: clock::now(),
    };
    remember(ctx, "vnpay", &order.txn_ref, &serde_json::json!({
        "amount": order.amount.as_dong(), "response_code": response_code, "status": status,
        "transaction_no": result.transaction_no, "order_info": order.order_info,
        "pay_date_text": motcua_domain::gateway::gmt7_compact(result.pay_date),
    }))
    .await?;
    let callback_query = vnpay_side::callback_query(&gateway.0, &result);
    let ipn = format!("{}/api/payments/vnpay/ipn?{callback_query}", config::public_base(&ctx.env));
    match form.get("callback").map(String::as_str) {
        Some("drop") => {}
        Some("duplicate") => {
            let (a, b) = futures_join(get(&ipn), get(&ipn)).await;
            a?;
            b?;
        }
        _ => get(&ipn).await?,
    }
    let sep = if order.return_url.contains('?') { '&' } else { '?' };
    let headers = Headers::new();
    headers.set("location", &format!("{}{sep}{callback_query}", order.return_url))?;
    Ok(Response::empty()?.with_status(302).with_headers(headers))
}

async fn futures_join<A: std::future::Future, B: std::future::Future>(a: A, b: B) -> (A::Output, B::Output) {
    futures_util::future::join(a, b).await
}

/// `POST /sandbox/vnpay/merchant_webapi/api/transaction`: VNPay's `querydr`.
pub async fn vnpay_api(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let gateway = config::vnpay(&ctx.env)?;
    let body = ctx.req.text().await?;
    let wire = match vnpay_side::verify_querydr(&gateway.0, &body) {
        Ok(w) => w,
        Err(_) => {
            return Ok(Response::from_json(&serde_json::json!({"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}))?)
        }
    };
    #[derive(serde::Deserialize)]
    struct Row {
        result: String,
    }
    let row: Option<Row> = db::first(
        ctx.d1()?
            .prepare("SELECT result FROM sandbox_transactions WHERE provider = 'vnpay' AND reference = ?1")
            .bind(&[wire.vnp_TxnRef.as_str().into()])?,
    )
    .await?;
    let found: Option<serde_json::Value> = row.and_then(|r| serde_json::from_str(&r.result).ok());
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("").to_string();
    let answer = match found {
        Some(t) => ApiResponseWire {
            vnp_ResponseId: hex::encode(random::bytes::<8>()),
            vnp_Command: "querydr".into(),
            vnp_ResponseCode: "00".into(),
            vnp_Message: "QueryDR Success".into(),
            vnp_TmnCode: gateway.0.tmn_code.clone(),
            vnp_TxnRef: wire.vnp_TxnRef.clone(),
            vnp_Amount: vnpay::amount_field(Vnd::dong(t["amount"].as_i64().unwrap_or(0))),
            vnp_BankCode: "NCB".into(),
            vnp_PayDate: text(&t, "pay_date_text"),
            vnp_TransactionNo: text(&t, "transaction_no"),
            vnp_TransactionType: "01".into(),
            vnp_TransactionStatus: text(&t, "status"),
            vnp_OrderInfo: text(&t, "order_info"),
            vnp_PromotionCode: String::new(),
            vnp_PromotionAmount: String::new(),
            vnp_SecureHash: String::new(),
        },
        None => ApiResponseWire {
            vnp_ResponseId: hex::encode(random::bytes::<8>()),
            vnp_Command: "querydr".into(),
            vnp_ResponseCode: "91".into(),
            vnp_Message: "Transaction not found".into(),
            vnp_TmnCode: gateway.0.tmn_code.clone(),
            vnp_TxnRef: wire.vnp_TxnRef.clone(),
            vnp_Amount: String::new(),
            vnp_BankCode: String::new(),
            vnp_PayDate: String::new(),
            vnp_TransactionNo: String::new(),
            vnp_TransactionType: String::new(),
            vnp_TransactionStatus: String::new(),
            vnp_OrderInfo: String::new(),
            vnp_PromotionCode: String::new(),
            vnp_PromotionAmount: String::new(),
            vnp_SecureHash: String::new(),
        },
    };
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    Ok(Response::ok(vnpay_side::api_response(&gateway.0, answer))?.with_headers(headers))
}

/// `POST /sandbox/bank/transfer` `{"account","amount","content"}`: a bank booking a credit and
/// notifying our webhook with its signature, as a transfer-notification service does.
pub async fn bank_transfer(ctx: &mut Ctx) -> Result<Response, ApiError> {
    #[derive(serde::Deserialize)]
    struct Transfer {
        account: String,
        amount: i64,
        content: String,
        #[serde(default)]
        repeat: Option<u32>,
    }
    let t: Transfer = ctx.json_body().await?;
    let transfer = BankTransfer {
        id: format!("FT{}", hex::encode_upper(random::bytes::<6>())),
        account: t.account,
        amount: t.amount,
        content: t.content,
        time: clock::rfc3339(clock::now()),
    };
    let (body, signature) = vietqr::sandbox::webhook(&config::bank_webhook_secret(&ctx.env)?, &transfer);
    let url = format!("{}/api/payments/bank/webhook", config::public_base(&ctx.env));
    let mut last_status = 0;
    for _ in 0..t.repeat.unwrap_or(1).clamp(1, 5) {
        let headers = Headers::new();
        headers.set("content-type", "application/json")?;
        headers.set(vietqr::SIGNATURE_HEADER, &signature)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_headers(headers).with_body(Some(body.clone().into()));
        let resp = Fetch::Request(Request::new_with_init(&url, &init)?).send().await?;
        last_status = resp.status_code();
    }
    Ok(Response::from_json(&serde_json::json!({"id": transfer.id, "webhook_status": last_status}))?)
}

async fn remember(ctx: &Ctx, provider: &str, reference: &str, result: &serde_json::Value) -> Result<(), ApiError> {
    ctx.d1()?
        .prepare("INSERT OR REPLACE INTO sandbox_transactions (provider, reference, result, created_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(&[provider.into(), reference.into(), result.to_string().into(), clock::rfc3339(clock::now()).into()])?
        .run()
        .await?;
    Ok(())
}

async fn get(url: &str) -> Result<(), ApiError> {
    let mut init = RequestInit::new();
    init.with_method(Method::Get);
    Fetch::Request(Request::new_with_init(url, &init)?).send().await?;
    Ok(())
}
