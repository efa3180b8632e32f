//! `GET /v1/moderation/comments/{id}`: one comment with its verdict, every report (open or
//! resolved) and its decision history from the audit log.

use actix_web::{HttpRequest, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::staff;
use super::views::{AuditEntry, QueueItem, by_comment};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::storage::AuditQuery;
use crate::storage::moderation::unix_ms;

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentDetail {
    #[serde(flatten)]
    pub item: QueueItem,
    /// Audit rows about this comment, newest first.
    pub history: Vec<AuditEntry>,
}

#[utoipa::path(tag = "moderation", params(("id" = Uuid, Path)), security(("staff_key" = [])),
    responses((status = 200, body = CommentDetail), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[get("/v1/moderation/comments/{id}")]
pub async fn comment_detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<CommentDetail>> {
    staff(&req, &state, Role::Moderator).await?;
    let not_found = || ApiError::not_found("comment_not_found", "no such comment");
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let row = state.store.queue_item(id).await?.ok_or_else(not_found)?;
    let reports = state.store.reports_of(&[id], true).await?;
    let history = state
        .store
        .audit(&AuditQuery {
            target: Some(("comment".into(), id.to_string())),
            limit: 100,
            ..AuditQuery::default()
        })
        .await?;
    Ok(web::Json(CommentDetail {
        item: QueueItem::build(&row, &by_comment(&reports), unix_ms(state.clock.now())),
        history: history.into_iter().map(AuditEntry::from).collect(),
    }))
}
