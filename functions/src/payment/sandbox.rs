//! The local provider sandbox, routed only when `SANDBOX=1` (development `.dev.vars`; no
//! deployed configuration sets it). It plays each provider's part with the provider's own
//! protocol from `motcua_domain::gateway::*::sandbox`: it checks the merchant's signatures as the
//! provider would, shows a hosted payment page, and calls our callback endpoints with the
//! provider's signature. It can drop or duplicate a callback to exercise reconciliation and
//! exactly-once settlement. The payment code never knows it is talking to the sandbox.

use motcua_domain::gateway::vietqr::{self, BankTransfer};
use motcua_domain::gateway::vnpay::sandbox as vnpay_side;
use motcua_domain::gateway::vnpay::{self, ApiResponseWire};
use motcua_domain::gateway::{momo, paygov, zalopay};
use motcua_domain::gateway::parse_query;
use motcua_domain::money::Vnd;
use worker::{Fetch, Headers, Method, Request, RequestInit, Response};

use motcua_domain::gateway::merchant::Credentials;
use motcua_domain::gateway::Provider;

use super::{config, merchants};
use crate::platform::error::ApiError;
use crate::platform::outbound;
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

/// The hosted page every sandbox provider shows: the order, the amount, and the citizen's choice
/// (pay, fail, cancel) with how the provider should notify us (normally, not at all, twice).
fn hosted_page(provider: &str, action: &str, hidden: &[(&str, &str)], order: &str, info: &str, amount: Vnd) -> Result<Response, ApiError> {
    let fields: String = hidden
        .iter()
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", esc(k), esc(v)))
        .collect();
    html(format!(
        "<p class=\"note\">Môi trường thử nghiệm — không có tiền thật.</p><h1>{provider}</h1>\
         <p>Đơn hàng: <strong>{order}</strong></p><p>{info}</p><p>Số tiền: <strong>{amount}</strong></p>\
         <form method=\"post\" action=\"{action}\">{fields}\
         <label>Gửi thông báo kết quả <select name=\"callback\"><option value=\"normal\">Bình thường</option>\
         <option value=\"drop\">Không gửi (mất thông báo)</option><option value=\"duplicate\">Gửi trùng lặp</option></select></label>\
         <button class=\"pay\" name=\"outcome\" value=\"pay\">Thanh toán</button>\
         <button name=\"outcome\" value=\"fail\">Giao dịch thất bại</button>\
         <button name=\"outcome\" value=\"cancel\">Hủy giao dịch</button></form>",
        order = esc(order),
        info = esc(info),
    ))
}

async fn read_form(ctx: &mut Ctx) -> Result<std::collections::HashMap<String, String>, ApiError> {
    Ok(parse_query(&ctx.req.text().await?).map_err(|e| ApiError::Unexpected(e.to_string()))?.into_iter().collect())
}

/// Sends one notification as the provider would: once, never, or twice at the same time.
async fn notify(mode: Option<&str>, send: impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>>>>) -> Result<(), ApiError> {
    match mode {
        Some("drop") => Ok(()),
        Some("duplicate") => {
            let (a, b) = futures_util::future::join(send(), send()).await;
            a.and(b)
        }
        _ => send().await,
    }
}

fn redirect(location: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("location", location)?;
    Ok(Response::empty()?.with_status(302).with_headers(headers))
}

/// The merchant a request names (VNPay's `vnp_TmnCode`, MoMo's `partnerCode`, ZaloPay's `app_id`,
/// the platform's `MaDoiTac`), in a JSON body, a form or a query. Like a provider, the sandbox
/// accepts every merchant it has a contract with: each one the database knows, and the
/// deployment's own.
fn claimed_merchant(text: &str) -> String {
    const KEYS: [&str; 4] = ["vnp_TmnCode", "partnerCode", "app_id", "MaDoiTac"];
    if let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(text) {
        for k in KEYS {
            match o.get(k) {
                Some(serde_json::Value::String(s)) => return s.clone(),
                Some(serde_json::Value::Number(n)) => return n.to_string(),
                _ => {}
            }
        }
    }
    parse_query(text).ok().and_then(|pairs| pairs.into_iter().find(|(k, _)| KEYS.contains(&k.as_str())).map(|(_, v)| v)).unwrap_or_default()
}

async fn merchant(ctx: &Ctx, provider: Provider, merchant_id: &str) -> Result<Credentials, ApiError> {
    merchants::by_merchant_id(&ctx.env, &ctx.national()?, provider, merchant_id).await?.ok_or_else(|| config::provider_unavailable(provider))
}

/// `GET /sandbox/vnpay/paymentv2/vpcpay.html?...`: VNPay's hosted page.
pub async fn vnpay_page(ctx: &Ctx) -> Result<Response, ApiError> {
    let query = ctx.raw_query();
    let gateway = merchants::vnpay(&ctx.env, &merchant(ctx, Provider::Vnpay, &claimed_merchant(&query)).await?)?;
    let order = match vnpay_side::verify_payment_url(&gateway.0, &query) {
        Ok(o) => o,
        Err(e) => return Ok(html(format!("<h1>Giao dịch không hợp lệ</h1><p>{}</p>", esc(&e.to_string())))?.with_status(400)),
    };
    hosted_page("VNPAY", "/sandbox/vnpay/complete", &[("q", &query)], &order.txn_ref, &order.order_info, order.amount)
}

/// `POST /sandbox/vnpay/complete`: the citizen's choice on the hosted page. Calls our IPN as
/// VNPay does (unless told to drop it), then sends the browser back to the return URL.
pub async fn vnpay_complete(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let form = read_form(ctx).await?;
    let q = form.get("q").cloned().unwrap_or_default();
    let gateway = merchants::vnpay(&ctx.env, &merchant(ctx, Provider::Vnpay, &claimed_merchant(&q)).await?)?;
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
    notify(form.get("callback").map(String::as_str), || {
        let ipn = ipn.clone();
        Box::pin(async move { get(&ipn).await })
    })
    .await?;
    let sep = if order.return_url.contains('?') { '&' } else { '?' };
    redirect(&format!("{}{sep}{callback_query}", order.return_url))
}

/// `POST /sandbox/momo/v2/gateway/api/create`: MoMo checks our signature and answers the
/// hosted page's address.
pub async fn momo_create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body = ctx.req.text().await?;
    let gateway = merchants::momo(&ctx.env, &merchant(ctx, Provider::Momo, &claimed_merchant(&body)).await?)?;
    let order = match momo::sandbox::verify_create(&gateway.0, &body) {
        Ok(o) => o,
        Err(e) => {
            return Ok(Response::from_json(&serde_json::json!({"resultCode": 11007, "message": e.to_string()}))?.with_status(400))
        }
    };
    remember(ctx, "momo", &order.order_id, &serde_json::to_value(&order).map_err(|e| ApiError::Unexpected(e.to_string()))?).await?;
    let pay_url = format!("{}/sandbox/momo/pay?orderId={}", config::public_base(&ctx.env), order.order_id);
    Ok(Response::ok(momo::sandbox::create_response(&order, &pay_url, clock::now()))?.with_headers(json_headers()?))
}

pub async fn momo_page(ctx: &Ctx) -> Result<Response, ApiError> {
    let order: momo::CreateWire = recall(ctx, "momo", &query_param(ctx, "orderId")).await?;
    hosted_page("MoMo", "/sandbox/momo/complete", &[("orderId", &order.order_id)], &order.order_id, &order.order_info, Vnd::dong(order.amount))
}

pub async fn momo_complete(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let form = read_form(ctx).await?;
    let order: momo::CreateWire = recall(ctx, "momo", form.get("orderId").map(String::as_str).unwrap_or("")).await?;
    let gateway = merchants::momo(&ctx.env, &merchant(ctx, Provider::Momo, &order.partner_code).await?)?;
    let result_code = match form.get("outcome").map(String::as_str) {
        Some("pay") => 0,
        Some("cancel") => 1006,
        _ => 1001,
    };
    let result = momo::sandbox::PaymentResult {
        order_id: order.order_id.clone(),
        request_id: order.request_id.clone(),
        amount: Vnd::dong(order.amount),
        order_info: order.order_info.clone(),
        trans_id: (4_000_000_000 + random::u64() % 1_000_000_000) as i64,
        result_code,
        pay_type: "qr".into(),
        extra_data: order.extra_data.clone(),
        response_time: clock::now(),
    };
    let ipn_body = momo::sandbox::ipn_body(&gateway.0, &result);
    remember(ctx, "momo-result", &order.order_id, &serde_json::json!({"ipn": ipn_body})).await?;
    notify(form.get("callback").map(String::as_str), || {
        let (url, body) = (order.ipn_url.clone(), ipn_body.clone());
        Box::pin(async move { post(&url, &body, &[]).await.map(|_| ()) })
    })
    .await?;
    let sep = if order.redirect_url.contains('?') { '&' } else { '?' };
    redirect(&format!("{}{sep}orderId={}&resultCode={result_code}", order.redirect_url, order.order_id))
}

/// `POST /sandbox/zalopay/v2/create`.
pub async fn zalopay_create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body = ctx.req.text().await?;
    let gateway = merchants::zalopay(&ctx.env, &merchant(ctx, Provider::Zalopay, &claimed_merchant(&body)).await?)?;
    let order = match zalopay::sandbox::verify_create(&gateway.0, &body) {
        Ok(o) => o,
        Err(e) => {
            return Ok(Response::from_json(&serde_json::json!({"return_code": 2, "return_message": e.to_string()}))?)
        }
    };
    remember(ctx, "zalopay", &order.app_trans_id, &serde_json::to_value(&order).map_err(|e| ApiError::Unexpected(e.to_string()))?).await?;
    let order_url = format!("{}/sandbox/zalopay/pay?app_trans_id={}", config::public_base(&ctx.env), order.app_trans_id);
    Ok(Response::ok(zalopay::sandbox::create_response(&order_url, &hex::encode(random::bytes::<8>())))?.with_headers(json_headers()?))
}

pub async fn zalopay_page(ctx: &Ctx) -> Result<Response, ApiError> {
    let order: zalopay::CreateWire = recall(ctx, "zalopay", &query_param(ctx, "app_trans_id")).await?;
    hosted_page("ZaloPay", "/sandbox/zalopay/complete", &[("app_trans_id", &order.app_trans_id)], &order.app_trans_id, &order.description, Vnd::dong(order.amount))
}

pub async fn zalopay_complete(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let form = read_form(ctx).await?;
    let order: zalopay::CreateWire = recall(ctx, "zalopay", form.get("app_trans_id").map(String::as_str).unwrap_or("")).await?;
    let gateway = merchants::zalopay(&ctx.env, &merchant(ctx, Provider::Zalopay, &order.app_id.to_string()).await?)?;
    let paid = form.get("outcome").map(String::as_str) == Some("pay");
    // ZaloPay calls back only for successful payments.
    if paid {
        let zp_trans_id = (260_000_000_000 + random::u64() % 1_000_000_000) as i64;
        remember(ctx, "zalopay-result", &order.app_trans_id, &serde_json::json!({"zp_trans_id": zp_trans_id, "amount": order.amount})).await?;
        let body = zalopay::sandbox::callback_body(&gateway.0, &order, zp_trans_id, clock::now());
        notify(form.get("callback").map(String::as_str), || {
            let (url, body) = (order.callback_url.clone(), body.clone());
            Box::pin(async move { post(&url, &body, &[]).await.map(|_| ()) })
        })
        .await?;
    }
    let embed: serde_json::Value = serde_json::from_str(&order.embed_data).unwrap_or_default();
    let back = embed["redirecturl"].as_str().unwrap_or("/").to_string();
    let sep = if back.contains('?') { '&' } else { '?' };
    redirect(&format!("{back}{sep}apptransid={}&status={}", order.app_trans_id, if paid { 1 } else { -49 }))
}

/// `POST /sandbox/momo/v2/gateway/api/query`: the order's result, signed like an IPN; an order
/// the citizen has not finished answers 1000 (initiated).
pub async fn momo_query(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body = ctx.req.text().await?;
    let gateway = merchants::momo(&ctx.env, &merchant(ctx, Provider::Momo, &claimed_merchant(&body)).await?)?;
    let wire = match momo::sandbox::verify_query(&gateway.0, &body) {
        Ok(w) => w,
        Err(e) => return Ok(Response::from_json(&serde_json::json!({"resultCode": 11007, "message": e.to_string()}))?.with_status(400)),
    };
    #[derive(serde::Deserialize)]
    struct Stored {
        ipn: String,
    }
    if let Ok(stored) = recall::<Stored>(ctx, "momo-result", &wire.order_id).await {
        return Ok(Response::ok(stored.ipn)?.with_headers(json_headers()?));
    }
    let order: momo::CreateWire = recall(ctx, "momo", &wire.order_id).await?;
    let pending = momo::sandbox::PaymentResult {
        order_id: order.order_id.clone(),
        request_id: wire.request_id.clone(),
        amount: Vnd::dong(order.amount),
        order_info: order.order_info.clone(),
        trans_id: 0,
        result_code: 1000,
        pay_type: String::new(),
        extra_data: order.extra_data.clone(),
        response_time: clock::now(),
    };
    Ok(Response::ok(momo::sandbox::ipn_body(&gateway.0, &pending))?.with_headers(json_headers()?))
}

/// `POST /sandbox/zalopay/v2/query`.
pub async fn zalopay_query(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body = ctx.req.text().await?;
    let gateway = merchants::zalopay(&ctx.env, &merchant(ctx, Provider::Zalopay, &claimed_merchant(&body)).await?)?;
    let wire = match zalopay::sandbox::verify_query(&gateway.0, &body) {
        Ok(w) => w,
        Err(e) => return Ok(Response::from_json(&serde_json::json!({"return_code": 2, "return_message": e.to_string()}))?),
    };
    #[derive(serde::Deserialize)]
    struct Stored {
        zp_trans_id: i64,
        amount: i64,
    }
    let paid = recall::<Stored>(ctx, "zalopay-result", &wire.app_trans_id).await.ok().map(|s| (Vnd::dong(s.amount), s.zp_trans_id));
    Ok(Response::ok(zalopay::sandbox::query_response(paid, clock::now()))?.with_headers(json_headers()?))
}

/// `POST /sandbox/paygov/init`: the national platform checks `MaXacThuc` and answers its page.
pub async fn paygov_init(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body = ctx.req.text().await?;
    let gateway = merchants::paygov(&ctx.env, &merchant(ctx, Provider::Paygov, &claimed_merchant(&body)).await?)?;
    let wire = match paygov::sandbox::verify_init(&gateway.0, &body) {
        Ok(w) => w,
        Err(e) => return Ok(Response::from_json(&serde_json::json!({"error_code": "01", "message": e.to_string()}))?),
    };
    remember(ctx, "paygov", &wire.MaThamChieu, &serde_json::json!({"amount": wire.SoTien, "info": wire.ThongTinGiaoDich, "partner": wire.MaDoiTac})).await?;
    let url = format!("{}/sandbox/paygov/pay?ref={}", config::public_base(&ctx.env), wire.MaThamChieu);
    Ok(Response::ok(paygov::sandbox::init_response(&url))?.with_headers(json_headers()?))
}

/// `POST /sandbox/paygov/query` and `/sandbox/paygov/get-bill`: the platform answers a signed
/// QUERY with the result of what the citizen did on its page (pending until then), and
/// GET_BILL with its receipt once paid.
pub async fn paygov_lookup(ctx: &mut Ctx, kind: &str) -> Result<Response, ApiError> {
    let body = ctx.req.text().await?;
    let gateway = merchants::paygov(&ctx.env, &merchant(ctx, Provider::Paygov, &claimed_merchant(&body)).await?)?;
    let wire = match paygov::sandbox::verify_lookup(&gateway.0, kind, &body) {
        Ok(w) => w,
        Err(e) => return Ok(Response::from_json(&serde_json::json!({"MaLoi": "01", "MoTaLoi": e.to_string()}))?),
    };
    let outcome = recall::<serde_json::Value>(ctx, "paygov-result", &wire.MaThamChieu).await.ok().map(|o| paygov::sandbox::Outcome {
        reference: wire.MaThamChieu.clone(),
        amount: Vnd::dong(o["amount"].as_i64().unwrap_or(0)),
        ma_loi: o["ma_loi"].as_str().unwrap_or("99").into(),
        transaction_no: o["transaction_no"].as_str().unwrap_or("").into(),
        bank_code: "VCB".into(),
        paid_at: clock::now(),
        content: o["content"].as_str().unwrap_or("").into(),
    });
    let answer = match (kind, &outcome) {
        ("GET_BILL", Some(o)) if o.ma_loi == "00" => {
            use base64::Engine;
            // A one-line stand-in for the platform's PDF receipt (the sandbox draws no PDFs).
            let pdf = format!("%PDF-1.4\n% Bien lai Nen tang thanh toan {} {} VND\n%%EOF\n", o.reference, o.amount.as_dong());
            paygov::sandbox::bill_response(&o.reference, &base64::engine::general_purpose::STANDARD.encode(pdf))
        }
        ("GET_BILL", _) => serde_json::json!({"MaLoi": "02", "MoTaLoi": "Chưa có biên lai", "MaThamChieu": wire.MaThamChieu}).to_string(),
        _ => paygov::sandbox::query_response(&gateway.0, &wire.MaThamChieu, outcome.as_ref()),
    };
    Ok(Response::ok(answer)?.with_headers(json_headers()?))
}

pub async fn paygov_page(ctx: &Ctx) -> Result<Response, ApiError> {
    let reference = query_param(ctx, "ref");
    let order: serde_json::Value = recall(ctx, "paygov", &reference).await?;
    let amount = order["amount"].as_str().and_then(|a| a.parse().ok()).unwrap_or(0);
    hosted_page("Nền tảng thanh toán Cổng DVCQG", "/sandbox/paygov/complete", &[("ref", &reference)], &reference, order["info"].as_str().unwrap_or(""), Vnd::dong(amount))
}

pub async fn paygov_complete(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let form = read_form(ctx).await?;
    let reference = form.get("ref").cloned().unwrap_or_default();
    let order: serde_json::Value = recall(ctx, "paygov", &reference).await?;
    let gateway = merchants::paygov(&ctx.env, &merchant(ctx, Provider::Paygov, order["partner"].as_str().unwrap_or("")).await?)?;
    let outcome = paygov::sandbox::Outcome {
        reference: reference.clone(),
        amount: Vnd::dong(order["amount"].as_str().and_then(|a| a.parse().ok()).unwrap_or(0)),
        ma_loi: if form.get("outcome").map(String::as_str) == Some("pay") { "00".into() } else { "01".into() },
        transaction_no: format!("DVCQG{}", random::u64() % 1_000_000_000),
        bank_code: "VCB".into(),
        paid_at: clock::now(),
        content: order["info"].as_str().unwrap_or("").to_string(),
    };
    let body = paygov::sandbox::confirm_body(&gateway.0, &outcome);
    remember(ctx, "paygov-result", &reference, &serde_json::json!({
        "amount": outcome.amount.as_dong(), "ma_loi": outcome.ma_loi, "transaction_no": outcome.transaction_no, "content": outcome.content,
    }))
    .await?;
    let url = format!("{}/api/payments/paygov/confirm", config::public_base(&ctx.env));
    notify(form.get("callback").map(String::as_str), || {
        let (url, body) = (url.clone(), body.clone());
        Box::pin(async move { post(&url, &body, &[]).await.map(|_| ()) })
    })
    .await?;
    // The platform returns the citizen to the portal's own page of dossiers.
    redirect(&format!("{}/ho-so", config::public_base(&ctx.env)))
}

fn query_param(ctx: &Ctx, name: &str) -> String {
    ctx.query(name).unwrap_or_default()
}

fn json_headers() -> Result<Headers, ApiError> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    Ok(headers)
}

async fn recall<T: serde::de::DeserializeOwned>(ctx: &Ctx, provider: &str, reference: &str) -> Result<T, ApiError> {
    #[derive(serde::Deserialize)]
    struct Row {
        result: String,
    }
    let row: Option<Row> = db::first(
        ctx.national()?
            .prepare("SELECT result FROM sandbox_transactions WHERE provider = ?1 AND reference = ?2")
            .bind(&[provider.into(), reference.into()])?,
    )
    .await?;
    row.and_then(|r| serde_json::from_str(&r.result).ok()).ok_or(ApiError::NotFound { what: "payment", field: Some("order") })
}

async fn post(url: &str, body: &str, extra_headers: &[(&str, &str)]) -> Result<u16, ApiError> {
    Ok(outbound::post_json_with(url, body, extra_headers).await?.0)
}

/// `POST /sandbox/vnpay/merchant_webapi/api/transaction`: VNPay's `querydr` and `refund`.
pub async fn vnpay_api(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body = ctx.req.text().await?;
    let gateway = merchants::vnpay(&ctx.env, &merchant(ctx, Provider::Vnpay, &claimed_merchant(&body)).await?)?;
    if body.contains("\"vnp_Command\":\"refund\"") {
        return vnpay_refund(&gateway.0, &body);
    }
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
        ctx.national()?
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
    Ok(Response::ok(vnpay_side::api_response(&gateway.0, answer))?.with_headers(json_headers()?))
}

fn vnpay_refund(config: &vnpay::VnpayConfig, body: &str) -> Result<Response, ApiError> {
    let answer = match vnpay_side::verify_refund(config, body) {
        Ok(w) => ApiResponseWire {
            vnp_ResponseId: hex::encode(random::bytes::<8>()),
            vnp_Command: "refund".into(),
            vnp_ResponseCode: "00".into(),
            vnp_Message: "Refund success".into(),
            vnp_TmnCode: config.tmn_code.clone(),
            vnp_TxnRef: w.vnp_TxnRef.clone(),
            vnp_Amount: w.vnp_Amount.clone(),
            vnp_BankCode: "NCB".into(),
            vnp_PayDate: w.vnp_CreateDate.clone(),
            vnp_TransactionNo: w.vnp_TransactionNo.clone(),
            vnp_TransactionType: w.vnp_TransactionType.clone(),
            vnp_TransactionStatus: "05".into(),
            vnp_OrderInfo: w.vnp_OrderInfo.clone(),
            vnp_PromotionCode: String::new(),
            vnp_PromotionAmount: String::new(),
            vnp_SecureHash: String::new(),
        },
        Err(_) => return Ok(Response::from_json(&serde_json::json!({"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}))?),
    };
    Ok(Response::ok(vnpay_side::api_response(config, answer))?.with_headers(json_headers()?))
}

/// `POST /sandbox/momo/v2/gateway/api/refund`.
pub async fn momo_refund(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body = ctx.req.text().await?;
    let gateway = merchants::momo(&ctx.env, &merchant(ctx, Provider::Momo, &claimed_merchant(&body)).await?)?;
    match momo::sandbox::verify_refund(&gateway.0, &body) {
        Ok(wire) => Ok(Response::ok(momo::sandbox::refund_response(&gateway.0, &wire, 0, clock::now()))?.with_headers(json_headers()?)),
        Err(e) => Ok(Response::from_json(&serde_json::json!({"resultCode": 11007, "message": e.to_string()}))?.with_status(400)),
    }
}

/// `POST /sandbox/zalopay/v2/refund`.
pub async fn zalopay_refund(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body = ctx.req.text().await?;
    let gateway = merchants::zalopay(&ctx.env, &merchant(ctx, Provider::Zalopay, &claimed_merchant(&body)).await?)?;
    let code = if zalopay::sandbox::verify_refund(&gateway.0, &body).is_ok() { 1 } else { 2 };
    Ok(Response::ok(zalopay::sandbox::refund_response(code, (random::u64() % 1_000_000_000) as i64))?.with_headers(json_headers()?))
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
    // The bank signs with the secret of the agency whose account was credited (else the
    // deployment's), as a real bank's notification service is set up per account.
    let d1 = ctx.national()?;
    let credentials = match super::accounts::holders(&d1, &transfer.account).await?.first() {
        Some(agency) => merchants::resolve(&ctx.env, &d1, agency, Provider::Vietqr).await?.credentials,
        None => merchants::of_owner(&ctx.env, &d1, None, Provider::Vietqr).await?,
    };
    let secret = credentials.webhook_secret().cloned().ok_or_else(|| config::provider_unavailable(Provider::Vietqr))?;
    let (body, signature) = vietqr::sandbox::webhook(&secret, &transfer);
    let url = format!("{}/api/payments/bank/webhook", config::public_base(&ctx.env));
    remember(ctx, "bank", &transfer.id, &serde_json::json!({"account": transfer.account, "amount": transfer.amount, "content": transfer.content})).await?;
    let mut last_status = 0;
    for _ in 0..t.repeat.unwrap_or(1).clamp(1, 5) {
        last_status = post(&url, &body, &[(vietqr::SIGNATURE_HEADER, &signature)]).await?;
    }
    Ok(Response::from_json(&serde_json::json!({"id": transfer.id, "webhook_status": last_status}))?)
}

/// `GET /sandbox/settlements/{vnpay|momo|zalopay|vietqr}?date=YYYY-MM-DD`: the provider's
/// settlement file of that Vietnamese day (the bank's statement for VietQR), in the format the
/// import reads, from what the sandbox itself processed — as a provider's file shows its own
/// view, which may differ from our ledger.
pub async fn settlement_file(ctx: &Ctx, provider: &str) -> Result<Response, ApiError> {
    use motcua_domain::settlement::{FileFormat, SettlementRow};
    let format = FileFormat::parse("provider", provider)?;
    let date = match ctx.query("date") {
        Some(d) => motcua_domain::calendar::parse_iso_date("date", &d)?,
        None => clock::today_vn(),
    };
    let (from, to) = clock::day_bounds_vn(date);
    let kind = match format {
        FileFormat::Vnpay => "vnpay",
        FileFormat::Momo => "momo-result",
        FileFormat::Zalopay => "zalopay-result",
        FileFormat::Bank => "bank",
    };
    #[derive(serde::Deserialize)]
    struct Row {
        reference: String,
        result: String,
        created_at: String,
    }
    let rows: Vec<Row> = db::all(
        ctx.national()?
            .prepare("SELECT reference, result, created_at FROM sandbox_transactions WHERE provider = ?1 AND created_at >= ?2 AND created_at < ?3 ORDER BY created_at")
            .bind(&[kind.into(), from.into(), to.into()])?,
    )
    .await?;
    let mut out: Vec<SettlementRow> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(&r.result).unwrap_or_default();
        let row = |reference: String, txn: String, amount: i64| SettlementRow { reference, provider_txn: txn, amount: Vnd::dong(amount.max(0)), at: r.created_at.clone(), line: i + 2 };
        match format {
            FileFormat::Vnpay if v["status"] == "00" => {
                out.push(row(r.reference.clone(), v["transaction_no"].as_str().unwrap_or("").into(), v["amount"].as_i64().unwrap_or(0)))
            }
            FileFormat::Momo => {
                let ipn: serde_json::Value = serde_json::from_str(v["ipn"].as_str().unwrap_or("")).unwrap_or_default();
                if ipn["resultCode"] == 0 {
                    out.push(row(r.reference.clone(), ipn["transId"].to_string(), ipn["amount"].as_i64().unwrap_or(0)));
                }
            }
            FileFormat::Zalopay => out.push(row(r.reference.clone(), v["zp_trans_id"].to_string(), v["amount"].as_i64().unwrap_or(0))),
            FileFormat::Bank => out.push(row(v["content"].as_str().unwrap_or("").into(), r.reference.clone(), v["amount"].as_i64().unwrap_or(0))),
            _ => {}
        }
    }
    let text = match format {
        // The bank's statement carries the transfer content; the import finds our reference in it.
        FileFormat::Bank => motcua_domain::settlement::bank::write(&out),
        other => other.write_file(&out),
    };
    let headers = Headers::new();
    headers.set("content-type", "text/csv; charset=utf-8")?;
    headers.set("content-disposition", &format!("attachment; filename=\"doi-soat-{provider}-{date}.csv\""))?;
    Ok(Response::ok(text)?.with_headers(headers))
}

async fn remember(ctx: &Ctx, provider: &str, reference: &str, result: &serde_json::Value) -> Result<(), ApiError> {
    ctx.national()?
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
