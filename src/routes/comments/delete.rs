//! `DELETE /v1/comments/{id}`: the author deletes; a tombstone keeps the thread's shape.

use actix_web::{HttpRequest, HttpResponse, delete, web};

use super::{find_comment, require_identity};
use crate::comments::live;
use crate::domain::CommentStatus;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[utoipa::path(
    tag = "comments",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[delete("/v1/comments/{id}")]
pub async fn delete_comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let comment = find_comment(&state, &id).await?;
    let identity = require_identity(&req, &state, &comment.site)?;
    if identity.commenter_id(&comment.site) != comment.author_id {
        return Err(ApiError::forbidden(
            "not_author",
            "only the author deletes a comment",
        ));
    }
    // Deleting twice is harmless: the second time there is nothing left to do.
    if comment.status() != CommentStatus::Deleted {
        let was_public = comment.status() == CommentStatus::Published;
        let row = state.store.delete_comment(comment.id, state.clock.now()).await?;
        if was_public {
            live::comment_deleted(&state, &row).await;
        }
    }
    Ok(HttpResponse::NoContent().finish())
}
