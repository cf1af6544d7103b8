//! Who may see a dossier: its owner, or staff whose scope covers its agency. Everyone else gets
//! 404, so the existence of other people's dossiers is not revealed.

use crate::auth::session::{self, StaffSession};
use crate::platform::db::Db;
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;

use super::repo::{self, DossierRow};

fn not_found() -> ApiError {
    ApiError::NotFound { what: "dossier", field: Some("id") }
}

/// The database of dossier `id` (its shard), for the reads and writes after [`owned_dossier`]
/// or [`staff_dossier`] let the caller in.
pub async fn shard_of(ctx: &Ctx, id: &str) -> Result<Db, ApiError> {
    ctx.shard_of_id(id).await?.ok_or_else(not_found)
}

/// The dossier, if the signed-in citizen owns it, with the citizen's id.
pub async fn owned_dossier(ctx: &Ctx, id: &str) -> Result<(String, DossierRow), ApiError> {
    let who = session::citizen(ctx).await?;
    let d1 = ctx.shard_of_id(id).await?.ok_or_else(not_found)?;
    let row = repo::dossier(&d1, &ctx.national()?, id).await?.ok_or_else(not_found)?;
    if row.owner_citizen_id.as_deref() != Some(who.citizen_id.as_str()) {
        return Err(not_found());
    }
    Ok((who.citizen_id, row))
}

/// The dossier, if the signed-in staff member's scope covers its agency.
pub async fn staff_dossier(ctx: &Ctx, id: &str) -> Result<(StaffSession, DossierRow), ApiError> {
    let staff = session::staff(ctx).await?;
    let d1 = ctx.shard_of_id(id).await?.ok_or_else(not_found)?;
    let row = repo::dossier(&d1, &ctx.national()?, id).await?.ok_or_else(not_found)?;
    if !staff.covers(&row.agency_code) {
        return Err(not_found());
    }
    Ok((staff, row))
}
