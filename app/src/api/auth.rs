//! Signing in: the citizen's one-time code and profile; in the staff bundle, the staff log-in.

use motcua_domain::auth::{CitizenProfile, OtpRequest, OtpRequested, OtpVerify, ProfileUpdate};
#[cfg(feature = "staff")]
use motcua_domain::auth::{StaffLogin, StaffProfile};

use super::{get, post, put, Call};

/// `GET /api/me`: the signed-in citizen (401 when nobody is).
pub fn me() -> Call<CitizenProfile> {
    get("/api/me".into())
}

/// `PUT /api/me`.
pub fn update_me(update: &ProfileUpdate) -> Call<CitizenProfile> {
    put("/api/me".into()).json(update)
}

/// `POST /api/auth/otp/request`: sends a code to the phone.
pub fn request_code(request: &OtpRequest) -> Call<OtpRequested> {
    post("/api/auth/otp/request".into()).json(request)
}

/// `POST /api/auth/otp/verify`: signs in. Framed on a portal (`embedded`) the session cookie
/// is the partitioned one.
pub fn verify_code(verify: &OtpVerify, embedded: bool) -> Call<CitizenProfile> {
    post(if embedded { "/api/auth/otp/verify?embed=1" } else { "/api/auth/otp/verify" }.into()).json(verify)
}

/// `POST /api/auth/logout` (204).
pub fn logout() -> Call<()> {
    post("/api/auth/logout".into())
}

/// `POST /api/staff/login`.
#[cfg(feature = "staff")]
pub fn staff_login(login: &StaffLogin) -> Call<StaffProfile> {
    post("/api/staff/login".into()).json(login)
}

/// `GET /api/staff/me`.
#[cfg(feature = "staff")]
pub fn staff_me() -> Call<StaffProfile> {
    get("/api/staff/me".into())
}

/// `POST /api/staff/logout` (204).
#[cfg(feature = "staff")]
pub fn staff_logout() -> Call<()> {
    post("/api/staff/logout".into())
}
