//! Log-in for citizens (phone number and a one-time code by SMS, or the national portal's
//! account through OpenID Connect, [`national`]) and staff (username, password
//! through PBKDF2 in WebCrypto, optional TOTP), and the server-side sessions both get. The rules
//! (limits, lock-outs, formats) are `motcua_domain::auth`; this module stores, sends and answers.
//! Other features ask [`session::citizen`] / [`session::staff`] who is calling.
//! Never logged: a code, a token, a password, or an unmasked phone number or citizen ID.

pub mod national;
pub mod password;
pub mod repo;
pub mod routes;
#[cfg(feature = "sandbox")]
pub mod sandbox_idp;
pub mod session;
pub mod staff;
pub mod webcrypto;
