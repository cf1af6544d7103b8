//! Each provider's credentials (Worker secrets) and base URLs (vars), read per request into the
//! domain's typed configs. A base URL may be written as a path (`/sandbox/vnpay/...`), resolved
//! against `PUBLIC_BASE_URL`; unset, it defaults to the provider's published sandbox host.
//! Nothing here knows whether the target is real or the local sandbox.

use motcua_domain::gateway::momo::Momo;
use motcua_domain::gateway::paygov::Paygov;
use motcua_domain::gateway::vnpay::Vnpay;
use motcua_domain::gateway::zalopay::Zalopay;
use motcua_domain::gateway::{Provider, Secret};
use motcua_domain::validation::FieldError;
use worker::Env;

use crate::platform::config::config;
use crate::platform::error::ApiError;

pub use crate::platform::config::public_base_url as public_base;

pub fn vnpay(env: &Env) -> Result<Vnpay, ApiError> {
    config(env).vnpay.clone().map(Vnpay).ok_or_else(|| provider_unavailable(Provider::Vnpay))
}

pub fn momo(env: &Env) -> Result<Momo, ApiError> {
    config(env).momo.clone().map(Momo).ok_or_else(|| provider_unavailable(Provider::Momo))
}

pub fn zalopay(env: &Env) -> Result<Zalopay, ApiError> {
    config(env).zalopay.clone().map(Zalopay).ok_or_else(|| provider_unavailable(Provider::Zalopay))
}

pub fn paygov(env: &Env) -> Result<Paygov, ApiError> {
    config(env).paygov.clone().map(Paygov).ok_or_else(|| provider_unavailable(Provider::Paygov))
}

pub fn bank_webhook_secret(env: &Env) -> Result<Secret, ApiError> {
    config(env).bank_webhook_secret.clone().ok_or_else(|| provider_unavailable(Provider::Vietqr))
}

pub fn provider_unavailable(provider: Provider) -> ApiError {
    ApiError::Invalid(FieldError::new(
        "provider",
        "provider_unavailable",
        format!("Hình thức thanh toán {} chưa được cấu hình cho cơ quan này.", provider.label()),
        format!("{} is not configured for this agency.", provider.as_str()),
    ))
}
