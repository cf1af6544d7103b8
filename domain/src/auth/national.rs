//! The national public-service portal's account (Cổng Dịch vụ công quốc gia, a WSO2 Identity
//! Server): everything we know or assume about its OpenID provider, in this one module, so that
//! the specification a province receives changes this file only. Facts are marked [V] (seen in a
//! source named in `../shared/national/FACTS.md` §6) or [A] (assumed). The generic protocol is
//! [`crate::oidc`]; this module says which claims make a citizen, and how a national log-in finds
//! the citizen's account ([`link`], the rule README.md explains).

use serde_json::{Map, Value};

use crate::citizen::{CitizenId, Email, Phone, PersonName};
use crate::oidc::OidcError;

/// [V FACTS §6, OS; T `dvcQuocGia/index.tsx`] `scope=openid`.
pub const SCOPE: &str = "openid";
/// [V FACTS §6, OS; T] `acr_values=LoA1` on the authorize request.
pub const ACR_VALUES: &str = "LoA1";
/// [A FACTS §6: the provider is WSO2 IS] discovery at `<issuer>/.well-known/openid-configuration`
/// (WSO2's issuer is `<sso>/oauth2/token`, whose document lives under that path).
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
/// [V FACTS §6] endpoint paths under the SSO host: authorize, token and userinfo; [A] logout at
/// WSO2's default `/oidc/logout`. Used by the sandbox provider; the Worker reads discovery.
pub const AUTHORIZE_PATH: &str = "/oauth2/authorize";
pub const TOKEN_PATH: &str = "/oauth2/token";
pub const USERINFO_PATH: &str = "/oauth2/userinfo";
pub const LOGOUT_PATH: &str = "/oidc/logout";
pub const JWKS_PATH: &str = "/oauth2/jwks";

/// [V FACTS §6, OS; TO `UserInfoDvcqgRequest`] the claim names of a DVCQG account.
pub mod claim {
    /// The account's stable id at the portal (OIDC `sub`).
    pub const SUB: &str = "sub";
    /// The portal's own user key, what the dossier sync sends as `MaDoiTuong` (FACTS §1).
    pub const TECH_ID: &str = "TechID";
    /// `1` citizen, `2` business, `3` organisation [V T].
    pub const ACCOUNT_TYPE: &str = "LoaiTaiKhoan";
    /// The 12-digit personal identification number (số định danh cá nhân / CCCD).
    pub const ID_NUMBER: &str = "SoDinhDanh";
    pub const FULL_NAME: &str = "HoVaTen";
    pub const PHONE: &str = "SoDienThoai";
    pub const EMAIL: &str = "ThuDienTu";
    /// `yyyyMMdd`.
    pub const BIRTH_DATE: &str = "NgayThangNamSinh";
}

/// A citizen as the portal vouches for them. Only `id_number` is required: it links accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NationalIdentity {
    pub subject: String,
    pub tech_id: Option<String>,
    pub id_number: CitizenId,
    /// `None` when the portal sent none or one our forms would refuse: the citizen types it.
    pub full_name: Option<PersonName>,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
}

fn text<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<String> {
    match claims.get(name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The citizen in verified claims. A business or organisation account is refused [A: motcua's
/// citizen accounts are people's]; an account without a valid 12-digit `SoDinhDanh` is refused
/// (a 9-digit `SoCMND` alone cannot be linked to anything reliably).
pub fn identity(claims: &Map<String, Value>) -> Result<NationalIdentity, OidcError> {
    let subject = text(claims, claim::SUB).ok_or(OidcError::Malformed)?;
    // [A] no `LoaiTaiKhoan` means a citizen (VNeID log-ins send it; older accounts may not).
    if let Some(kind) = text(claims, claim::ACCOUNT_TYPE) {
        if kind != "1" {
            return Err(OidcError::AccountType);
        }
    }
    let id_number = text(claims, claim::ID_NUMBER)
        .and_then(|s| CitizenId::parse(claim::ID_NUMBER, &s).ok())
        .ok_or(OidcError::Identity)?;
    Ok(NationalIdentity {
        subject,
        tech_id: text(claims, claim::TECH_ID),
        id_number,
        full_name: text(claims, claim::FULL_NAME).and_then(|s| PersonName::parse(claim::FULL_NAME, &s).ok()),
        phone: text(claims, claim::PHONE).and_then(|s| Phone::parse(claim::PHONE, &s).ok()),
        email: text(claims, claim::EMAIL).and_then(|s| Email::parse(claim::EMAIL, &s).ok()),
    })
}

/// A citizen account as the linking rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub phone: Option<String>,
    /// The CCCD on the account: verified when `national_sub` is set, self-declared otherwise.
    pub citizen_id: Option<String>,
    pub national_sub: Option<String>,
}

/// Which account a national log-in opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// The account already linked to this national account (by subject, or by the verified
    /// identification number when the portal re-issued the subject): log into it.
    Linked { id: String },
    /// A phone account whose number is the portal's and whose declared CCCD is the verified
    /// one: it becomes this national account's, dossiers and all.
    Attach { id: String },
    /// A new account, with the portal's phone number unless another account owns it.
    Create { phone: Option<String> },
}

/// The linking rule (README, "Log-in with the national account"):
/// 1. an account already linked to this subject, or holding this CCCD as verified, is the one;
/// 2. a phone-only account is joined only when **both** its number (proven by our one-time
///    code) is the portal's number **and** its self-declared CCCD is the verified one: a CCCD
///    typed into a phone account proves nothing, and a number alone may have been recycled;
/// 3. otherwise a new account; it takes the portal's number only if no account has it, so a
///    later phone log-in with that number reaches the same dossiers, and never someone else's.
///
/// `by_subject`, `by_verified_id` and `by_phone` are the accounts found by each key.
pub fn link(who: &NationalIdentity, by_subject: Option<&Account>, by_verified_id: Option<&Account>, by_phone: Option<&Account>) -> Link {
    if let Some(a) = by_subject.or(by_verified_id) {
        return Link::Linked { id: a.id.clone() };
    }
    match by_phone {
        Some(a) if a.national_sub.is_none() && a.citizen_id.as_deref() == Some(who.id_number.as_str()) => Link::Attach { id: a.id.clone() },
        Some(_) => Link::Create { phone: None },
        None => Link::Create { phone: who.phone.as_ref().map(|p| p.as_str().to_string()) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn an() -> Map<String, Value> {
        claims(json!({
            "sub": "dvcqg-an", "TechID": "T-001", "LoaiTaiKhoan": "1", "SoDinhDanh": "001090012345",
            "HoVaTen": "Nguyễn Văn An", "SoDienThoai": "0912345678", "ThuDienTu": "an@example.vn"
        }))
    }

    #[test]
    fn the_portal_claims_make_a_citizen() {
        let who = identity(&an()).unwrap();
        assert_eq!(who.subject, "dvcqg-an");
        assert_eq!(who.tech_id.as_deref(), Some("T-001"));
        assert_eq!(who.id_number.as_str(), "001090012345");
        assert_eq!(who.full_name.unwrap().as_str(), "Nguyễn Văn An");
        assert_eq!(who.phone.unwrap().as_str(), "0912345678");
        assert_eq!(who.email.unwrap().as_str(), "an@example.vn");
    }

    #[test]
    fn odd_optional_claims_are_dropped_not_fatal() {
        let mut c = an();
        c.insert("SoDienThoai".into(), json!("+1 555 0100"));
        c.insert("HoVaTen".into(), json!("R2-D2"));
        c.insert("LoaiTaiKhoan".into(), json!(1));
        c.remove("ThuDienTu");
        let who = identity(&c).unwrap();
        assert_eq!((who.phone, who.full_name, who.email), (None, None, None));
    }

    #[test]
    fn no_valid_identification_number_or_not_a_citizen_is_refused() {
        let mut c = an();
        c.insert("SoDinhDanh".into(), json!("123456789"));
        assert_eq!(identity(&c), Err(OidcError::Identity));
        c.remove("SoDinhDanh");
        assert_eq!(identity(&c), Err(OidcError::Identity));
        let mut c = an();
        c.insert("LoaiTaiKhoan".into(), json!("2"));
        assert_eq!(identity(&c), Err(OidcError::AccountType));
        let mut c = an();
        c.remove("sub");
        assert_eq!(identity(&c), Err(OidcError::Malformed));
    }

    fn acct(id: &str, phone: Option<&str>, cccd: Option<&str>, sub: Option<&str>) -> Account {
        Account { id: id.into(), phone: phone.map(Into::into), citizen_id: cccd.map(Into::into), national_sub: sub.map(Into::into) }
    }

    #[test]
    fn linking_rule() {
        let who = identity(&an()).unwrap();
        let linked = acct("c1", None, Some("001090012345"), Some("dvcqg-an"));
        assert_eq!(link(&who, Some(&linked), None, None), Link::Linked { id: "c1".into() });
        assert_eq!(link(&who, None, Some(&linked), None), Link::Linked { id: "c1".into() });
        // Same number and the same CCCD declared: joined.
        let phone_acct = acct("p1", Some("0912345678"), Some("001090012345"), None);
        assert_eq!(link(&who, None, None, Some(&phone_acct)), Link::Attach { id: "p1".into() });
        // Same number, no or another CCCD declared (a recycled number, a typo, an impostor): not joined.
        for other in [None, Some("001090099999")] {
            let a = acct("p2", Some("0912345678"), other, None);
            assert_eq!(link(&who, None, None, Some(&a)), Link::Create { phone: None });
        }
        // The number belongs to another national account: not joined, number left there.
        let a = acct("n2", Some("0912345678"), Some("001090012345"), Some("someone-else"));
        assert_eq!(link(&who, None, None, Some(&a)), Link::Create { phone: None });
        // Nobody has the number: a new account with it.
        assert_eq!(link(&who, None, None, None), Link::Create { phone: Some("0912345678".into()) });
    }
}
