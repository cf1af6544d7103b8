//! Tells the applicant each time their dossier changes status, and what to pay when the desk
//! sends its fee notice, on each channel they chose (`crate::outbox::notify`: SMS, e-mail,
//! Zalo). A failed enqueue never undoes the change that caused it: it is logged (with the
//! number masked) and the request goes on.

use motcua_domain::api::Applicant;
use motcua_domain::citizen::Phone;
use motcua_domain::money::Vnd;
use motcua_domain::notify::Notice;
use worker::Env;

use super::repo::DossierRow;
use crate::outbox;
use crate::platform::config;

/// The dossier's page, where the applicant sees it (and pays it).
pub fn dossier_link(env: &Env, row: &DossierRow) -> String {
    format!("{}/ho-so/{}", config::public_base_url(env), row.id)
}

async fn recipient(env: &Env, row: &DossierRow) -> Option<outbox::Recipient> {
    let applicant: Applicant = serde_json::from_str(&row.applicant_json).unwrap_or_default();
    let phone = Phone::parse("phone", &applicant.phone).ok();
    let d1 = crate::platform::shards::national(env).ok()?;
    let to = outbox::recipient(&d1, row.owner_citizen_id.as_deref(), phone).await;
    (to.phone.is_some() || to.email.is_some()).then_some(to)
}

pub async fn status_changed(env: &Env, row: &DossierRow) {
    let Some(to) = recipient(env, row).await else { return };
    let notice = Notice::Status {
        dossier_code: row.code.clone().unwrap_or_default(),
        status_vi: row.status.label_vi().to_string(),
        link: dossier_link(env, row),
    };
    outbox::notify(env, &to, &notice).await;
}

/// The fee notice: the amount, what it is for, and the dossier's page where it is paid.
pub async fn fee_noticed(env: &Env, row: &DossierRow, total: Vnd) {
    let Some(to) = recipient(env, row).await else { return };
    let code = row.code.clone().unwrap_or_default();
    let notice = Notice::Fee {
        agency: row.agency_name.clone(),
        purpose: format!("Phí, lệ phí hồ sơ {}", row.procedure_name),
        reference: code,
        amount: total,
        due: None,
        link: dossier_link(env, row),
    };
    outbox::notify(env, &to, &notice).await;
}
