//! Tells the applicant by SMS (through the `OUTBOX` queue) each time their dossier changes
//! status. A failed enqueue never undoes the change that caused it: it is logged (with the
//! number masked) and the request goes on.

use motcua_domain::api::Applicant;
use motcua_domain::citizen::Phone;
use worker::Env;

use super::repo::DossierRow;
use crate::outbox::OutboxMessage;
use crate::platform::config;

/// The SMS for a dossier now in `row.status` (e.g. "Hồ sơ 000.10.51.H27-261123-0001: Đã thanh
/// toán phí, lệ phí. Xem tại http://…/ho-so/…").
pub fn sms_text(row: &DossierRow, base_url: &str) -> String {
    format!(
        "Dịch vụ công: hồ sơ {} — {}. Xem tại {base_url}/ho-so/{}",
        row.code.as_deref().unwrap_or(""),
        row.status.label_vi(),
        row.id
    )
}

pub async fn status_changed(env: &Env, row: &DossierRow) {
    let applicant: Applicant = serde_json::from_str(&row.applicant_json).unwrap_or_default();
    let Ok(phone) = Phone::parse("phone", &applicant.phone) else { return };
    let message = OutboxMessage::sms(phone.as_str(), sms_text(row, &config::public_base_url(env)));
    let sent = match env.queue(config::OUTBOX) {
        Ok(q) => q.send(message).await,
        Err(e) => Err(e),
    };
    if let Err(e) = sent {
        worker::console_error!("notify: status SMS to {} not queued: {e}", phone.masked());
    }
}
