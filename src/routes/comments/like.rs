//! `PUT` / `DELETE /v1/comments/{id}/like`: one like per commenter, idempotent both ways.

use actix_web::{HttpRequest, delete, put, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{active_commenter, find_comment, require_identity};
use crate::comments::live;
use crate::domain::CommentStatus;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct LikeState {
    pub like_count: i64,
    pub liked_by_me: bool,
}

#[utoipa::path(
    tag = "comments",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = LikeState), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem))
)]
#[put("/v1/comments/{id}/like")]
pub async fn like_comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<LikeState>> {
    set_like(req, state, &id, true).await
}

#[utoipa::path(
    tag = "comments",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = LikeState), (status = 401, body = Problem), (status = 404, body = Problem))
)]
#[delete("/v1/comments/{id}/like")]
pub async fn unlike_comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<LikeState>> {
    set_like(req, state, &id, false).await
}

async fn set_like(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: &str,
    liked: bool,
) -> ApiResult<web::Json<LikeState>> {
    let comment = find_comment(&state, id).await?;
    let identity = require_identity(&req, &state, &comment.site)?;
    let (commenter, _) = active_commenter(&state, &comment.site, &identity).await?;
    if comment.status() != CommentStatus::Published {
        return Err(ApiError::conflict(
            "not_published",
            "only published comments can be liked",
        ));
    }
    let like_count = state
        .store
        .set_like(comment.id, commenter.id, liked, state.clock.now())
        .await?;
    if like_count != comment.like_count {
        live::comment_liked(&state, &comment, like_count).await;
    }
    Ok(web::Json(LikeState {
        like_count,
        liked_by_me: liked,
    }))
}
