//! An agency's own merchant at each provider. VNPay issues a TmnCode and hash secret per unit
//! ("Mỗi đơn vị có thể có một hoặc nhiều mã TmnCode", FACTS §4), MoMo a partner code, ZaloPay an
//! `app_id` per merchant service (FACTS §6): money settles to the account in that merchant's
//! contract, so each collecting agency pays through its own. The secrets are write-only: an
//! admin sees them masked, the Worker seals them before they reach D1.
//!
//! Which merchant handles a payment is decided once, when it starts (the agency's own, else its
//! nearest ancestor's, else the deployment's), and its callback is verified with that merchant's
//! credentials: another agency's key is a bad signature. To find the payment a callback names
//! before verifying it, each provider's module reads the claimed reference unverified; nothing is
//! decided from it except which key to check the signature with.

use serde_json::{json, Map, Value};

use super::{momo, paygov, vnpay, zalopay, Provider, RawCallback, Reference, Secret};
use crate::validation::FieldError;

/// One provider's credentials, as sealed and as used.
#[derive(Debug, Clone)]
pub enum Credentials {
    Vnpay { tmn_code: String, hash_secret: Secret },
    Momo { partner_code: String, access_key: Secret, secret_key: Secret },
    Zalopay { app_id: String, key1: Secret, key2: Secret },
    Paygov { partner_code: String, secret: Secret },
    Vietqr { webhook_secret: Secret },
}

/// The fields each provider needs: (name, is secret).
fn fields(provider: Provider) -> &'static [(&'static str, bool)] {
    match provider {
        Provider::Vnpay => &[("tmn_code", false), ("hash_secret", true)],
        Provider::Momo => &[("partner_code", false), ("access_key", true), ("secret_key", true)],
        Provider::Zalopay => &[("app_id", false), ("key1", true), ("key2", true)],
        Provider::Paygov => &[("partner_code", false), ("secret", true)],
        Provider::Vietqr => &[("webhook_secret", true)],
    }
}

fn text(body: &Map<String, Value>, name: &str) -> Result<String, FieldError> {
    let v = body.get(name).and_then(Value::as_str).map(str::trim).unwrap_or("");
    if v.is_empty() {
        return Err(FieldError::required(name));
    }
    if v.len() > 256 || v.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(FieldError::new(name, "invalid_format", "Giá trị gồm tối đa 256 ký tự, không có khoảng trắng.", "At most 256 characters, without spaces."));
    }
    Ok(v.to_string())
}

fn merchant_code(body: &Map<String, Value>, name: &str, max: usize) -> Result<String, FieldError> {
    let v = text(body, name)?;
    if v.len() > max || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(FieldError::new(name, "invalid_format", format!("Mã gồm tối đa {max} chữ cái hoặc chữ số."), format!("At most {max} letters or digits.")));
    }
    Ok(v)
}

impl Credentials {
    /// Reads an admin's `PUT` body (or a sealed record) for `provider`, naming a missing or
    /// malformed field.
    pub fn parse(provider: Provider, body: &Value) -> Result<Credentials, FieldError> {
        let Some(body) = body.as_object() else {
            return Err(FieldError::new("body", "invalid_type", "Nội dung phải là một đối tượng JSON.", "The body must be a JSON object."));
        };
        if let Some(extra) = body.keys().find(|k| !fields(provider).iter().any(|(f, _)| f == k)) {
            return Err(FieldError::new(extra.as_str(), "unknown_field", "Trường này không thuộc cấu hình của đơn vị thanh toán.", "Not a field of this provider's credentials."));
        }
        Ok(match provider {
            // VNPay: vnp_TmnCode is 8 characters (FACTS §4).
            Provider::Vnpay => {
                let tmn_code = merchant_code(body, "tmn_code", 8)?;
                if tmn_code.len() != 8 {
                    return Err(FieldError::new("tmn_code", "invalid_format", "Mã website (TmnCode) gồm 8 ký tự.", "The TmnCode has 8 characters."));
                }
                Credentials::Vnpay { tmn_code, hash_secret: Secret::new(text(body, "hash_secret")?) }
            }
            Provider::Momo => Credentials::Momo {
                partner_code: merchant_code(body, "partner_code", 50)?,
                access_key: Secret::new(text(body, "access_key")?),
                secret_key: Secret::new(text(body, "secret_key")?),
            },
            Provider::Zalopay => {
                let app_id = merchant_code(body, "app_id", 10)?;
                if !app_id.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(FieldError::new("app_id", "invalid_format", "app_id là một số.", "The app_id is a number."));
                }
                Credentials::Zalopay { app_id, key1: Secret::new(text(body, "key1")?), key2: Secret::new(text(body, "key2")?) }
            }
            Provider::Paygov => Credentials::Paygov { partner_code: merchant_code(body, "partner_code", 50)?, secret: Secret::new(text(body, "secret")?) },
            Provider::Vietqr => Credentials::Vietqr { webhook_secret: Secret::new(text(body, "webhook_secret")?) },
        })
    }

    pub fn provider(&self) -> Provider {
        match self {
            Credentials::Vnpay { .. } => Provider::Vnpay,
            Credentials::Momo { .. } => Provider::Momo,
            Credentials::Zalopay { .. } => Provider::Zalopay,
            Credentials::Paygov { .. } => Provider::Paygov,
            Credentials::Vietqr { .. } => Provider::Vietqr,
        }
    }

    /// The public identifier the provider puts in its callbacks (none for a bank webhook).
    pub fn merchant_id(&self) -> &str {
        match self {
            Credentials::Vnpay { tmn_code, .. } => tmn_code,
            Credentials::Momo { partner_code, .. } | Credentials::Paygov { partner_code, .. } => partner_code,
            Credentials::Zalopay { app_id, .. } => app_id,
            Credentials::Vietqr { .. } => "webhook",
        }
    }

    fn values(&self) -> Vec<(&'static str, &str)> {
        match self {
            Credentials::Vnpay { tmn_code, hash_secret } => vec![("tmn_code", tmn_code), ("hash_secret", hash_secret.expose())],
            Credentials::Momo { partner_code, access_key, secret_key } => {
                vec![("partner_code", partner_code), ("access_key", access_key.expose()), ("secret_key", secret_key.expose())]
            }
            Credentials::Zalopay { app_id, key1, key2 } => vec![("app_id", app_id), ("key1", key1.expose()), ("key2", key2.expose())],
            Credentials::Paygov { partner_code, secret } => vec![("partner_code", partner_code), ("secret", secret.expose())],
            Credentials::Vietqr { webhook_secret } => vec![("webhook_secret", webhook_secret.expose())],
        }
    }

    /// Every field, secrets included: the plaintext that is sealed, never sent or logged.
    pub fn to_sealable(&self) -> String {
        let map: Map<String, Value> = self.values().into_iter().map(|(k, v)| (k.to_string(), Value::from(v))).collect();
        Value::Object(map).to_string()
    }

    /// What an admin sees: the merchant code, and for each secret only that one is stored and
    /// its length (no characters of it: a partial secret still helps a guesser).
    pub fn masked(&self) -> Value {
        let secret = |name: &str| fields(self.provider()).iter().any(|(f, s)| *f == name && *s);
        let map: Map<String, Value> = self
            .values()
            .into_iter()
            .map(|(k, v)| (k.to_string(), if secret(k) { json!({"set": true, "length": v.chars().count()}) } else { Value::from(v) }))
            .collect();
        Value::Object(map)
    }

    /// The values that must never appear in an answer or a log line (tests scan for them).
    pub fn secret_values(&self) -> Vec<&str> {
        let provider = self.provider();
        self.values().into_iter().filter(|(k, _)| fields(provider).iter().any(|(f, s)| f == k && *s)).map(|(_, v)| v).collect()
    }

    pub fn vnpay(&self, mut base: vnpay::VnpayConfig) -> Option<vnpay::VnpayConfig> {
        let Credentials::Vnpay { tmn_code, hash_secret } = self else { return None };
        base.tmn_code = tmn_code.clone();
        base.hash_secret = hash_secret.clone();
        Some(base)
    }

    pub fn momo(&self, mut base: momo::MomoConfig) -> Option<momo::MomoConfig> {
        let Credentials::Momo { partner_code, access_key, secret_key } = self else { return None };
        base.partner_code = partner_code.clone();
        base.access_key = access_key.expose().to_string();
        base.secret_key = secret_key.clone();
        Some(base)
    }

    pub fn zalopay(&self, mut base: zalopay::ZalopayConfig) -> Option<zalopay::ZalopayConfig> {
        let Credentials::Zalopay { app_id, key1, key2 } = self else { return None };
        base.app_id = app_id.clone();
        base.key1 = key1.clone();
        base.key2 = key2.clone();
        Some(base)
    }

    pub fn paygov(&self, mut base: paygov::PaygovConfig) -> Option<paygov::PaygovConfig> {
        let Credentials::Paygov { partner_code, secret } = self else { return None };
        base.partner_code = partner_code.clone();
        base.secret = secret.clone();
        Some(base)
    }

    pub fn webhook_secret(&self) -> Option<&Secret> {
        match self {
            Credentials::Vietqr { webhook_secret } => Some(webhook_secret),
            _ => None,
        }
    }
}

/// The order a callback claims to be about, read before its signature is checked and used only
/// to choose the key to check it with.
pub fn claimed_reference(provider: Provider, raw: &RawCallback) -> Option<Reference> {
    let field = |body: &str, name: &str| -> Option<String> {
        serde_json::from_str::<Value>(body).ok()?.get(name)?.as_str().map(str::to_string)
    };
    let claimed = match provider {
        Provider::Vnpay => super::parse_query(&raw.query).ok()?.into_iter().find(|(k, _)| k == "vnp_TxnRef").map(|(_, v)| v),
        Provider::Momo => field(&raw.body, "orderId"),
        Provider::Zalopay => {
            let data = field(&raw.body, "data")?;
            return zalopay::reference_of(&field(&data, "app_trans_id")?).ok();
        }
        Provider::Paygov => field(&raw.body, "MaThamChieu"),
        Provider::Vietqr => None,
    }?;
    Reference::parse("reference", &claimed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_names_its_missing_field_and_refuses_strangers() {
        assert_eq!(Credentials::parse(Provider::Vnpay, &json!({"tmn_code": "ABCDEFGH"})).unwrap_err().field, "hash_secret");
        assert_eq!(Credentials::parse(Provider::Vnpay, &json!({"tmn_code": "ABC", "hash_secret": "x"})).unwrap_err().field, "tmn_code");
        assert_eq!(Credentials::parse(Provider::Momo, &json!({"partner_code": "P", "secret_key": "s"})).unwrap_err().field, "access_key");
        assert_eq!(Credentials::parse(Provider::Zalopay, &json!({"app_id": "abc", "key1": "a", "key2": "b"})).unwrap_err().field, "app_id");
        assert_eq!(Credentials::parse(Provider::Paygov, &json!({"partner_code": "P", "secret": "s", "x": 1})).unwrap_err().field, "x");
        assert_eq!(Credentials::parse(Provider::Vietqr, &json!([])).unwrap_err().field, "body");
    }

    #[test]
    fn masked_shows_no_character_of_a_secret_and_the_sealed_form_reads_back() {
        let c = Credentials::parse(Provider::Momo, &json!({"partner_code": "MOMODS01", "access_key": "AK123456", "secret_key": "SK-very-secret"})).unwrap();
        let masked = c.masked().to_string();
        for s in c.secret_values() {
            assert!(!masked.contains(s), "{masked}");
        }
        assert!(masked.contains("MOMODS01"));
        let back = Credentials::parse(Provider::Momo, &serde_json::from_str(&c.to_sealable()).unwrap()).unwrap();
        assert_eq!(back.secret_values(), vec!["AK123456", "SK-very-secret"]);
        assert!(!format!("{c:?}").contains("SK-very-secret"));
    }

    #[test]
    fn the_claimed_reference_is_read_from_each_format() {
        let r = Reference::from_random(42);
        let vnpay = RawCallback { query: format!("vnp_Amount=100&vnp_TxnRef={r}"), body: String::new(), signature_header: None };
        assert_eq!(claimed_reference(Provider::Vnpay, &vnpay), Some(r.clone()));
        let momo = RawCallback { query: String::new(), body: json!({"orderId": r.to_string()}).to_string(), signature_header: None };
        assert_eq!(claimed_reference(Provider::Momo, &momo), Some(r.clone()));
        let at = time::macros::datetime!(2026-12-06 10:00 UTC);
        let data = json!({"app_trans_id": zalopay::app_trans_id(&r, at)}).to_string();
        let zalo = RawCallback { query: String::new(), body: json!({"data": data, "mac": "x"}).to_string(), signature_header: None };
        assert_eq!(claimed_reference(Provider::Zalopay, &zalo), Some(r.clone()));
        let junk = RawCallback { query: "vnp_TxnRef=%%%".into(), body: "{".into(), signature_header: None };
        assert_eq!(claimed_reference(Provider::Vnpay, &junk), None);
        assert_eq!(claimed_reference(Provider::Momo, &junk), None);
    }
}
