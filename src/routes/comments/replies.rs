//! `GET /v1/comments/{id}/replies`

use actix_web::{HttpRequest, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::{fill_likes, find_comment, view_context};
use crate::comments::view::CommentView;
use crate::domain::{Cursor, Sort};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RepliesParams {
    /// 1 to 100, default 20.
    #[validate(range(min = 1, max = 100))]
    pub limit: Option<i64>,
    #[validate(length(max = 200))]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReplyPage {
    pub comments: Vec<CommentView>,
    pub next_cursor: Option<String>,
    /// Replies directly under this comment.
    pub total: i64,
}

#[utoipa::path(
    tag = "comments",
    params(("id" = Uuid, Path), RepliesParams),
    responses((status = 200, body = ReplyPage), (status = 400, body = Problem), (status = 404, body = Problem))
)]
#[get("/v1/comments/{id}/replies")]
pub async fn list_replies(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<RepliesParams>,
) -> ApiResult<web::Json<ReplyPage>> {
    params.validate()?;
    let parent = find_comment(&state, &id).await?;
    let limit = params.limit.unwrap_or(20);
    // Replies run oldest first; the cursor is the last reply's id.
    let after = match &params.cursor {
        Some(raw) => Some(
            Cursor::decode(raw, Sort::Oldest, &state.keys.cursor)
                .ok_or_else(|| {
                    ApiError::bad_request("invalid_cursor", "the cursor is not one this server issued")
                })?
                .id,
        ),
        None => None,
    };
    let mut ctx = view_context(&req, &state, &parent.site)?;
    if let Some(lang) = state
        .store
        .article(&parent.site, &parent.article_id)
        .await?
        .and_then(|a| a.lang)
    {
        ctx.lang = lang;
    }
    let mut rows = state
        .store
        .replies_page(parent.id, after, limit + 1, ctx.viewer)
        .await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = has_more
        .then(|| {
            rows.last().map(|c| {
                Cursor {
                    sort: Sort::Oldest,
                    likes: 0,
                    id: c.id,
                }
                .encode(&state.keys.cursor)
            })
        })
        .flatten();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    fill_likes(&mut ctx, &state, &ids).await?;
    let comments = rows.iter().map(|r| ctx.view(r)).collect();
    Ok(web::Json(ReplyPage {
        comments,
        next_cursor,
        total: parent.reply_count,
    }))
}
