//! Each agency's own merchant at each provider: `GET|PUT /api/admin/agencies/{code}/gateways/
//! {provider}`, sealed in D1 with AES-256-GCM through WebCrypto under the key-encryption key of
//! the Worker secret `CREDENTIALS_KEK` (its id stored beside each row, so a rotation re-seals at
//! its pace), bound to the agency and provider as associated data (a row copied to another
//! agency does not open). Secrets are write-only: answers carry the masked form, the audit log
//! the masked before and after, no log line a value.
//!
//! A payment is opened with its agency's merchant, else its nearest ancestor's, else the
//! deployment's secrets; the owner is kept on the payment so that its callback, query and refund
//! use the same one.

use base64::Engine;
use motcua_domain::gateway::merchant::Credentials;
use motcua_domain::gateway::momo::Momo;
use motcua_domain::gateway::paygov::Paygov;
use motcua_domain::gateway::vietqr::{Vietqr, VietqrConfig};
use motcua_domain::gateway::vnpay::Vnpay;
use motcua_domain::gateway::zalopay::Zalopay;
use motcua_domain::gateway::{Provider, Secret};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{Env, Response};
use crate::platform::db::Db;

use super::config::provider_unavailable;
use crate::auth::webcrypto;
use crate::desk::admin::{admin, agency_in_scope};
use crate::desk::audit;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::settings::Kek;
use crate::platform::{clock, config, db};

/// The credentials a payment uses and whose they are (`None`: the deployment's).
#[derive(Debug, Clone)]
pub struct Merchant {
    pub owner: Option<String>,
    pub credentials: Credentials,
}

#[derive(Deserialize)]
struct SealedRow {
    agency_code: String,
    provider: String,
    sealed: String,
    key_id: String,
}

fn aad(agency: &str, provider: Provider) -> Vec<u8> {
    format!("motcua/gateway/{agency}/{provider}").into_bytes()
}

fn kek<'a>(env: &'a Env, id: Option<&str>) -> Result<&'a Kek, ApiError> {
    let keks = &config::config(env).keks;
    match id {
        None => keks.first(),
        Some(id) => keks.iter().find(|k| k.id == id),
    }
    .ok_or_else(|| ApiError::Unavailable {
        code: "credentials_key_missing",
        message: "The key that seals merchant credentials is not configured (CREDENTIALS_KEK).".into(),
        message_vi: "Hệ thống chưa được cấu hình khóa bảo vệ thông tin kết nối thanh toán.".into(),
    })
}

async fn seal(env: &Env, agency: &str, credentials: &Credentials) -> Result<(String, String), ApiError> {
    let k = kek(env, None)?;
    let iv = webcrypto::random_bytes::<12>()?;
    let mut out = iv.to_vec();
    out.extend(webcrypto::aes_gcm_seal(&k.key, &iv, &aad(agency, credentials.provider()), credentials.to_sealable().as_bytes()).await?);
    Ok((k.id.clone(), base64::engine::general_purpose::STANDARD.encode(out)))
}

async fn open(env: &Env, row: &SealedRow) -> Result<Credentials, ApiError> {
    let provider = Provider::parse("provider", &row.provider).map_err(|_| ApiError::Unexpected("sealed row of an unknown provider".into()))?;
    let k = kek(env, Some(&row.key_id))?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(&row.sealed).map_err(|_| ApiError::Unexpected("sealed credentials are not base64".into()))?;
    if bytes.len() < 12 {
        return Err(ApiError::Unexpected("sealed credentials too short".into()));
    }
    let plain = webcrypto::aes_gcm_open(&k.key, &bytes[..12], &aad(&row.agency_code, provider), &bytes[12..])
        .await
        .map_err(|_| ApiError::Unexpected(format!("credentials of {} for {provider} do not open", row.agency_code)))?;
    let value: Value = serde_json::from_slice(&plain).map_err(|_| ApiError::Unexpected("sealed credentials are not JSON".into()))?;
    Credentials::parse(provider, &value).map_err(|e| ApiError::Unexpected(format!("sealed credentials: {}", e.field)))
}

/// The deployment's own credentials for `provider`, from its Worker secrets.
fn deployment(env: &Env, provider: Provider) -> Option<Credentials> {
    let c = config::config(env);
    match provider {
        Provider::Vnpay => c.vnpay.as_ref().map(|v| Credentials::Vnpay { tmn_code: v.tmn_code.clone(), hash_secret: v.hash_secret.clone() }),
        Provider::Momo => c.momo.as_ref().map(|m| Credentials::Momo {
            partner_code: m.partner_code.clone(),
            access_key: Secret::new(m.access_key.clone()),
            secret_key: m.secret_key.clone(),
        }),
        Provider::Zalopay => c.zalopay.as_ref().map(|z| Credentials::Zalopay { app_id: z.app_id.clone(), key1: z.key1.clone(), key2: z.key2.clone() }),
        Provider::Paygov => c.paygov.as_ref().map(|p| Credentials::Paygov { partner_code: p.partner_code.clone(), secret: p.secret.clone() }),
        Provider::Vietqr => c.bank_webhook_secret.clone().map(|s| Credentials::Vietqr { webhook_secret: s }),
    }
}

/// The merchant of the nearest agency on the path to the root that has one, else the
/// deployment's.
pub async fn resolve(env: &Env, d1: &Db, agency: &str, provider: Provider) -> Result<Merchant, ApiError> {
    let row: Option<SealedRow> = db::first(
        d1.prepare(
            "WITH RECURSIVE up(code, depth) AS (SELECT ?1, 0 UNION ALL \
               SELECT a.parent_code, up.depth + 1 FROM agencies a JOIN up ON a.code = up.code WHERE a.parent_code IS NOT NULL AND up.depth < 16) \
             SELECT g.agency_code, g.provider, g.sealed, g.key_id FROM up JOIN gateway_credentials g \
               ON g.agency_code = up.code AND g.provider = ?2 ORDER BY up.depth LIMIT 1",
        )
        .bind(&[agency.into(), provider.as_str().into()])?,
    )
    .await?;
    match row {
        Some(row) => Ok(Merchant { owner: Some(row.agency_code.clone()), credentials: open(env, &row).await? }),
        None => deployment(env, provider).map(|credentials| Merchant { owner: None, credentials }).ok_or_else(|| provider_unavailable(provider)),
    }
}

/// The credentials a payment was opened with (its `merchant_agency`).
pub async fn of_owner(env: &Env, d1: &Db, owner: Option<&str>, provider: Provider) -> Result<Credentials, ApiError> {
    let Some(owner) = owner else {
        return deployment(env, provider).ok_or_else(|| provider_unavailable(provider));
    };
    let row: Option<SealedRow> = db::first(
        d1.prepare("SELECT agency_code, provider, sealed, key_id FROM gateway_credentials WHERE agency_code = ?1 AND provider = ?2")
            .bind(&[owner.into(), provider.as_str().into()])?,
    )
    .await?;
    match row {
        Some(row) => open(env, &row).await,
        // The owner's merchant was removed after the payment started: nothing can verify it.
        None => Err(provider_unavailable(provider)),
    }
}

/// Every merchant the database knows for `provider` with this public id, and the deployment's
/// when it matches (the sandbox accepts any of them, like a provider accepts its merchants).
pub async fn by_merchant_id(env: &Env, d1: &Db, provider: Provider, merchant_id: &str) -> Result<Option<Credentials>, ApiError> {
    let row: Option<SealedRow> = db::first(
        d1.prepare("SELECT agency_code, provider, sealed, key_id FROM gateway_credentials WHERE provider = ?1 AND merchant_id = ?2 LIMIT 1")
            .bind(&[provider.as_str().into(), merchant_id.into()])?,
    )
    .await?;
    match row {
        Some(row) => Ok(Some(open(env, &row).await?)),
        None => Ok(deployment(env, provider).filter(|c| c.merchant_id() == merchant_id)),
    }
}

// The provider adapters with these credentials put into the deployment's addresses.

pub fn vnpay(env: &Env, c: &Credentials) -> Result<Vnpay, ApiError> {
    c.vnpay(config::config(env).templates.vnpay.clone()).map(Vnpay).ok_or_else(|| provider_unavailable(Provider::Vnpay))
}

pub fn momo(env: &Env, c: &Credentials) -> Result<Momo, ApiError> {
    c.momo(config::config(env).templates.momo.clone()).map(Momo).ok_or_else(|| provider_unavailable(Provider::Momo))
}

pub fn zalopay(env: &Env, c: &Credentials) -> Result<Zalopay, ApiError> {
    c.zalopay(config::config(env).templates.zalopay.clone()).map(Zalopay).ok_or_else(|| provider_unavailable(Provider::Zalopay))
}

pub fn paygov(env: &Env, c: &Credentials) -> Result<Paygov, ApiError> {
    config::config(env).templates.paygov.clone().and_then(|t| c.paygov(t)).map(Paygov).ok_or_else(|| provider_unavailable(Provider::Paygov))
}

pub fn vietqr(c: &Credentials, account: VietqrConfig) -> Result<Vietqr, ApiError> {
    c.webhook_secret().map(|s| Vietqr { config: account, webhook_secret: s.clone() }).ok_or_else(|| provider_unavailable(Provider::Vietqr))
}

// Admin routes.

fn view(agency: &str, provider: Provider, masked: Option<Value>, inherited: Option<String>) -> Value {
    json!({
        "agency_code": agency,
        "provider": provider,
        "configured": masked.is_some(),
        "credentials": masked,
        // Where payments of this agency go when it has none of its own.
        "inherits_from": inherited,
    })
}

async fn masked_of(d1: &Db, agency: &str, provider: Provider) -> Result<Option<Value>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        masked_json: String,
    }
    let row: Option<Row> = db::first(
        d1.prepare("SELECT masked_json FROM gateway_credentials WHERE agency_code = ?1 AND provider = ?2").bind(&[agency.into(), provider.as_str().into()])?,
    )
    .await?;
    Ok(row.and_then(|r| serde_json::from_str(&r.masked_json).ok()))
}

async fn agency_exists(d1: &Db, code: &str) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Row {
        #[allow(dead_code)]
        code: String,
    }
    db::first::<Row>(d1.prepare("SELECT code FROM agencies WHERE code = ?1").bind(&[code.into()])?)
        .await?
        .map(|_| ())
        .ok_or(ApiError::NotFound { what: "agency", field: Some("code") })
}

/// `GET /api/admin/agencies/{code}/gateways/{provider}`: the masked credentials, or where the
/// agency's payments go without its own.
pub async fn get(ctx: &Ctx, code: &str, provider: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let provider = Provider::parse("provider", provider)?;
    let d1 = ctx.national()?;
    agency_exists(&d1, code).await?;
    let masked = masked_of(&d1, code, provider).await?;
    let inherited = match masked {
        Some(_) => None,
        None => resolve(&ctx.env, &d1, code, provider).await.ok().map(|m| m.owner.unwrap_or_else(|| "deployment".into())),
    };
    json(&view(code, provider, masked, inherited))
}

/// `PUT /api/admin/agencies/{code}/gateways/{provider}`: replaces the agency's merchant, sealed,
/// audited with the masked values only.
pub async fn put(ctx: &mut Ctx, code: &str, provider: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let provider = Provider::parse("provider", provider)?;
    let body: Value = ctx.json_body().await?;
    let credentials = Credentials::parse(provider, &body)?;
    let d1 = ctx.national()?;
    agency_exists(&d1, code).await?;
    let before = masked_of(&d1, code, provider).await?;
    let (key_id, sealed) = seal(&ctx.env, code, &credentials).await?;
    let masked = credentials.masked();
    let at = clock::rfc3339(clock::now());
    d1.batch(vec![
        d1.prepare(
            "INSERT INTO gateway_credentials (agency_code, provider, merchant_id, masked_json, sealed, key_id, updated_at, updated_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (agency_code, provider) DO UPDATE SET merchant_id = excluded.merchant_id, \
             masked_json = excluded.masked_json, sealed = excluded.sealed, key_id = excluded.key_id, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by",
        )
        .bind(&[
            code.into(),
            provider.as_str().into(),
            credentials.merchant_id().into(),
            masked.to_string().into(),
            sealed.into(),
            key_id.into(),
            at.as_str().into(),
            staff.username.as_str().into(),
        ])?,
        audit::stmt_in(
            &d1,
            &staff,
            Some(code),
            &at,
            "gateway.put",
            "agency",
            code,
            &json!({"provider": provider, "credentials": before}),
            &json!({"provider": provider, "credentials": masked}),
        )?,
    ])
    .await?;
    json(&view(code, provider, Some(masked), None))
}
