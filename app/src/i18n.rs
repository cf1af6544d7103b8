//! Interface text. Vietnamese is the default; the English switch comes with the citizen journey.

pub const APP_NAME: &str = "Dịch vụ công Một cửa";
pub const NAV_PROCEDURES: &str = "Thủ tục";
pub const NAV_DOSSIERS: &str = "Hồ sơ của tôi";
pub const NAV_ACCOUNT: &str = "Tài khoản";
