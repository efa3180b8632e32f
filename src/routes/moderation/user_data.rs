//! `GET` / `DELETE /v1/moderation/users/{site}/{user}/data` (admin): a commenter's data,
//! exported whole or erased (SPEC §9). Erasure keeps the thread's shape (tombstones) and
//! counts, and leaves an audit row that names no personal data.

use actix_web::{HttpRequest, HttpResponse, delete, get, web};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::staff;
use super::users::find;
use super::views::ModComment;
use crate::domain::{CommentStatus, Role};
use crate::error::{ApiError, ApiResult, Problem};
use crate::moderation::effects;
use crate::state::AppState;
use crate::storage::{Actor, CommenterData};

/// Everything stored about a commenter. Addresses are never stored, only keyed hashes, which
/// identify nobody without the server's key and are left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommenterExport {
    pub id: Uuid,
    pub site: String,
    pub external_id: String,
    pub name: String,
    pub avatar: Option<String>,
    pub is_guest: bool,
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub comments: Vec<ModComment>,
    pub likes: Vec<LikeExport>,
    pub reports: Vec<ReportExport>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LikeExport {
    pub comment_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportExport {
    pub comment_id: Uuid,
    pub reason: String,
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<CommenterData> for CommenterExport {
    fn from(d: CommenterData) -> Self {
        let c = d.commenter;
        Self {
            id: c.id,
            site: c.site,
            external_id: c.external_id,
            name: c.name,
            avatar: c.avatar,
            is_guest: c.is_guest,
            status: c.status,
            created_at: c.created_at,
            comments: d.comments.iter().map(ModComment::from).collect(),
            likes: d
                .likes
                .into_iter()
                .map(|l| LikeExport {
                    comment_id: l.comment_id,
                    created_at: l.created_at,
                })
                .collect(),
            reports: d
                .reports
                .into_iter()
                .map(|r| ReportExport {
                    comment_id: r.comment_id,
                    reason: r.reason,
                    note: r.note,
                    created_at: r.created_at,
                })
                .collect(),
        }
    }
}

#[utoipa::path(tag = "moderation", params(("site" = String, Path), ("user" = String, Path)),
    security(("staff_key" = [])),
    responses((status = 200, body = CommenterExport), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[get("/v1/moderation/users/{site}/{user}/data")]
pub async fn export_data(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    staff(&req, &state, Role::Admin).await?;
    let commenter = find(&state, &path.0, &path.1).await?;
    let data = state
        .store
        .commenter_data(commenter.id)
        .await?
        .ok_or_else(|| ApiError::not_found("commenter_not_found", "no such commenter on this site"))?;
    let file = format!("attachment; filename=\"majlis-{}.json\"", commenter.id);
    Ok(HttpResponse::Ok()
        .insert_header(("Content-Disposition", file))
        .json(CommenterExport::from(data)))
}

#[utoipa::path(tag = "moderation", params(("site" = String, Path), ("user" = String, Path)),
    security(("staff_key" = [])),
    responses((status = 204, description = "Erased"), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[delete("/v1/moderation/users/{site}/{user}/data")]
pub async fn erase_data(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let key = staff(&req, &state, Role::Admin).await?;
    let commenter = find(&state, &path.0, &path.1).await?;
    let erased = state
        .store
        .erase_commenter(commenter.id, &Actor::from(&key), state.clock.now())
        .await?;
    // Readers' pages and live streams lose the comments that were public.
    for (before, row) in &erased.comments {
        let before = CommentStatus::parse(before).unwrap_or(CommentStatus::Deleted);
        effects::status_changed(&state, before, row).await;
    }
    Ok(HttpResponse::NoContent().finish())
}
