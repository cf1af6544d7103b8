//! `POST /api/staff/dossiers/{id}/results/{file}/sign`: a result, or for procedure 2.000815 the
//! copy certified from the original, signed as PDF (PAdES B-B) with the agency's certificate.
//! Parse → load → decide (`motcua_domain::document::plan_sign`) → sign (the signing Worker
//! prepares, the remote provider signs the hash, the signing Worker finishes) → store (one row,
//! unique per result and per book number) → view. Until the row is written nothing is visible:
//! the citizen keeps downloading the unsigned result, and a failed attempt leaves no trace but
//! its bytes, which are deleted.

use motcua_domain::api::{SignRequest, SignedFile, SignedKind};
use motcua_domain::calendar;
use motcua_domain::document::{self, DocumentError, SignState, StampFacts};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use worker::{HttpMetadata, Response};

use super::signer::{self, PageRequest};
use super::{refused, repo, store};
use crate::dossier::access;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, db, random, shards};
use crate::signing::provider;

/// Attempts at a certified copy's book number when other copies of the same agency take the
/// next one first (each attempt signs again with the new number printed).
const BOOK_ATTEMPTS: usize = 3;

pub async fn sign(ctx: &mut Ctx, id: &str, file: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let req: SignRequest = ctx.json_body_or_default().await?;
    // The signed document goes with its dossier, in the agency's shard; the signing account,
    // the officer's name and the catalog are national.
    let shard = shards::id_of_agency(&ctx.env, "agency", &row.agency_code)?;
    let d1 = ctx.shard(shard)?;
    let national = ctx.national()?;
    #[derive(Deserialize)]
    struct ResultRow {
        id: String,
        name: String,
        content_type: String,
        r2_key: String,
    }
    let result: ResultRow = db::first(
        d1.prepare("SELECT id, name, content_type, r2_key FROM dossier_results WHERE id = ?1 AND dossier_id = ?2").bind(&[file.into(), row.id.as_str().into()])?,
    )
    .await?
    .ok_or(ApiError::NotFound { what: "file", field: Some("file") })?;
    let already = repo::signed_by_result(&d1, &result.id).await?.is_some();
    let state = SignState { dossier_status: row.status, procedure_code: &row.procedure_code, content_type: &result.content_type, already_signed: already };
    let plan = document::plan_sign(&state, &req).map_err(refused)?;

    let cert = provider::certificate(&ctx.env, &national, &row.agency_code).await?;
    let bucket = ctx.env.bucket(config::SCANS)?;
    let not_found = || ApiError::NotFound { what: "file", field: Some("file") };
    let object = bucket.get(&result.r2_key).execute().await?.ok_or_else(not_found)?;
    let original = object.body().ok_or_else(not_found)?.bytes().await?;
    let font = crate::payment::receipt::font(&ctx.env).await?;
    let officer = crate::auth::repo::staff_names(&national, &[staff.staff_id.as_str()]).await?.remove(&staff.staff_id).unwrap_or_else(|| staff.username.clone());

    let now = clock::now();
    let local = calendar::vietnam_local(now);
    let base = config::public_base_url(&ctx.env);
    let dossier_code = row.code.clone().unwrap_or_default();
    let title = match plan.kind {
        SignedKind::Result => result.name.clone(),
        SignedKind::CertifiedCopy => format!("Bản sao điện tử có chứng thực — {}", result.name),
    };
    let reason = match plan.kind {
        SignedKind::Result => "Ký số kết quả giải quyết thủ tục hành chính",
        SignedKind::CertifiedCopy => "Chứng thực bản sao điện tử từ bản chính",
    };
    for _ in 0..BOOK_ATTEMPTS {
        let book = match plan.kind {
            SignedKind::CertifiedCopy => Some((repo::next_book_number(&d1, &row.agency_code, local.year()).await?, local.year())),
            SignedKind::Result => None,
        };
        // The printed code names its shard (`S42-7K3QX-M9P2D`), so a check opens one database.
        let code = document::sharded_verification_code(shard, &random::bytes::<10>());
        let verify_url = document::verify_url(&base, &code);
        let stamp = document::stamp(&StampFacts {
            kind: plan.kind,
            agency_name: &row.agency_name,
            title: &title,
            dossier_code: &dossier_code,
            certificate_subject: &cert.subject,
            issuer: &cert.issuer,
            officer: &officer,
            signed_at: local,
            code: &code,
            verify_url: &verify_url,
            book,
            pages: plan.pages,
        });
        let page = PageRequest {
            source: plan.source,
            signing_time: now.unix_timestamp(),
            chain_der: &cert.chain_der,
            reason,
            location: &row.agency_name,
            name: &cert.subject,
            stamp: &stamp,
            code: &code,
            url: &verify_url,
            qr: document::qr_rows(&verify_url),
        };
        let prepared = signer::prepare(&ctx.env, &original, &font, &page).await?;
        let signature = provider::sign_digest(&ctx.env, &national, &row.agency_code, &cert, &prepared.to_be_signed, &prepared.signed_attributes, &dossier_code).await?;
        let signed = signer::finish(&ctx.env, &prepared, &signature, &cert.chain_der).await?;
        let sha256 = hex::encode(Sha256::digest(&signed));
        let doc_id = random::sharded_id(shard);
        let key = format!("signed/{}/{doc_id}.pdf", row.id);
        let size = signed.len() as u64;
        bucket
            .put(&key, signed)
            .http_metadata(HttpMetadata { content_type: Some("application/pdf".into()), ..Default::default() })
            .execute()
            .await?;
        let name = format!("{}-ky-so.pdf", result.name.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(&result.name));
        let record = store::NewSigned {
            id: &doc_id,
            kind: match plan.kind {
                SignedKind::Result => "result",
                SignedKind::CertifiedCopy => "certified_copy",
            },
            dossier_id: &row.id,
            result_id: &result.id,
            owner_citizen_id: row.owner_citizen_id.as_deref(),
            agency_code: &row.agency_code,
            title: &title,
            name: &name,
            size,
            sha256: &sha256,
            code: &code,
            r2_key: &key,
            signer_name: &officer,
            certificate_subject: &cert.subject,
            certificate_issuer: &cert.issuer,
            certificate_serial: &cert.serial_hex,
            certificate_der_b64: &base64::Engine::encode(&base64::engine::general_purpose::STANDARD, cert.chain_der.first().map(Vec::as_slice).unwrap_or_default()),
            signed_at: &clock::rfc3339(now),
            book,
            pages: plan.pages,
        };
        match store::insert_signed(&d1, &record, &staff).await {
            Ok(store::Recorded::Done) => {
                let saved = repo::signed_by_id(&d1, &national, &doc_id).await?.ok_or_else(not_found)?;
                worker::console_log!("document: {} signed {} for dossier {} ({})", staff.username, doc_id, dossier_code, saved.kind_str());
                return Ok(json(&SignedFile { file: result.id.clone(), signature: saved.view(&base) })?.with_status(201));
            }
            Ok(store::Recorded::BookNumberTaken) => {
                let _ = bucket.delete(&key).await;
                continue;
            }
            Ok(store::Recorded::AlreadySigned) => {
                let _ = bucket.delete(&key).await;
                return Err(refused(DocumentError::AlreadySigned));
            }
            Err(e) => {
                let _ = bucket.delete(&key).await;
                return Err(e);
            }
        }
    }
    Err(ApiError::Stale {
        what: "certification book",
        current: "busy".into(),
        label_vi: "Sổ chứng thực đang được ghi liên tục; vui lòng thử lại".into(),
        label_en: "The certification book is busy; try again".into(),
    })
}
