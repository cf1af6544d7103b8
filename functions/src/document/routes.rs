//! `GET /api/verify/{sha256 | code}` (public), `POST /api/staff/documents/{id}/revoke`,
//! `GET /api/me/documents[/{id}]` (the wallet) and `GET /api/dossiers/{id}/documents/{doc}` (a
//! referenced wallet document, for the dossier's owner and its desk).

use motcua_domain::api::{RevokeDocument, Verification, Wallet};
use motcua_domain::document::{self, FoundDocument};
use sha2::{Digest, Sha256};
use worker::{Env, Response};

use super::{repo, store};
use crate::auth::session;
use crate::dossier::access;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, shards};

fn not_found() -> ApiError {
    ApiError::NotFound { what: "document", field: Some("id") }
}

/// Serves an R2 object as a private download.
pub async fn serve_object(ctx: &Ctx, key: &str, name: &str, content_type: &str) -> Result<Response, ApiError> {
    let object = ctx.env.bucket(config::SCANS)?.get(key).execute().await?.ok_or_else(not_found)?;
    let bytes = object.body().ok_or_else(not_found)?.bytes().await?;
    let mut resp = Response::from_bytes(bytes)?;
    let ascii: String = motcua_domain::text::fold(name).chars().filter(|c| c.is_ascii_graphic() || *c == ' ').collect();
    let h = resp.headers_mut();
    h.set("content-type", content_type)?;
    h.set("content-disposition", &format!("inline; filename=\"{}\"", ascii.replace('"', "")))?;
    h.set("cache-control", "private, no-store")?;
    h.set("x-content-type-options", "nosniff")?;
    Ok(resp)
}

/// `GET /api/verify/{key}`: whether a signed document is ours and in force. No personal data:
/// the agency, the certificate, the time, the dossier's code and the revocation only.
pub async fn verify(ctx: &Ctx, key: &str) -> Result<Response, ApiError> {
    // What a person typed arrives percent-encoded (`7k3qx%20m9p2d`).
    let lookup = document::parse_lookup(&motcua_domain::gateway::form_decode_lenient(key))?;
    let national = ctx.national()?;
    let row = match &lookup {
        // A printed code names its province (`S42-…`); one printed before sharding is in the
        // legacy shard.
        document::Lookup::Code(code) => {
            repo::lookup(&shards::of_key(&ctx.env, document::code_shard(code), code).await?, &national, &lookup).await?
        }
        // A file's hash names nothing: every province's database is asked (a probe of a unique
        // index each), the first that has it answers.
        document::Lookup::Sha256(_) => {
            let found = shards::fanout(shards::all(&ctx.env)?, |d1| {
                let (national, lookup) = (&national, &lookup);
                async move { repo::lookup(&d1, national, lookup).await }
            })
            .await?;
            found.into_iter().flatten().next()
        }
    }
    .ok_or_else(not_found)?;
    let revocation = row.revocation();
    let body = Verification {
        valid: revocation.is_none(),
        kind: row.kind,
        title: row.title.clone(),
        agency_name: row.agency_name.clone(),
        issuer: row.certificate_issuer.clone(),
        certificate_subject: row.certificate_subject.clone(),
        signed_at: row.signed_at.clone(),
        dossier_code: row.dossier_code.clone().unwrap_or_default(),
        code: row.code.clone(),
        sha256: row.sha256.clone(),
        book_number: row.book_label(),
        revoked: revocation.is_some(),
        revocation,
    };
    let mut resp = json(&body)?;
    // Public and cheap to ask again, but a revocation must show at once.
    resp.headers_mut().set("cache-control", "no-store")?;
    Ok(resp)
}

/// `POST /api/staff/documents/{id}/revoke {"reason"}`: staff of the issuing agency.
pub async fn revoke(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let d1 = ctx.shard_of_id(id).await?.ok_or_else(not_found)?;
    let national = ctx.national()?;
    let row = repo::signed_by_id(&d1, &national, id).await?.filter(|r| staff.covers(&r.agency_code)).ok_or_else(not_found)?;
    let req: RevokeDocument = ctx.json_body().await?;
    let reason = document::decide_revoke(row.revoked_at.is_some(), &req.reason).map_err(super::refused)?;
    store::revoke(&d1, &row.id, &row.dossier_id, row.version, &reason, &staff, &clock::rfc3339(clock::now())).await?;
    let row = repo::signed_by_id(&d1, &national, id).await?.ok_or_else(not_found)?;
    json(&row.view(&config::public_base_url(&ctx.env)))
}

/// `GET /api/me/documents`.
pub async fn wallet(ctx: &Ctx) -> Result<Response, ApiError> {
    let who = session::citizen(ctx).await?;
    let base = config::public_base_url(&ctx.env);
    // A citizen may have filed in several provinces: each database's part, merged as one
    // database would order them (signed documents newest first, then uploads newest first).
    let parts = shards::fanout(shards::all(&ctx.env)?, |d1| {
        let (citizen, base) = (&who.citizen_id, &base);
        async move { repo::wallet(&d1, citizen, base).await }
    })
    .await?;
    let (mut signed, mut uploads): (Vec<_>, Vec<_>) = parts.into_iter().flatten().partition(|d| d.signature.is_some());
    signed.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
    uploads.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
    uploads.truncate(repo::WALLET_UPLOADS);
    signed.extend(uploads);
    let documents = signed;
    let mut resp = json(&Wallet { documents })?;
    resp.headers_mut().set("cache-control", "private, no-store")?;
    Ok(resp)
}

/// `GET /api/me/documents/{id}`: one of the caller's own documents.
pub async fn wallet_download(ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let who = session::citizen(ctx).await?;
    let d1 = ctx.shard_of_id(id).await?.ok_or_else(not_found)?;
    let doc = repo::own_document(&d1, &who.citizen_id, id).await?.ok_or_else(not_found)?;
    serve_object(ctx, &doc.r2_key, &doc.name, &doc.content_type).await
}

/// `GET /api/dossiers/{id}/documents/{doc}`: a wallet document the dossier references, for its
/// owner or the staff covering its agency.
pub async fn referenced_download(ctx: &Ctx, dossier_id: &str, document_id: &str) -> Result<Response, ApiError> {
    let row = if session::optional_citizen(ctx).await?.is_some() {
        access::owned_dossier(ctx, dossier_id).await?.1
    } else {
        access::staff_dossier(ctx, dossier_id).await?.1
    };
    let d1 = ctx.shard_of_id(&row.id).await?.ok_or_else(not_found)?;
    let (key, name, content_type) = repo::referenced_object(&d1, &row.id, document_id).await?.ok_or_else(not_found)?;
    serve_object(ctx, &key, &name, &content_type).await
}

/// A submission's wallet references, checked (`documents[i]`) against the caller's own
/// documents; each signed one's stored bytes are hashed against its record now, so the desk
/// sees whether it is intact. Answers (kind, id, verified) in the form's order.
pub async fn referable(env: &Env, citizen: &str, ids: &[String]) -> Result<Vec<(&'static str, String, bool)>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    let mut own = Vec::new();
    // Bounded by MAX_REFERENCES (checked below before anything is read from R2).
    if ids.len() <= document::MAX_REFERENCES {
        for id in ids {
            // Each document in its own province's database (it may be another's than the
            // dossier's); a text that is no record id is simply not the citizen's.
            let Some(d1) = shards::of_id(env, id).await? else { continue };
            if let Some(d) = repo::own_document(&d1, citizen, id).await? {
                found.push(FoundDocument { id: d.id.clone(), signed: d.signed, revoked: d.revoked });
                own.push(d);
            }
        }
    }
    document::check_references(ids, &found)?;
    let bucket = env.bucket(config::SCANS)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let d = own.iter().find(|d| &d.id == id).ok_or_else(not_found)?;
        let verified = match (&d.sha256, d.signed) {
            (Some(expected), true) => match bucket.get(&d.r2_key).execute().await? {
                Some(object) => match object.body() {
                    Some(body) => hex::encode(Sha256::digest(body.bytes().await?)) == *expected,
                    None => false,
                },
                None => false,
            },
            _ => false,
        };
        out.push((if d.signed { "signed" } else { "upload" }, d.id.clone(), verified));
    }
    Ok(out)
}
