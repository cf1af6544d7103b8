//! Every setting of the Worker, typed, with its default, read once: `Config::from_env` takes the
//! variables and secrets the deployment has (secrets as [`Secret`], whose `Debug` is
//! `[redacted]`), and [`config`] keeps the result for the isolate's life (a new deployment is a
//! new isolate). A provider whose settings are missing is `None`: paying through it answers
//! "not configured" instead of failing later.

use std::sync::OnceLock;

use motcua_domain::gateway::momo::MomoConfig;
use motcua_domain::gateway::paygov::PaygovConfig;
use motcua_domain::gateway::vnpay::VnpayConfig;
use motcua_domain::gateway::zalopay::ZalopayConfig;
use motcua_domain::gateway::{env as names, Secret};
use motcua_domain::notify::email::{self as resend, EmailConfig};
use motcua_domain::notify::zns::{self, ZnsConfig};
use motcua_domain::signing::smartca::{self, SmartcaConfig};
use motcua_domain::sms::{self, EsmsConfig};
use worker::Env;

/// Minutes a payment may wait for its callback before reconciliation asks the provider.
pub const RECONCILE_AFTER_MINUTES: i64 = 15;
/// Hours an upload may stay attached to no dossier (a draft can be resumed for a week).
pub const UNATTACHED_UPLOAD_HOURS: i64 = 168;
const DEFAULT_PUBLIC_BASE_URL: &str = "http://127.0.0.1:8787";
/// The key of one-time codes and pay links in the sandbox only; a deployment sets AUTH_SECRET.
const SANDBOX_AUTH_SECRET: &str = "motcua-development-only-auth-secret";

#[derive(Debug, Clone)]
pub struct Config {
    /// This deployment's public address, without a trailing slash.
    pub public_base_url: String,
    /// The providers' sandbox is compiled in and switched on (`SANDBOX=1`, development only).
    #[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
    pub sandbox: bool,
    /// The key of one-time-code hashes and pay links.
    pub auth_secret: Option<Secret>,
    pub unattached_upload_hours: i64,
    pub reconcile_after_minutes: i64,
    pub vnpay: Option<VnpayConfig>,
    pub momo: Option<MomoConfig>,
    pub zalopay: Option<ZalopayConfig>,
    /// The national platform publishes no sandbox host: configured, or not offered.
    pub paygov: Option<PaygovConfig>,
    pub bank_webhook_secret: Option<Secret>,
    pub esms: Option<EsmsConfig>,
    /// E-mail through Resend (`RESEND_API_KEY`, `EMAIL_FROM`, `RESEND_URL`); None: not offered.
    pub email: Option<EmailConfig>,
    /// Zalo ZNS (`ZALO_*`); None: not offered.
    pub zns: Option<ZnsConfig>,
    /// Each provider's addresses and options without credentials: an agency's own merchant
    /// is this with its credentials put in.
    pub templates: Templates,
    /// Key-encryption keys of the sealed merchant credentials, the current one first
    /// (`CREDENTIALS_KEK`, then `CREDENTIALS_KEK_PREVIOUS` while rows are re-sealed).
    pub keks: Vec<Kek>,
    /// The national portal's integration service; None: nothing is sent (messages wait).
    pub national: Option<NationalPortal>,
    /// Log-in with the national portal's account; `None`: the button is not offered.
    pub national_login: Option<NationalLogin>,
    /// The remote-signing provider (VNPT SmartCA: `SIGNING_URL`, `SIGNING_SP_ID`, secret
    /// `SIGNING_SP_PASSWORD`); `None`: nothing can be signed.
    #[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
    pub signing: Option<SmartcaConfig>,
}

/// The national portal's integration account (`DVCQG_BASE_URL`, `DVCQG_USERNAME`, secret
/// `DVCQG_PASSWORD`).
#[derive(Debug, Clone)]
pub struct NationalPortal {
    pub base_url: String,
    pub username: String,
    pub password: Secret,
}

/// The national portal's OpenID provider as registered for this deployment: `NATIONAL_ISSUER`
/// (its discovery document is read from there; a path is an address on this deployment, which
/// is how `.dev.vars` points it at the sandbox), `NATIONAL_CLIENT_ID` and the secret
/// `NATIONAL_CLIENT_SECRET`.
#[derive(Debug, Clone)]
pub struct NationalLogin {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret,
}

#[derive(Debug, Clone)]
pub struct Templates {
    pub vnpay: VnpayConfig,
    pub momo: MomoConfig,
    pub zalopay: ZalopayConfig,
    /// None where no national-platform host is configured (it publishes no sandbox).
    pub paygov: Option<PaygovConfig>,
}

/// A 256-bit AES key and the id stored beside what it sealed, written `id:base64` in the
/// secret so that a rotation names its key.
#[derive(Clone)]
pub struct Kek {
    pub id: String,
    pub key: [u8; 32],
}

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Kek({}, [redacted])", self.id)
    }
}

impl Kek {
    fn parse(text: &str) -> Option<Kek> {
        use base64::Engine;
        let (id, b64) = text.trim().split_once(':')?;
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok()?;
        let key: [u8; 32] = bytes.try_into().ok()?;
        (!id.is_empty()).then(|| Kek { id: id.to_string(), key })
    }
}

static CONFIG: OnceLock<Config> = OnceLock::new();

/// The configuration, read from `env` on first use in this isolate.
pub fn config(env: &Env) -> &'static Config {
    CONFIG.get_or_init(|| Config::from_env(env))
}

impl Config {
    pub fn from_env(env: &Env) -> Config {
        let text = |name: &str| -> Option<String> {
            env.secret(name).map(|s| s.to_string()).or_else(|_| env.var(name).map(|v| v.to_string())).ok().filter(|s| !s.is_empty())
        };
        let secret = |name: &str| text(name).map(Secret::new);
        let number = |name: &str, default: i64| text(name).and_then(|v| v.trim().parse::<i64>().ok()).filter(|n| *n >= 0).unwrap_or(default);
        let public_base_url = text("PUBLIC_BASE_URL").unwrap_or_else(|| DEFAULT_PUBLIC_BASE_URL.into()).trim_end_matches('/').to_string();
        // A path (`/sandbox/...`) is an address on this deployment; unset, the provider's own.
        let url = |name: &str, default: &str| match text(name) {
            Some(v) if v.starts_with('/') => format!("{public_base_url}{v}"),
            Some(v) => v,
            None => default.to_string(),
        };
        let sandbox = cfg!(feature = "sandbox") && text("SANDBOX").as_deref() == Some("1");
        let templates = {
            let mut vnpay = VnpayConfig::new("", Secret::new(""));
            vnpay.pay_url = url("VNPAY_PAY_URL", &vnpay.pay_url);
            vnpay.api_url = url("VNPAY_API_URL", &vnpay.api_url);
            let mut momo = MomoConfig::new("", "", Secret::new(""));
            momo.base_url = url("MOMO_BASE_URL", &momo.base_url);
            let mut zalopay = ZalopayConfig::new("", Secret::new(""), Secret::new(""));
            zalopay.base_url = url("ZALOPAY_BASE_URL", &zalopay.base_url);
            let paygov = text("PAYGOV_BASE_URL").map(|_| PaygovConfig::new("", Secret::new(""), &url("PAYGOV_BASE_URL", "")));
            Templates { vnpay, momo, zalopay, paygov }
        };
        let vnpay = match (text(names::VNPAY_TMN_CODE), secret(names::VNPAY_HASH_SECRET)) {
            (Some(code), Some(key)) => Some(VnpayConfig { tmn_code: code, hash_secret: key, ..templates.vnpay.clone() }),
            _ => None,
        };
        let momo = match (text(names::MOMO_PARTNER_CODE), text(names::MOMO_ACCESS_KEY), secret(names::MOMO_SECRET_KEY)) {
            (Some(partner), Some(access), Some(key)) => {
                Some(MomoConfig { partner_code: partner, access_key: access, secret_key: key, ..templates.momo.clone() })
            }
            _ => None,
        };
        let zalopay = match (text(names::ZALOPAY_APP_ID), secret(names::ZALOPAY_KEY1), secret(names::ZALOPAY_KEY2)) {
            (Some(app), Some(key1), Some(key2)) => Some(ZalopayConfig { app_id: app, key1, key2, ..templates.zalopay.clone() }),
            _ => None,
        };
        let paygov = match (&templates.paygov, text(names::PAYGOV_PARTNER_CODE), secret(names::PAYGOV_SECRET)) {
            (Some(t), Some(partner), Some(key)) => Some(PaygovConfig { partner_code: partner, secret: key, ..t.clone() }),
            _ => None,
        };
        let keks = ["CREDENTIALS_KEK", "CREDENTIALS_KEK_PREVIOUS"].iter().filter_map(|n| text(n).and_then(|t| Kek::parse(&t))).collect();
        let esms = match (text(sms::env::API_KEY), secret(sms::env::SECRET_KEY), text(sms::env::BRANDNAME)) {
            (Some(api_key), Some(secret_key), Some(brandname)) => Some(EsmsConfig {
                api_key,
                secret_key,
                brandname,
                url: url(sms::env::URL, sms::DEFAULT_URL),
                unicode: text(sms::env::UNICODE).as_deref() != Some("0"),
            }),
            _ => None,
        };
        let email = match (secret(resend::env::API_KEY), text(resend::env::FROM)) {
            (Some(api_key), Some(from)) => Some(EmailConfig { api_key, from, url: url(resend::env::URL, resend::DEFAULT_URL) }),
            _ => None,
        };
        let zns = match (
            text(zns::env::APP_ID),
            secret(zns::env::SECRET_KEY),
            secret(zns::env::REFRESH_TOKEN),
            text(zns::env::TEMPLATE_STATUS),
            text(zns::env::TEMPLATE_FEE),
        ) {
            (Some(app_id), Some(secret_key), Some(initial_refresh_token), Some(template_status), Some(template_fee)) => Some(ZnsConfig {
                app_id,
                secret_key,
                initial_refresh_token,
                template_status,
                template_fee,
                openapi_url: url(zns::env::OPENAPI_URL, zns::DEFAULT_OPENAPI_URL),
                oauth_url: url(zns::env::OAUTH_URL, zns::DEFAULT_OAUTH_URL),
            }),
            _ => None,
        };
        let national = match (text("DVCQG_BASE_URL"), text("DVCQG_USERNAME"), secret("DVCQG_PASSWORD")) {
            (Some(_), Some(username), Some(password)) => {
                Some(NationalPortal { base_url: url("DVCQG_BASE_URL", ""), username, password })
            }
            _ => None,
        };
        let auth_secret = secret(super::config::AUTH_SECRET).or_else(|| sandbox.then(|| Secret::new(SANDBOX_AUTH_SECRET)));
        let national_login = match (text("NATIONAL_ISSUER"), text("NATIONAL_CLIENT_ID"), secret("NATIONAL_CLIENT_SECRET")) {
            (Some(_), Some(client_id), Some(client_secret)) => {
                Some(NationalLogin { issuer: url("NATIONAL_ISSUER", ""), client_id, client_secret })
            }
            _ => None,
        };
        let signing = match (text(smartca::env::SP_ID), secret(smartca::env::SP_PASSWORD)) {
            (Some(sp_id), Some(sp_password)) => {
                Some(SmartcaConfig { base_url: url(smartca::env::URL, smartca::PRODUCTION_BASE_URL), sp_id, sp_password })
            }
            _ => None,
        };
        Config {
            signing,
            national_login,
            sandbox,
            auth_secret,
            unattached_upload_hours: number("UNATTACHED_UPLOAD_HOURS", UNATTACHED_UPLOAD_HOURS),
            reconcile_after_minutes: number("RECONCILE_AFTER_MINUTES", RECONCILE_AFTER_MINUTES),
            vnpay,
            momo,
            zalopay,
            paygov,
            bank_webhook_secret: secret(names::BANK_WEBHOOK_SECRET),
            esms,
            email,
            zns,
            templates,
            keks,
            national,
            public_base_url,
        }
    }
}
