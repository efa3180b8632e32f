//! `PATCH /v1/comments/{id}`: the author edits within the site's edit window; the new text
//! goes through the filter and the policy again.

use actix_web::{HttpRequest, patch, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{active_commenter, find_comment, require_identity};
use crate::comments::live;
use crate::comments::policy::{self, Submission};
use crate::comments::screen::screen;
use crate::comments::submit::{body_message, message_lang};
use crate::comments::view::{CommentView, ViewContext};
use crate::domain::{CommentBody, CommentStatus};
use crate::error::{ApiError, ApiResult, Problem};
use crate::routes::ApiJson;
use crate::state::AppState;
use crate::storage::CommentEdit;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditComment {
    #[validate(length(max = 8000))]
    pub body: String,
}

#[utoipa::path(
    tag = "comments",
    params(("id" = uuid::Uuid, Path)),
    request_body = EditComment,
    responses((status = 200, body = CommentView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem))
)]
#[patch("/v1/comments/{id}")]
pub async fn edit_comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ApiJson<EditComment>,
) -> ApiResult<web::Json<CommentView>> {
    body.validate()?;
    let comment = find_comment(&state, &id).await?;
    let (_, site) = state.site(&comment.site)?;
    let identity = require_identity(&req, &state, &comment.site)?;
    let (author, author_status) = active_commenter(&state, &comment.site, &identity).await?;
    if author.id != comment.author_id {
        return Err(ApiError::forbidden(
            "not_author",
            "only the author edits a comment",
        ));
    }
    if !matches!(
        comment.status(),
        CommentStatus::Published | CommentStatus::Pending
    ) {
        return Err(ApiError::conflict(
            "not_editable",
            "this comment can no longer be edited",
        ));
    }
    let now = state.clock.now();
    if (now - comment.created_at).whole_seconds() > site.edit_window_secs {
        return Err(ApiError::forbidden(
            "edit_window_closed",
            "the time to edit this comment has passed",
        ));
    }
    let max = state.settings.comments.max_length;
    let text = CommentBody::parse(&body.body, max)
        .map_err(|e| ApiError::field("body", e.code(), body_message(e.code(), max)))?;
    let article = state
        .store
        .ensure_article(&comment.site, &comment.article_id, now)
        .await?;
    let verdict = screen(&state, &comment.site, &site.lang, text.as_str(), &author, None).await?;
    let submission = Submission {
        body: text.as_str(),
        honeypot_filled: false,
        form_ms: None,
        min_form_ms: 0,
    };
    let status = policy::decide(&submission, &verdict, site, &article, &author, author_status);
    let edit = CommentEdit {
        id: comment.id,
        body: text.into_inner(),
        status,
        verdict: serde_json::to_string(&verdict).ok(),
        masked_body: verdict.masked_body.clone(),
        edited_at: now,
    };
    let row = state.store.edit_comment(&edit).await?;
    if status == CommentStatus::Published {
        live::comment_edited(&state, &row).await;
    } else if comment.status() == CommentStatus::Published {
        live::comment_deleted(&state, &row).await;
    }
    let ctx = ViewContext {
        viewer: Some(author.id),
        liked: Default::default(),
        lang: message_lang(&article, site).to_string(),
    };
    Ok(web::Json(ctx.view(&row)))
}
