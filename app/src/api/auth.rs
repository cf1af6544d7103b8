//! Signing in: the citizen's one-time code and profile; in the staff bundle, the staff log-in.

use motcua_domain::auth::{CitizenProfile, LogoutAnswer, NationalLoginInfo, OtpRequest, OtpRequested, OtpVerify, ProfileUpdate};
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

/// `POST /api/auth/logout`: 204, or where to send the browser so the national portal ends its
/// session too (a session opened with its account).
pub fn logout() -> Call<Option<LogoutAnswer>> {
    post("/api/auth/logout".into())
}

/// `GET /api/auth/national`: whether log-in with the national portal's account is offered.
pub fn national_info() -> Call<NationalLoginInfo> {
    get("/api/auth/national".into())
}

/// The address that starts a log-in with the national portal's account (a page navigation, not
/// a fetch: the browser goes to the portal and comes back to `return_path`).
pub fn national_start_url(return_path: &str) -> String {
    format!("/api/auth/national/start?return={}", super::encode(return_path))
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
