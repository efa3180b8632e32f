//! `/v1/…/comments`: reading, writing, liking and reporting comments.

pub mod counts;
pub mod create;
pub mod delete;
pub mod edit;
pub mod events;
pub mod like;
pub mod list;
pub mod replies;
pub mod report;

use std::collections::HashSet;

use actix_web::HttpRequest;
use uuid::Uuid;

use crate::auth::CommenterIdentity;
use crate::comments::view::ViewContext;
use crate::comments::viewer::identify;
use crate::domain::{ArticleId, CommenterStatus};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage::{CommentRow, Commenter};

pub fn parse_article(raw: &str) -> ApiResult<ArticleId> {
    ArticleId::parse(raw).ok_or_else(|| ApiError::not_found("article_not_found", "no such article"))
}

/// A comment by id; a malformed id is as unknown as a missing one.
pub async fn find_comment(state: &AppState, raw_id: &str) -> ApiResult<CommentRow> {
    let not_found = || ApiError::not_found("comment_not_found", "no such comment");
    let id = Uuid::parse_str(raw_id).map_err(|_| not_found())?;
    state.store.comment(id).await?.ok_or_else(not_found)
}

/// The view context for the request's commenter, if any.
pub fn view_context(req: &HttpRequest, state: &AppState, site_id: &str) -> ApiResult<ViewContext> {
    let site = state.site(site_id)?.1;
    let viewer = identify(req, state, site_id, site)?.map(|i| i.commenter_id(site_id));
    Ok(ViewContext {
        viewer,
        liked: HashSet::new(),
        lang: site.lang.clone(),
    })
}

/// Marks which of `ids` the viewer likes.
pub async fn fill_likes(ctx: &mut ViewContext, state: &AppState, ids: &[Uuid]) -> ApiResult<()> {
    if let Some(viewer) = ctx.viewer
        && !ids.is_empty()
    {
        ctx.liked = state.store.liked_by(viewer, ids).await?.into_iter().collect();
    }
    Ok(())
}

/// The stored commenter for a checked identity, refusing banned and suspended ones.
pub async fn active_commenter(
    state: &AppState,
    site_id: &str,
    identity: &CommenterIdentity,
) -> ApiResult<(Commenter, CommenterStatus)> {
    let commenter = state
        .store
        .commenter(identity.commenter_id(site_id))
        .await?
        .ok_or_else(|| ApiError::forbidden("unknown_commenter", "post a comment first"))?;
    let status = ensure_may_post(&commenter, state)?;
    Ok((commenter, status))
}

/// `403` for a banned or (still) suspended commenter.
pub fn ensure_may_post(commenter: &Commenter, state: &AppState) -> ApiResult<CommenterStatus> {
    match commenter.status_at(state.clock.now()) {
        CommenterStatus::Banned => Err(ApiError::forbidden(
            "commenter_banned",
            "this account may not comment here",
        )),
        CommenterStatus::Suspended => {
            let until = commenter
                .status_until
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
                .unwrap_or_default();
            Err(ApiError::forbidden(
                "commenter_suspended",
                format!("this account is suspended until {until}"),
            ))
        }
        status => Ok(status),
    }
}

/// The commenter of a request that must come from one (likes, reports, edits).
pub fn require_identity(req: &HttpRequest, state: &AppState, site_id: &str) -> ApiResult<CommenterIdentity> {
    let site = state.site(site_id)?.1;
    identify(req, state, site_id, site)?
        .ok_or_else(|| ApiError::unauthorized("login_required", "sign in or post as a guest first"))
}
