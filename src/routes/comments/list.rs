//! `GET /v1/sites/{site}/articles/{article}/comments`

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{fill_likes, parse_article, view_context};
use crate::comments::view::CommentView;
use crate::domain::{Cursor, Sort};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::storage::ThreadQuery;

/// Replies shown under each top-level comment; the rest come from `/replies`.
pub const FIRST_REPLIES: i64 = 3;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ThreadParams {
    #[serde(default)]
    pub sort: Sort,
    /// 1 to 100, default 20.
    #[validate(range(min = 1, max = 100))]
    pub limit: Option<i64>,
    #[validate(length(max = 200))]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentPage {
    pub comments: Vec<CommentView>,
    pub next_cursor: Option<String>,
    /// Published comments of the article, replies included.
    pub total: i64,
}

#[utoipa::path(
    tag = "comments",
    params(("site" = String, Path), ("article" = String, Path), ThreadParams),
    responses((status = 200, body = CommentPage), (status = 400, body = Problem), (status = 404, body = Problem))
)]
#[get("/v1/sites/{site}/articles/{article}/comments")]
pub async fn list_thread(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    params: web::Query<ThreadParams>,
) -> ApiResult<HttpResponse> {
    let (site_raw, article_raw) = path.into_inner();
    let (site_id, _) = state.site(&site_raw)?;
    let article_id = parse_article(&article_raw)?;
    params.validate()?;
    let limit = params.limit.unwrap_or(20);
    let key = &state.keys.cursor;
    let after = match &params.cursor {
        Some(raw) => Some(Cursor::decode(raw, params.sort, key).ok_or_else(|| {
            ApiError::bad_request("invalid_cursor", "the cursor is not one this server issued")
        })?),
        None => None,
    };
    let mut ctx = view_context(&req, &state, site_id.as_str())?;
    // Anonymous pages are the same for every reader: served from memory when warm. The key
    // (with the article's generation) is taken before any row is read.
    let cache_key = ctx.viewer.is_none().then(|| {
        let cursor = params.cursor.as_deref();
        state
            .pages
            .key(site_id.as_str(), article_id.as_str(), params.sort, cursor, limit)
    });
    let build = async {
        let article = state.store.article(site_id.as_str(), article_id.as_str()).await?;
        let total = article.as_ref().map_or(0, |a| a.comment_count);
        if let Some(lang) = article.and_then(|a| a.lang) {
            ctx.lang = lang;
        }
        let query = ThreadQuery {
            site: site_id.to_string(),
            article: article_id.to_string(),
            sort: params.sort,
            after,
            limit: limit + 1,
            viewer: ctx.viewer,
        };
        let mut top = state.store.list_thread(&query).await?;
        let has_more = top.len() as i64 > limit;
        top.truncate(limit as usize);
        let next_cursor = has_more
            .then(|| {
                top.last().map(|c| {
                    Cursor {
                        sort: params.sort,
                        likes: c.like_count,
                        id: c.id,
                    }
                    .encode(key)
                })
            })
            .flatten();
        let ids: Vec<_> = top.iter().map(|c| c.id).collect();
        let replies = state.store.first_replies(&ids, FIRST_REPLIES, ctx.viewer).await?;
        let all: Vec<_> = ids.iter().copied().chain(replies.iter().map(|r| r.id)).collect();
        fill_likes(&mut ctx, &state, &all).await?;
        let page = CommentPage {
            comments: ctx.thread(&top, &replies),
            next_cursor,
            total,
        };
        serde_json::to_vec(&page)
            .map(Bytes::from)
            .map_err(|e| ApiError::Internal(e.into()))
    };
    match cache_key {
        Some(key) => {
            let page = state.pages.get_or_build(key, build).await?;
            Ok(page.respond(&req, HttpResponse::Ok().content_type("application/json")))
        }
        // A signed-in reader's own page: the `Compress` middleware compresses it if asked.
        None => Ok(HttpResponse::Ok()
            .content_type("application/json")
            .body(build.await?)),
    }
}
