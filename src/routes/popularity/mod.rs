//! Popularity: the view beacon, "most read", related stories and "most commented". The
//! lists answer `{window, articles}` with article metadata from the store (one query for the
//! ids), `ETag` and `Cache-Control`, and `304` when the client's copy is current.

pub mod most_commented;
pub mod popular;
pub mod related;
pub mod views;

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::encoded::{Encoded, accepts_gzip};
use crate::error::{ApiError, ApiResult};
use crate::popularity::{SentList, Window};
use crate::state::AppState;

/// Browsers and CDNs may reuse a list 15 s; the server recomputes its windows every 30 s and
/// reuses a list it sent for 5 s at most, so a list is never more than 50 s behind.
const CACHE_CONTROL: &str = "public, max-age=15";
pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 50;

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    /// `1h`, `24h` or `7d`.
    pub window: &'static str,
    pub articles: Vec<RankedArticle>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RankedArticle {
    pub article: String,
    /// Metadata is null until the CMS registers the article.
    pub title: Option<String>,
    pub url: Option<String>,
    pub section: Option<String>,
    pub story: Option<String>,
    pub image: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    /// Views in the window.
    pub views: u64,
    /// Published comments: all of them, except in "most commented", where it is those of
    /// the window.
    pub comments: i64,
}

/// The list for `ranked` (article, views, comments or `None` for the article's own count),
/// with each article's metadata read in one query.
pub async fn with_metadata(
    state: &AppState,
    site: &str,
    window: Window,
    ranked: Vec<(String, u64, Option<i64>)>,
) -> ApiResult<ArticleList> {
    let ids: Vec<String> = ranked.iter().map(|(a, _, _)| a.clone()).collect();
    let mut known: HashMap<String, crate::storage::Article> = state
        .store
        .articles_by_ids(site, &ids)
        .await?
        .into_iter()
        .map(|a| (a.article_id.clone(), a))
        .collect();
    let articles = ranked
        .into_iter()
        .map(|(article, views, comments)| {
            let meta = known.remove(&article);
            let stored_comments = meta.as_ref().map_or(0, |m| m.comment_count);
            let meta = meta.as_ref();
            RankedArticle {
                title: meta.and_then(|m| m.title.clone()),
                url: meta.and_then(|m| m.url.clone()),
                section: meta.and_then(|m| m.section.clone()),
                story: meta.and_then(|m| m.story.clone()),
                image: meta.and_then(|m| m.image.clone()),
                published_at: meta.and_then(|m| m.published_at),
                views,
                comments: comments.unwrap_or(stored_comments),
                article,
            }
        })
        .collect();
    Ok(ArticleList {
        window: window.as_str(),
        articles,
    })
}

/// The list this URL answered within the last few seconds (`Popularity::lists`), else the
/// one `build` makes, then kept: a front page's readers all ask for the same few lists, and
/// each build costs a store query or two. Parameters are checked before, so `build` fails
/// only when the store or the counters do; the last list is then served however old.
pub async fn serve_list(
    req: &HttpRequest,
    state: &AppState,
    build: impl Future<Output = ApiResult<ArticleList>>,
) -> ApiResult<HttpResponse> {
    let url = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |pq| pq.as_str().to_owned());
    let sent = state
        .popularity
        .lists
        .get_or(url, state.clock.now(), async { sent_list(&build.await?) })
        .await?;
    Ok(cached_json(req, &sent))
}

fn sent_list(list: &ArticleList) -> ApiResult<SentList> {
    let json = serde_json::to_vec(list).map_err(|e| ApiError::Internal(e.into()))?;
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&json)[..12]));
    Ok(SentList {
        body: Encoded::new(Bytes::from(json)),
        etag,
    })
}

/// `200` with the list, its `ETag` and `Cache-Control`; `304` when `If-None-Match` names
/// the same `ETag`.
fn cached_json(req: &HttpRequest, sent: &SentList) -> HttpResponse {
    let matches = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == sent.etag || t == "*");
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    // The gzip form is another representation of the same list: its validator is weak, as
    // a strong one names exact bytes (RFC 9110 §8.8.1). A client sends back either form, and
    // both match above.
    let etag = if accepts_gzip(req) {
        format!("W/{}", sent.etag)
    } else {
        sent.etag.clone()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL));
    if matches {
        response.insert_header((header::VARY, "Accept-Encoding")).finish()
    } else {
        sent.body.respond(req, response.content_type("application/json"))
    }
}

/// `window=` (default `24h`).
pub fn parse_window(raw: Option<&str>) -> ApiResult<Window> {
    raw.map_or(Some(Window::Day), Window::parse)
        .ok_or_else(|| ApiError::field("window", "invalid_window", "window is 1h, 24h or 7d"))
}

/// `limit=` (default 10, 1 to 50).
pub fn parse_limit(raw: Option<i64>) -> ApiResult<usize> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => Ok(usize::try_from(n).unwrap_or(DEFAULT_LIMIT)),
        Some(_) => Err(ApiError::field(
            "limit",
            "range",
            format!("limit is 1 to {MAX_LIMIT}"),
        )),
    }
}
