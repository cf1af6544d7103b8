//! Each provider's credentials (Worker secrets) and base URLs (vars), read per request into the
//! domain's typed configs. A base URL may be written as a path (`/sandbox/vnpay/...`), resolved
//! against `PUBLIC_BASE_URL`; unset, it defaults to the provider's published sandbox host.
//! Nothing here knows whether the target is real or the local sandbox.

use motcua_domain::gateway::momo::{Momo, MomoConfig};
use motcua_domain::gateway::paygov::{Paygov, PaygovConfig};
use motcua_domain::gateway::vnpay::{Vnpay, VnpayConfig};
use motcua_domain::gateway::zalopay::{Zalopay, ZalopayConfig};
use motcua_domain::gateway::{env as names, Provider, Secret};
use motcua_domain::validation::FieldError;
use worker::Env;

use crate::platform::error::ApiError;

use crate::platform::config::{provider_url as url, resolve_url, setting as text};

fn secret(env: &Env, name: &str) -> Result<Secret, ApiError> {
    text(env, name).map(Secret::new).ok_or_else(|| unconfigured(name))
}

fn required(env: &Env, name: &str) -> Result<String, ApiError> {
    text(env, name).ok_or_else(|| unconfigured(name))
}

fn unconfigured(name: &str) -> ApiError {
    ApiError::Unexpected(format!("payment provider setting {name} is missing"))
}

pub use crate::platform::config::public_base_url as public_base;

pub fn vnpay(env: &Env) -> Result<Vnpay, ApiError> {
    let mut c = VnpayConfig::new(required(env, names::VNPAY_TMN_CODE)?, secret(env, names::VNPAY_HASH_SECRET)?);
    c.pay_url = url(env, "VNPAY_PAY_URL", &c.pay_url);
    c.api_url = url(env, "VNPAY_API_URL", &c.api_url);
    Ok(Vnpay(c))
}

pub fn momo(env: &Env) -> Result<Momo, ApiError> {
    let mut c = MomoConfig::new(
        required(env, names::MOMO_PARTNER_CODE)?,
        required(env, names::MOMO_ACCESS_KEY)?,
        secret(env, names::MOMO_SECRET_KEY)?,
    );
    c.base_url = url(env, "MOMO_BASE_URL", &c.base_url);
    Ok(Momo(c))
}

pub fn zalopay(env: &Env) -> Result<Zalopay, ApiError> {
    let mut c = ZalopayConfig::new(
        required(env, names::ZALOPAY_APP_ID)?,
        secret(env, names::ZALOPAY_KEY1)?,
        secret(env, names::ZALOPAY_KEY2)?,
    );
    c.base_url = url(env, "ZALOPAY_BASE_URL", &c.base_url);
    Ok(Zalopay(c))
}

pub fn paygov(env: &Env) -> Result<Paygov, ApiError> {
    // The national platform publishes no sandbox host: its address must be configured.
    let base = text(env, "PAYGOV_BASE_URL").map(|u| resolve_url(env, u)).ok_or_else(|| provider_unavailable(Provider::Paygov))?;
    Ok(Paygov(PaygovConfig::new(required(env, names::PAYGOV_PARTNER_CODE)?, secret(env, names::PAYGOV_SECRET)?, &base)))
}

pub fn bank_webhook_secret(env: &Env) -> Result<Secret, ApiError> {
    secret(env, names::BANK_WEBHOOK_SECRET)
}

pub fn provider_unavailable(provider: Provider) -> ApiError {
    ApiError::Invalid(FieldError::new(
        "provider",
        "provider_unavailable",
        format!("Hình thức thanh toán {} chưa được cấu hình cho cơ quan này.", provider.label()),
        format!("{} is not configured for this agency.", provider.as_str()),
    ))
}
