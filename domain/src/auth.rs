//! The rules of logging in, free of I/O: one-time codes for citizens (how long a code lives, how
//! many wrong tries lock a number, how often one may be sent), staff lock-out after failed
//! passwords, the stored password-hash format, TOTP second factor (RFC 6238), session tokens and
//! cookies, and the profile a citizen gives on first log-in. The clock and the random bytes come
//! in as arguments (unix seconds; bytes from WebCrypto in the Worker), so every rule is tested
//! here with fixed times. Failures are [`AuthError`] (or [`FieldError`] for plain bad input), each
//! with its field and its message in Vietnamese and English; the Worker maps them to HTTP once.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::citizen::{CitizenId, Email, PersonName};
use crate::validation::FieldError;

pub mod national;

/// A refused log-in step. `kind()` says how the shell answers (400 at a field, 429, or 423).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("a new code was sent less than a minute ago")]
    ResendTooSoon { retry_after: i64 },
    #[error("too many codes sent to this number")]
    PhoneRateLimited { retry_after: i64 },
    #[error("too many codes requested from this address")]
    IpRateLimited { retry_after: i64 },
    /// Too many wrong codes entered from one client address, across numbers.
    #[error("too many wrong codes entered from this address")]
    VerifyRateLimited { retry_after: i64 },
    /// Too many wrong codes: the number is locked. `field` is `phone` when asking for a code and
    /// `code` when entering one.
    #[error("the number is locked after too many wrong codes")]
    PhoneLocked { field: &'static str, retry_after: i64 },
    #[error("no code is waiting for this number")]
    NoCode,
    #[error("the code has expired")]
    CodeExpired,
    #[error("wrong code, {remaining} tries left")]
    WrongCode { remaining: u32 },
    #[error("wrong username or password")]
    BadCredentials,
    #[error("the account is locked after too many failed log-ins")]
    AccountLocked { retry_after: i64 },
    #[error("a TOTP code is required")]
    TotpRequired,
    #[error("wrong TOTP code")]
    TotpWrong,
}

/// How a refusal is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthErrorKind {
    /// 400, shown at the field.
    Invalid,
    /// 429 with `Retry-After`.
    TooManyRequests,
    /// 423 with `Retry-After`.
    Locked,
}

/// "15 phút" / "45 giây": what the messages say about a wait.
fn wait_vi(seconds: i64) -> String {
    if seconds >= 60 {
        format!("{} phút", (seconds + 59) / 60)
    } else {
        format!("{} giây", seconds.max(1))
    }
}

fn wait_en(seconds: i64) -> String {
    if seconds >= 60 {
        let m = (seconds + 59) / 60;
        format!("{m} minute{}", if m == 1 { "" } else { "s" })
    } else {
        let s = seconds.max(1);
        format!("{s} second{}", if s == 1 { "" } else { "s" })
    }
}

impl AuthError {
    pub fn kind(&self) -> AuthErrorKind {
        match self {
            AuthError::ResendTooSoon { .. }
            | AuthError::PhoneRateLimited { .. }
            | AuthError::IpRateLimited { .. }
            | AuthError::VerifyRateLimited { .. } => AuthErrorKind::TooManyRequests,
            AuthError::PhoneLocked { .. } | AuthError::AccountLocked { .. } => AuthErrorKind::Locked,
            _ => AuthErrorKind::Invalid,
        }
    }

    pub fn field(&self) -> &'static str {
        match self {
            AuthError::ResendTooSoon { .. } | AuthError::PhoneRateLimited { .. } | AuthError::IpRateLimited { .. } => "phone",
            AuthError::PhoneLocked { field, .. } => field,
            AuthError::NoCode | AuthError::CodeExpired | AuthError::WrongCode { .. } | AuthError::VerifyRateLimited { .. } => {
                "code"
            }
            AuthError::BadCredentials => "password",
            AuthError::AccountLocked { .. } => "username",
            AuthError::TotpRequired | AuthError::TotpWrong => "totp",
        }
    }

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::ResendTooSoon { .. } => "resend_too_soon",
            AuthError::PhoneRateLimited { .. } | AuthError::IpRateLimited { .. } | AuthError::VerifyRateLimited { .. } => {
                "rate_limited"
            }
            AuthError::PhoneLocked { .. } | AuthError::AccountLocked { .. } => "locked",
            AuthError::NoCode => "no_code",
            AuthError::CodeExpired => "expired",
            AuthError::WrongCode { .. } => "wrong_code",
            AuthError::BadCredentials => "invalid_credentials",
            AuthError::TotpRequired => "totp_required",
            AuthError::TotpWrong => "totp_wrong",
        }
    }

    /// Seconds until trying again makes sense, for `Retry-After`.
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            AuthError::ResendTooSoon { retry_after }
            | AuthError::PhoneRateLimited { retry_after }
            | AuthError::IpRateLimited { retry_after }
            | AuthError::VerifyRateLimited { retry_after }
            | AuthError::PhoneLocked { retry_after, .. }
            | AuthError::AccountLocked { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            AuthError::ResendTooSoon { retry_after } => {
                format!("Mã xác thực vừa được gửi. Vui lòng chờ {} rồi yêu cầu gửi lại.", wait_vi(*retry_after))
            }
            AuthError::PhoneRateLimited { retry_after } => format!(
                "Số điện thoại này đã nhận quá {} mã trong một giờ. Vui lòng thử lại sau {}.",
                otp::PER_PHONE_PER_HOUR,
                wait_vi(*retry_after)
            ),
            AuthError::IpRateLimited { retry_after } => format!(
                "Có quá nhiều yêu cầu gửi mã từ thiết bị/mạng này. Vui lòng thử lại sau {}.",
                wait_vi(*retry_after)
            ),
            AuthError::VerifyRateLimited { retry_after } => format!(
                "Có quá nhiều lần nhập sai mã xác thực từ thiết bị/mạng này. Vui lòng thử lại sau {}.",
                wait_vi(*retry_after)
            ),
            AuthError::PhoneLocked { retry_after, .. } => format!(
                "Số điện thoại tạm bị khóa do nhập sai mã xác thực quá {} lần. Vui lòng thử lại sau {}.",
                otp::MAX_WRONG,
                wait_vi(*retry_after)
            ),
            AuthError::NoCode => "Chưa có mã xác thực còn hiệu lực cho số này. Vui lòng yêu cầu mã mới.".into(),
            AuthError::CodeExpired => "Mã xác thực đã hết hạn. Vui lòng yêu cầu mã mới.".into(),
            AuthError::WrongCode { remaining } => {
                format!("Mã xác thực không đúng. Bạn còn {remaining} lần thử.")
            }
            AuthError::BadCredentials => "Tên đăng nhập hoặc mật khẩu không đúng.".into(),
            AuthError::AccountLocked { retry_after } => format!(
                "Tài khoản tạm bị khóa do đăng nhập sai quá {} lần. Vui lòng thử lại sau {}.",
                lockout::MAX_FAILURES,
                wait_vi(*retry_after)
            ),
            AuthError::TotpRequired => "Vui lòng nhập mã xác thực 6 số từ ứng dụng xác thực.".into(),
            AuthError::TotpWrong => "Mã xác thực từ ứng dụng không đúng hoặc đã hết hạn.".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            AuthError::ResendTooSoon { retry_after } => {
                format!("A code was just sent. Please wait {} before asking again.", wait_en(*retry_after))
            }
            AuthError::PhoneRateLimited { retry_after } => format!(
                "This number has received {} codes in the last hour. Please try again in {}.",
                otp::PER_PHONE_PER_HOUR,
                wait_en(*retry_after)
            ),
            AuthError::IpRateLimited { retry_after } => {
                format!("Too many codes requested from this network. Please try again in {}.", wait_en(*retry_after))
            }
            AuthError::VerifyRateLimited { retry_after } => {
                format!("Too many wrong codes entered from this network. Please try again in {}.", wait_en(*retry_after))
            }
            AuthError::PhoneLocked { retry_after, .. } => format!(
                "This number is locked after {} wrong codes. Please try again in {}.",
                otp::MAX_WRONG,
                wait_en(*retry_after)
            ),
            AuthError::NoCode => "No valid code is waiting for this number; please ask for a new one.".into(),
            AuthError::CodeExpired => "The code has expired; please ask for a new one.".into(),
            AuthError::WrongCode { remaining } => format!("Wrong code. {remaining} tries left."),
            AuthError::BadCredentials => "Wrong username or password.".into(),
            AuthError::AccountLocked { retry_after } => format!(
                "The account is locked after {} failed log-ins. Please try again in {}.",
                lockout::MAX_FAILURES,
                wait_en(*retry_after)
            ),
            AuthError::TotpRequired => "Please enter the 6-digit code from your authenticator app.".into(),
            AuthError::TotpWrong => "The authenticator code is wrong or has expired.".into(),
        }
    }
}

/// Constant-time equality of two byte strings (different lengths compare unequal).
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// One-time codes sent by SMS to log a citizen in.
pub mod otp {
    use super::*;

    pub const DIGITS: usize = 6;
    /// A code is valid this many seconds after it was sent.
    pub const VALID_FOR: i64 = 5 * 60;
    /// Wrong codes in a row before the number is locked.
    pub const MAX_WRONG: u32 = 5;
    pub const LOCK_FOR: i64 = 15 * 60;
    /// A new code may be asked for this many seconds after the previous one.
    pub const RESEND_AFTER: i64 = 60;
    /// The window of the rate limits below.
    pub const WINDOW: i64 = 60 * 60;
    pub const PER_PHONE_PER_HOUR: usize = 5;
    pub const PER_IP_PER_HOUR: usize = 20;

    /// A code from 8 random bytes. The modulo bias is below 2⁻⁴⁴, far under a guess's 10⁻⁶.
    pub fn generate(random: [u8; 8]) -> String {
        format!("{:06}", u64::from_le_bytes(random) % 1_000_000)
    }

    /// What the user typed, as the 6 digits (spaces removed), or why it is not a code.
    pub fn parse_code(input: &str) -> Result<String, FieldError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            return Err(FieldError::required("code"));
        }
        if digits.len() != DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                "code",
                "invalid_format",
                "Mã xác thực gồm 6 chữ số.",
                "The code has 6 digits.",
            ));
        }
        Ok(digits)
    }

    /// The SMS text; the code is never put anywhere else in clear.
    pub fn sms_text(code: &str) -> String {
        format!(
            "Mã xác thực Dịch vụ công của bạn là {code}, hiệu lực {} phút. Không chia sẻ mã này.",
            VALID_FOR / 60
        )
    }

    /// What the store knows when a code is asked for: times in unix seconds.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct SendHistory {
        pub locked_until: Option<i64>,
        /// When codes were sent to this number within the last [`WINDOW`].
        pub phone_sends: Vec<i64>,
        /// When codes were sent to any number from this client address within the last [`WINDOW`].
        pub ip_sends: Vec<i64>,
    }

    fn window_retry(sends: &[i64], now: i64) -> i64 {
        let oldest = sends.iter().copied().filter(|t| *t > now - WINDOW).min().unwrap_or(now);
        (oldest + WINDOW - now).max(1)
    }

    /// May a new code be sent now? Checks the lock, then the resend delay, then the limits.
    pub fn may_send(h: &SendHistory, now: i64) -> Result<(), AuthError> {
        if let Some(until) = h.locked_until.filter(|u| *u > now) {
            return Err(AuthError::PhoneLocked { field: "phone", retry_after: until - now });
        }
        let recent: Vec<i64> = h.phone_sends.iter().copied().filter(|t| *t > now - WINDOW).collect();
        if let Some(last) = recent.iter().copied().max() {
            if now - last < RESEND_AFTER {
                return Err(AuthError::ResendTooSoon { retry_after: last + RESEND_AFTER - now });
            }
        }
        if recent.len() >= PER_PHONE_PER_HOUR {
            return Err(AuthError::PhoneRateLimited { retry_after: window_retry(&recent, now) });
        }
        let ip_recent: Vec<i64> = h.ip_sends.iter().copied().filter(|t| *t > now - WINDOW).collect();
        if ip_recent.len() >= PER_IP_PER_HOUR {
            return Err(AuthError::IpRateLimited { retry_after: window_retry(&ip_recent, now) });
        }
        Ok(())
    }

    /// The latest code sent to a number.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct CodeRecord {
        pub expires_at: i64,
        pub consumed: bool,
    }

    /// Wrong tries in a row for a number, and its lock.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct Guard {
        pub failures: u32,
        pub locked_until: Option<i64>,
    }

    /// Wrong codes one client address may enter within [`VERIFY_WINDOW`], across numbers: a
    /// guesser spreading tries over many numbers is stopped at the address too.
    pub const VERIFY_PER_IP: usize = 20;
    pub const VERIFY_WINDOW: i64 = 15 * 60;

    /// What is refused before a try is counted: a locked number, no live code, an expired one.
    pub fn precheck(code: Option<CodeRecord>, guard: Guard, now: i64) -> Result<(), AuthError> {
        if let Some(until) = guard.locked_until.filter(|u| *u > now) {
            return Err(AuthError::PhoneLocked { field: "code", retry_after: until - now });
        }
        match code {
            Some(c) if !c.consumed && now >= c.expires_at => Err(AuthError::CodeExpired),
            Some(c) if !c.consumed => Ok(()),
            _ => Err(AuthError::NoCode),
        }
    }

    impl Guard {
        /// Counts one try before it is judged: the guard after it and the try's number
        /// (1..=[`MAX_WRONG`]), or `None` while the number is locked. The try that reaches
        /// [`MAX_WRONG`] sets the lock at once (its judgement clears it if the code was right), so
        /// however many tries arrive together, at most [`MAX_WRONG`] are ever compared. The
        /// store does exactly this in one conditional statement (`auth::repo::reserve_try`).
        pub fn reserve(self, now: i64) -> Option<(Guard, u32)> {
            let failures = match self.locked_until {
                Some(until) if until > now => return None,
                // A lock that has run out starts the count again.
                Some(_) => 1,
                None if self.failures >= MAX_WRONG => return None,
                None => self.failures + 1,
            };
            let locked_until = (failures >= MAX_WRONG).then_some(now + LOCK_FOR);
            Some((Guard { failures, locked_until }, failures))
        }

        /// The refusal for a try that could not be counted (the number is locked).
        pub fn refusal(self, now: i64) -> AuthError {
            let retry_after = self.locked_until.map(|u| u - now).filter(|s| *s > 0).unwrap_or(LOCK_FOR);
            AuthError::PhoneLocked { field: "code", retry_after }
        }
    }

    /// Judges a counted try (`attempt` from [`Guard::reserve`]). `matches` is the shell's
    /// constant-time comparison of the code's hash. A wrong code on the last try locks the number
    /// (and the shell burns the code); a right one is accepted on any counted try and clears
    /// the guard.
    pub fn judge(attempt: u32, matches: bool) -> Result<(), AuthError> {
        if matches {
            Ok(())
        } else if attempt >= MAX_WRONG {
            Err(AuthError::PhoneLocked { field: "code", retry_after: LOCK_FOR })
        } else {
            Err(AuthError::WrongCode { remaining: MAX_WRONG - attempt })
        }
    }

    /// The refusal when the address has entered [`VERIFY_PER_IP`] wrong codes in the window;
    /// `oldest` is the oldest of them still inside it.
    pub fn verify_limited(oldest: Option<i64>, now: i64) -> AuthError {
        let retry_after = oldest.map(|t| t + VERIFY_WINDOW - now).filter(|s| *s > 0).unwrap_or(1);
        AuthError::VerifyRateLimited { retry_after }
    }

    /// What is stored instead of the code: HMAC-SHA256 over the number and the code with a
    /// server-side key, hex. Without the key a leaked table does not give the codes away.
    pub fn code_hash(key: &[u8], phone: &str, code: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(b"motcua-otp-v1\n");
        mac.update(phone.as_bytes());
        mac.update(b"\n");
        mac.update(code.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Staff lock-out after repeated failed passwords.
pub mod lockout {
    use super::*;

    pub const MAX_FAILURES: u32 = 5;
    pub const LOCK_FOR: i64 = 15 * 60;

    /// Refuses while the account is locked.
    pub fn check(locked_until: Option<i64>, now: i64) -> Result<(), AuthError> {
        match locked_until.filter(|u| *u > now) {
            Some(until) => Err(AuthError::AccountLocked { retry_after: until - now }),
            None => Ok(()),
        }
    }

    /// The account's state after a failed log-in, and the refusal to answer with.
    pub fn after_failure(failures: u32, locked_until: Option<i64>, now: i64) -> (u32, Option<i64>, AuthError) {
        // A lock that has run out starts the count again.
        let failures = if locked_until.is_some_and(|u| u <= now) { 0 } else { failures };
        let failures = failures + 1;
        if failures >= MAX_FAILURES {
            (0, Some(now + LOCK_FOR), AuthError::AccountLocked { retry_after: LOCK_FOR })
        } else {
            (failures, None, AuthError::BadCredentials)
        }
    }
}

/// The stored password hash: `pbkdf2-sha256$<iterations>$<salt_b64>$<hash_b64>` (standard base64
/// with padding), as `scripts/gen_demo_sql.py` writes it.
pub mod password {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    pub const SCHEME: &str = "pbkdf2-sha256";
    /// The most Cloudflare's WebCrypto accepts for PBKDF2.
    pub const ITERATIONS: u32 = 100_000;
    pub const HASH_LEN: usize = 32;
    pub const MIN_SALT_LEN: usize = 16;

    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    pub enum HashFormatError {
        #[error("not four `$`-separated parts")]
        Shape,
        #[error("unknown scheme {0}")]
        Scheme(String),
        #[error("iterations must be 1..=100000")]
        Iterations,
        #[error("salt or hash is not base64 of the right length")]
        Encoding,
    }

    #[derive(Clone, PartialEq, Eq)]
    pub struct PasswordHash {
        pub iterations: u32,
        pub salt: Vec<u8>,
        pub hash: Vec<u8>,
    }

    impl std::fmt::Debug for PasswordHash {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "PasswordHash({SCHEME}, {} iterations, [redacted])", self.iterations)
        }
    }

    impl PasswordHash {
        pub fn parse(stored: &str) -> Result<Self, HashFormatError> {
            let parts: Vec<&str> = stored.split('$').collect();
            let [scheme, iterations, salt, hash] = parts.as_slice() else {
                return Err(HashFormatError::Shape);
            };
            if *scheme != SCHEME {
                return Err(HashFormatError::Scheme(scheme.to_string()));
            }
            let iterations: u32 = iterations.parse().map_err(|_| HashFormatError::Iterations)?;
            if iterations == 0 || iterations > ITERATIONS {
                return Err(HashFormatError::Iterations);
            }
            let salt = STANDARD.decode(salt).map_err(|_| HashFormatError::Encoding)?;
            let hash = STANDARD.decode(hash).map_err(|_| HashFormatError::Encoding)?;
            if salt.len() < MIN_SALT_LEN || hash.len() != HASH_LEN {
                return Err(HashFormatError::Encoding);
            }
            Ok(Self { iterations, salt, hash })
        }

        pub fn format(&self) -> String {
            format!("{SCHEME}${}${}${}", self.iterations, STANDARD.encode(&self.salt), STANDARD.encode(&self.hash))
        }

        /// Whether a freshly derived hash equals this one, in constant time.
        pub fn matches(&self, derived: &[u8]) -> bool {
            super::same_bytes(&self.hash, derived)
        }
    }
}

/// Time-based one-time passwords, RFC 6238 with HMAC-SHA-1, 30-second steps, 6 digits, one step
/// of clock drift either way. The secret is stored base32 (RFC 4648), as authenticator apps show it.
pub mod totp {
    use hmac::{Hmac, Mac};
    use sha1::Sha1;

    use crate::validation::FieldError;

    pub const STEP: i64 = 30;
    pub const DIGITS: u32 = 6;
    /// Steps accepted either side of the current one.
    pub const DRIFT: i64 = 1;

    /// RFC 4226 HOTP value with `digits` digits, zero-padded.
    pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> String {
        let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(&counter.to_be_bytes());
        let h = mac.finalize().into_bytes();
        let offset = (h[h.len() - 1] & 0x0f) as usize;
        let bin = u32::from_be_bytes([h[offset] & 0x7f, h[offset + 1], h[offset + 2], h[offset + 3]]);
        let value = bin % 10u32.pow(digits);
        format!("{value:0width$}", width = digits as usize)
    }

    /// The step number of a unix time.
    pub fn step_of(unix: i64) -> i64 {
        unix.div_euclid(STEP)
    }

    pub fn code_at(secret: &[u8], unix: i64, digits: u32) -> String {
        hotp(secret, step_of(unix) as u64, digits)
    }

    /// The step the input matches within the drift, refusing steps at or before `last_used`
    /// (a code is good once). Compares in constant time.
    pub fn verify(secret: &[u8], input: &str, unix: i64, last_used: Option<i64>) -> Option<i64> {
        let now = step_of(unix);
        let mut found = None;
        for step in (now - DRIFT)..=(now + DRIFT) {
            if step < 0 || last_used.is_some_and(|l| step <= l) {
                continue;
            }
            let expected = hotp(secret, step as u64, DIGITS);
            if super::same_bytes(expected.as_bytes(), input.as_bytes()) && found.is_none() {
                found = Some(step);
            }
        }
        found
    }

    pub fn parse_code(input: &str) -> Result<String, FieldError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            return Err(FieldError::required("totp"));
        }
        if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                "totp",
                "invalid_format",
                "Mã từ ứng dụng xác thực gồm 6 chữ số.",
                "The authenticator code has 6 digits.",
            ));
        }
        Ok(digits)
    }

    /// RFC 4648 base32, case-insensitive, padding and spaces ignored.
    pub fn decode_base32(s: &str) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let (mut buffer, mut bits) = (0u32, 0u32);
        for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
            let v = match c.to_ascii_uppercase() {
                c @ 'A'..='Z' => c as u32 - 'A' as u32,
                c @ '2'..='7' => c as u32 - '2' as u32 + 26,
                _ => return None,
            };
            buffer = (buffer << 5) | v;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push((buffer >> bits) as u8);
                buffer &= (1 << bits) - 1;
            }
        }
        if out.is_empty() {
            None
        } else {
            Some(out)
        }
    }
}

/// Session tokens and the cookies that carry them. The token is 32 random bytes, hex in the
/// cookie; only its SHA-256 is stored, so a copy of the table logs nobody in.
pub mod session {
    use super::*;

    pub const CITIZEN_COOKIE: &str = "motcua_session";
    pub const STAFF_COOKIE: &str = "motcua_staff";
    pub const CITIZEN_TTL: i64 = 30 * 24 * 60 * 60;
    pub const STAFF_TTL: i64 = 12 * 60 * 60;

    pub fn token(random: [u8; 32]) -> String {
        hex::encode(random)
    }

    /// The storage key of a token: SHA-256, hex. `None` for anything that is not a token.
    pub fn token_hash(token: &str) -> Option<String> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(hex::encode(Sha256::digest(token.to_ascii_lowercase().as_bytes())))
    }

    pub fn set_cookie(name: &str, token: &str, max_age: i64) -> String {
        format!("{name}={token}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={max_age}")
    }

    pub fn clear_cookie(name: &str) -> String {
        format!("{name}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0")
    }

    /// The cookie of a session started inside a commune portal's iframe (embed mode). A
    /// cross-site iframe never gets a `SameSite=Lax` cookie, so this one is `SameSite=None`;
    /// `Partitioned` (CHIPS) keys it to the portal that framed the app, so no other site can
    /// make the browser send it, and browsers that block third-party cookies still keep it.
    pub fn set_embedded_cookie(name: &str, token: &str, max_age: i64) -> String {
        format!("{name}={token}; HttpOnly; Secure; SameSite=None; Partitioned; Path=/; Max-Age={max_age}")
    }

    /// Clears the embedded variant (a partitioned cookie is only cleared by a partitioned
    /// `Set-Cookie`).
    pub fn clear_embedded_cookie(name: &str) -> String {
        format!("{name}=; HttpOnly; Secure; SameSite=None; Partitioned; Path=/; Max-Age=0")
    }

    /// The value of cookie `name` in a `Cookie:` header.
    pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
        header.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k.trim() == name).then(|| v.trim()).filter(|v| !v.is_empty())
        })
    }
}

/// The profile a citizen gives on first log-in, which pre-fills forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub full_name: PersonName,
    pub citizen_id: CitizenId,
    pub email: Option<Email>,
    pub address: Option<String>,
}

pub const ADDRESS_MAX: usize = 300;

impl Profile {
    /// Name and citizen ID are required; e-mail and address optional.
    pub fn parse(input: &ProfileUpdate) -> Result<Profile, FieldError> {
        let full_name = PersonName::parse("full_name", input.full_name.as_deref().unwrap_or(""))?;
        let citizen_id = CitizenId::parse("citizen_id", input.citizen_id.as_deref().unwrap_or(""))?;
        let email = match input.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => Some(Email::parse("email", e)?),
            None => None,
        };
        let address = crate::text_input::normalize("address", input.address.as_deref().unwrap_or(""), ADDRESS_MAX, false)?;
        let address = Some(address).filter(|a| !a.is_empty());
        Ok(Profile { full_name, citizen_id, email, address })
    }
}

// ---- Wire types of the log-in API ----

/// `POST /api/auth/otp/request`
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpRequest {
    #[serde(default)]
    pub phone: String,
}

/// `202` answer to [`OtpRequest`]: seconds until a resend is allowed and until the code expires.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpRequested {
    pub resend_after: i64,
    pub expires_in: i64,
}

/// `POST /api/auth/otp/verify`
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpVerify {
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub code: String,
}

/// `GET /api/me`, and the answer of a successful verify. The owner sees their own citizen ID.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenProfile {
    pub id: String,
    /// None for an account reached by the national log-in only (its number is another's).
    pub phone: Option<String>,
    pub full_name: Option<String>,
    pub citizen_id: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// True until name and citizen ID are given, and after a national log-in filled them until
    /// the citizen confirms them.
    pub needs_profile: bool,
    /// Linked to the national portal's account: `citizen_id` is verified and cannot be changed.
    #[serde(default)]
    pub national: bool,
    /// Where the citizen is told of status changes and fees: `sms`, `email`, `zalo`.
    #[serde(default)]
    pub notify_channels: Vec<String>,
}

/// `GET /api/auth/national`: whether the log-in with the national portal's account is offered.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalLoginInfo {
    pub enabled: bool,
}

/// `200` answer of `POST /api/auth/logout` for a session opened by the national account: where
/// to send the browser so that the portal ends its session too (a phone session answers 204).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutAnswer {
    pub logout_url: String,
}

/// `PUT /api/me`
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileUpdate {
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub citizen_id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// The channels to be notified on (`sms`, `email`, `zalo`); absent: unchanged.
    #[serde(default)]
    pub notify_channels: Option<Vec<String>>,
}

/// `POST /api/staff/login`
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffLogin {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub totp: Option<String>,
}

impl std::fmt::Debug for StaffLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffLogin").field("username", &self.username).finish_non_exhaustive()
    }
}

/// `GET /api/staff/me`: `agencies` are the codes of every agency in the person's scope.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffProfile {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub agencies: Vec<String>,
}

/// What a staff member may do, stored as `staff.role`. Officers act on their own agencies;
/// leaders watch their agency's subtree; a provincial admin administers their province (its
/// agencies, accounts, and fee versions the province sets); the national admin owns the national
/// catalog (procedures and national fee versions) and sees every province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Officer,
    Leader,
    Admin,
    National,
}

impl StaffRole {
    pub const ALL: [StaffRole; 4] = [StaffRole::Officer, StaffRole::Leader, StaffRole::Admin, StaffRole::National];

    pub fn parse(s: &str) -> Option<StaffRole> {
        StaffRole::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Officer => "officer",
            StaffRole::Leader => "leader",
            StaffRole::Admin => "admin",
            StaffRole::National => "national",
        }
    }

    /// Whether the scope is every agency under the person's root agencies (an officer's is
    /// exactly their listed agencies). The national admin's roots are every province.
    pub fn covers_subtree(self) -> bool {
        self != StaffRole::Officer
    }

    /// Leaders and admins see the payment-rate dashboard of their subtree.
    pub fn sees_dashboard(self) -> bool {
        self != StaffRole::Officer
    }

    /// Admins (provincial and national) use `/api/admin/...` within their scope and read the
    /// audit log of their scope.
    pub fn administers(self) -> bool {
        matches!(self, StaffRole::Admin | StaffRole::National)
    }

    /// Only the national admin creates or changes a procedure or a national fee version: they
    /// apply in every province.
    pub fn edits_national_catalog(self) -> bool {
        self == StaffRole::National
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_780_000_000;

    // ---- one-time codes ----

    #[test]
    fn codes_have_six_digits_with_leading_zeros() {
        assert_eq!(otp::generate([0; 8]), "000000");
        assert_eq!(otp::generate(1_000_042u64.to_le_bytes()), "000042");
        assert_eq!(otp::generate(u64::MAX.to_le_bytes()).len(), 6);
    }

    #[test]
    fn code_input_must_be_six_digits() {
        assert_eq!(otp::parse_code(" 123 456 ").unwrap(), "123456");
        assert_eq!(otp::parse_code("").unwrap_err().code, "required");
        for bad in ["12345", "1234567", "12a456"] {
            let e = otp::parse_code(bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.code.as_str()), ("code", "invalid_format"), "{bad}");
        }
    }

    #[test]
    fn sms_text_is_vietnamese_and_carries_the_code() {
        let t = otp::sms_text("123456");
        assert_eq!(t, "Mã xác thực Dịch vụ công của bạn là 123456, hiệu lực 5 phút. Không chia sẻ mã này.");
    }

    #[test]
    fn first_code_may_be_sent() {
        assert_eq!(otp::may_send(&otp::SendHistory::default(), T0), Ok(()));
    }

    #[test]
    fn resend_waits_sixty_seconds() {
        let h = otp::SendHistory { phone_sends: vec![T0], ..Default::default() };
        assert_eq!(otp::may_send(&h, T0 + 20), Err(AuthError::ResendTooSoon { retry_after: 40 }));
        assert_eq!(otp::may_send(&h, T0 + 59), Err(AuthError::ResendTooSoon { retry_after: 1 }));
        assert_eq!(otp::may_send(&h, T0 + 60), Ok(()));
    }

    #[test]
    fn at_most_five_codes_per_number_per_hour() {
        let sends: Vec<i64> = (0..5).map(|i| T0 + i * 120).collect();
        let h = otp::SendHistory { phone_sends: sends.clone(), ..Default::default() };
        let now = T0 + 4 * 120 + 60;
        let e = otp::may_send(&h, now).unwrap_err();
        // The oldest send leaves the window at T0 + 3600.
        assert_eq!(e, AuthError::PhoneRateLimited { retry_after: T0 + 3600 - now });
        assert_eq!((e.kind(), e.field(), e.code()), (AuthErrorKind::TooManyRequests, "phone", "rate_limited"));
        // Once the oldest is out of the window, one more is allowed.
        assert_eq!(otp::may_send(&h, T0 + 3601), Ok(()));
        // Four in the window are fine.
        let h4 = otp::SendHistory { phone_sends: sends[..4].to_vec(), ..Default::default() };
        assert_eq!(otp::may_send(&h4, now), Ok(()));
    }

    #[test]
    fn at_most_twenty_codes_per_address_per_hour() {
        let ip_sends: Vec<i64> = (0..20).map(|i| T0 + i).collect();
        let h = otp::SendHistory { ip_sends: ip_sends.clone(), ..Default::default() };
        assert_eq!(otp::may_send(&h, T0 + 100), Err(AuthError::IpRateLimited { retry_after: 3500 }));
        let h19 = otp::SendHistory { ip_sends: ip_sends[..19].to_vec(), ..Default::default() };
        assert_eq!(otp::may_send(&h19, T0 + 100), Ok(()));
    }

    #[test]
    fn a_locked_number_gets_no_code_and_is_told_when_it_unlocks() {
        let h = otp::SendHistory { locked_until: Some(T0 + 900), ..Default::default() };
        let e = otp::may_send(&h, T0 + 300).unwrap_err();
        assert_eq!(e, AuthError::PhoneLocked { field: "phone", retry_after: 600 });
        assert_eq!(e.kind(), AuthErrorKind::Locked);
        assert!(e.message_vi().contains("10 phút"), "{}", e.message_vi());
        assert_eq!(otp::may_send(&h, T0 + 900), Ok(()));
    }

    fn live() -> Option<otp::CodeRecord> {
        Some(otp::CodeRecord { expires_at: T0 + otp::VALID_FOR, consumed: false })
    }

    #[test]
    fn a_live_code_may_be_tried_and_an_expired_or_used_one_not() {
        let g = otp::Guard::default();
        assert_eq!(otp::precheck(live(), g, T0 + 299), Ok(()));
        let e = otp::precheck(live(), g, T0 + 300).unwrap_err();
        assert_eq!((e.field(), e.code()), ("code", "expired"));
        let used = Some(otp::CodeRecord { expires_at: T0 + 300, consumed: true });
        for code in [None, used] {
            assert_eq!(otp::precheck(code, g, T0), Err(AuthError::NoCode));
        }
        let locked = otp::Guard { failures: 5, locked_until: Some(T0 + 900) };
        assert_eq!(otp::precheck(live(), locked, T0 + 300), Err(AuthError::PhoneLocked { field: "code", retry_after: 600 }));
    }

    #[test]
    fn wrong_codes_count_down_then_lock_for_fifteen_minutes() {
        let mut guard = otp::Guard::default();
        for remaining in [4, 3, 2, 1] {
            let (g, attempt) = guard.reserve(T0 + 10).expect("counted");
            let e = otp::judge(attempt, false).unwrap_err();
            assert_eq!(e, AuthError::WrongCode { remaining });
            assert!(e.message_vi().contains(&format!("còn {remaining} lần")));
            guard = g;
        }
        let (g, attempt) = guard.reserve(T0 + 10).expect("the fifth is counted");
        assert_eq!(g.locked_until, Some(T0 + 910), "the fifth try locks as it is counted");
        assert_eq!(otp::judge(attempt, false), Err(AuthError::PhoneLocked { field: "code", retry_after: 900 }));
        // Locked: nothing more is counted or compared, even the right code.
        assert_eq!(g.reserve(T0 + 20), None);
        assert_eq!(g.refusal(T0 + 20), AuthError::PhoneLocked { field: "code", retry_after: 890 });
        assert_eq!(otp::precheck(live(), g, T0 + 20).unwrap_err().code(), "locked");
        // After the lock the count starts again.
        assert_eq!(g.reserve(T0 + 910), Some((otp::Guard { failures: 1, locked_until: None }, 1)));
    }

    #[test]
    fn the_right_code_is_accepted_on_any_counted_try() {
        for attempt in 1..=otp::MAX_WRONG {
            assert_eq!(otp::judge(attempt, true), Ok(()));
        }
    }

    /// Forty tries arriving together are counted one after another by the store: five are
    /// judged, the other thirty-five are refused without being compared.
    #[test]
    fn parallel_tries_judge_at_most_five() {
        let mut guard = otp::Guard::default();
        let mut judged = 0;
        for _ in 0..40 {
            match guard.reserve(T0) {
                Some((g, _)) => {
                    guard = g;
                    judged += 1;
                }
                None => assert_eq!(guard.refusal(T0).code(), "locked"),
            }
        }
        assert_eq!(judged, otp::MAX_WRONG);
        // A guard left counted-out without a lock (never written by the store) still refuses.
        assert_eq!(otp::Guard { failures: 5, locked_until: None }.reserve(T0), None);
    }

    #[test]
    fn an_address_entering_twenty_wrong_codes_waits_for_the_oldest_to_leave_the_window() {
        let e = otp::verify_limited(Some(T0), T0 + 100);
        assert_eq!(e, AuthError::VerifyRateLimited { retry_after: 800 });
        assert_eq!((e.kind(), e.field(), e.code()), (AuthErrorKind::TooManyRequests, "code", "rate_limited"));
        assert!(e.message_vi().contains("14 phút"), "{}", e.message_vi());
        assert_eq!(otp::verify_limited(None, T0), AuthError::VerifyRateLimited { retry_after: 1 });
    }

    #[test]
    fn code_hash_depends_on_key_number_and_code_and_hides_the_code() {
        let h = otp::code_hash(b"k", "0912345678", "123456");
        assert_eq!(h.len(), 64);
        assert!(!h.contains("123456"));
        assert_ne!(h, otp::code_hash(b"k", "0912345678", "123457"));
        assert_ne!(h, otp::code_hash(b"k", "0912345679", "123456"));
        assert_ne!(h, otp::code_hash(b"j", "0912345678", "123456"));
        assert_eq!(h, otp::code_hash(b"k", "0912345678", "123456"));
    }

    // ---- staff lock-out ----

    #[test]
    fn staff_locked_after_five_failures_for_fifteen_minutes() {
        let (mut failures, mut locked) = (0, None);
        for n in 1..=4 {
            let (f, l, e) = lockout::after_failure(failures, locked, T0);
            assert_eq!((f, l, e), (n, None, AuthError::BadCredentials));
            (failures, locked) = (f, l);
        }
        let (f, l, e) = lockout::after_failure(failures, locked, T0);
        assert_eq!((f, l), (0, Some(T0 + 900)));
        assert_eq!((e.code(), e.field(), e.kind()), ("locked", "username", AuthErrorKind::Locked));
        assert_eq!(lockout::check(l, T0 + 60), Err(AuthError::AccountLocked { retry_after: 840 }));
        assert_eq!(lockout::check(l, T0 + 900), Ok(()));
        // The first failure after the lock ran out counts from one.
        assert_eq!(lockout::after_failure(4, l, T0 + 901).0, 1);
    }

    #[test]
    fn wait_is_said_in_minutes_or_seconds() {
        assert!(AuthError::AccountLocked { retry_after: 900 }.message_vi().contains("15 phút"));
        assert!(AuthError::ResendTooSoon { retry_after: 45 }.message_vi().contains("45 giây"));
        assert!(AuthError::ResendTooSoon { retry_after: 1 }.message_en().contains("wait 1 second before"));
    }

    // ---- password hash format ----

    /// The demo account `sontay.motcua` as `scripts/gen_demo_sql.py` writes it.
    const DEMO: &str =
        "pbkdf2-sha256$100000$LZWO/qELsEhhhdIHuSZEaQ==$qIf9/6aA2jw6NzFZ/HkMaiyMzMOg7K6uo9mHsEeG/dg=";

    #[test]
    fn password_hash_round_trips() {
        let h = password::PasswordHash::parse(DEMO).unwrap();
        assert_eq!(h.iterations, 100_000);
        assert_eq!(h.salt.len(), 16);
        assert_eq!(h.hash.len(), 32);
        assert_eq!(h.format(), DEMO);
        assert!(h.matches(&h.hash.clone()));
        let mut other = h.hash.clone();
        other[31] ^= 1;
        assert!(!h.matches(&other));
        assert!(!h.matches(&h.hash[..31]));
        assert!(!format!("{h:?}").contains("LZWO"), "Debug must not show the salt or hash");
    }

    #[test]
    fn password_hash_rejects_other_shapes() {
        use password::{HashFormatError as E, PasswordHash as P};
        assert_eq!(P::parse("plain"), Err(E::Shape));
        assert_eq!(P::parse("bcrypt$10$a$b"), Err(E::Scheme("bcrypt".into())));
        assert_eq!(P::parse("pbkdf2-sha256$0$LZWO/qELsEhhhdIHuSZEaQ==$qIf9"), Err(E::Iterations));
        assert_eq!(P::parse("pbkdf2-sha256$100001$LZWO/qELsEhhhdIHuSZEaQ==$qIf9"), Err(E::Iterations));
        assert_eq!(P::parse("pbkdf2-sha256$100000$!!$qIf9"), Err(E::Encoding));
        assert_eq!(P::parse("pbkdf2-sha256$100000$LZWO/qELsEhhhdIHuSZEaQ==$qIf9"), Err(E::Encoding));
    }

    // ---- TOTP ----

    /// RFC 6238 appendix B, SHA-1 column: the seed is the ASCII string "12345678901234567890"
    /// and the values have 8 digits.
    #[test]
    fn totp_matches_rfc_6238_appendix_b() {
        let seed = b"12345678901234567890";
        for (t, expected) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            assert_eq!(totp::code_at(seed, t, 8), expected, "T = {t}");
        }
    }

    #[test]
    fn totp_accepts_one_step_either_side_and_only_once() {
        let seed = b"12345678901234567890";
        let now = 1111111111;
        let code = totp::code_at(seed, now, 6);
        assert_eq!(code, "050471", "the 6-digit form of the RFC vector");
        let step = totp::step_of(now);
        assert_eq!(totp::verify(seed, &code, now, None), Some(step));
        assert_eq!(totp::verify(seed, &code, now + 30, None), Some(step));
        assert_eq!(totp::verify(seed, &code, now - 30, None), Some(step));
        assert_eq!(totp::verify(seed, &code, now + 60, None), None);
        assert_eq!(totp::verify(seed, &code, now - 60, None), None);
        assert_eq!(totp::verify(seed, &code, now, Some(step)), None, "replay refused");
        assert_eq!(totp::verify(seed, "000000", now, None).filter(|_| code != "000000"), None);
    }

    #[test]
    fn totp_secret_is_base32() {
        // "12345678901234567890" in base32.
        let s = totp::decode_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        assert_eq!(s, b"12345678901234567890");
        assert_eq!(totp::decode_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), Some(s));
        assert_eq!(totp::decode_base32("GEZ1"), None);
        assert_eq!(totp::decode_base32(""), None);
        assert_eq!(totp::parse_code("12 34 56").unwrap(), "123456");
        assert_eq!(totp::parse_code("12345").unwrap_err().field, "totp");
    }

    // ---- sessions ----

    #[test]
    fn session_token_is_hex_and_only_its_hash_is_stored() {
        let t = session::token([0xab; 32]);
        assert_eq!(t.len(), 64);
        let h = session::token_hash(&t).unwrap();
        assert_eq!(h.len(), 64);
        assert_ne!(h, t);
        assert_eq!(session::token_hash(&t.to_uppercase()), Some(h));
        assert_eq!(session::token_hash("short"), None);
        assert_eq!(session::token_hash(&"z".repeat(64)), None);
    }

    #[test]
    fn cookies_are_http_only_secure_lax() {
        let c = session::set_cookie(session::CITIZEN_COOKIE, "abc", session::CITIZEN_TTL);
        assert_eq!(c, "motcua_session=abc; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=2592000");
        assert!(session::clear_cookie("motcua_staff").contains("Max-Age=0"));
        let header = "a=1; motcua_staff=xyz ; motcua_session=abc";
        assert_eq!(session::cookie_value(header, "motcua_session"), Some("abc"));
        assert_eq!(session::cookie_value(header, "motcua_staff"), Some("xyz"));
        assert_eq!(session::cookie_value(header, "motcua"), None);
        assert_eq!(session::cookie_value("motcua_session=", "motcua_session"), None);
    }

    // ---- profile ----

    fn profile() -> ProfileUpdate {
        ProfileUpdate {
            full_name: Some("Nguyễn Văn An".into()),
            citizen_id: Some("042090001234".into()),
            email: Some("".into()),
            address: Some("  Thôn Tân Hương  ".into()),
            notify_channels: None,
        }
    }

    #[test]
    fn profile_needs_name_and_citizen_id() {
        let p = Profile::parse(&profile()).unwrap();
        assert_eq!(p.email, None);
        assert_eq!(p.address.as_deref(), Some("Thôn Tân Hương"));
        let e = Profile::parse(&ProfileUpdate { full_name: None, ..profile() }).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("full_name", "required"));
        let e = Profile::parse(&ProfileUpdate { citizen_id: Some("123".into()), ..profile() }).unwrap_err();
        assert_eq!(e.field, "citizen_id");
        let e = Profile::parse(&ProfileUpdate { email: Some("not-an-email".into()), ..profile() }).unwrap_err();
        assert_eq!(e.field, "email");
        let e = Profile::parse(&ProfileUpdate { address: Some("x".repeat(301)), ..profile() }).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("address", "too_long"));
    }

    #[test]
    fn staff_roles_round_trip_and_only_the_national_admin_edits_the_national_catalog() {
        for r in StaffRole::ALL {
            assert_eq!(StaffRole::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(r.as_str()));
        }
        assert_eq!(StaffRole::parse("root"), None);
        assert_eq!(StaffRole::parse("Admin"), None);
        let national: Vec<_> = StaffRole::ALL.into_iter().filter(|r| r.edits_national_catalog()).collect();
        assert_eq!(national, [StaffRole::National]);
        let admins: Vec<_> = StaffRole::ALL.into_iter().filter(|r| r.administers()).collect();
        assert_eq!(admins, [StaffRole::Admin, StaffRole::National]);
        assert!(!StaffRole::Officer.covers_subtree() && !StaffRole::Officer.sees_dashboard());
        assert!(StaffRole::Leader.sees_dashboard() && !StaffRole::Leader.administers());
    }

    #[test]
    fn staff_login_debug_hides_the_password() {
        let l = StaffLogin { username: "a".into(), password: "MotCua@2026".into(), totp: None };
        assert!(!format!("{l:?}").contains("MotCua"));
    }
}
