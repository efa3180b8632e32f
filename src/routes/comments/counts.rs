//! `GET /v1/sites/{site}/comment-counts?articles=a,b,c`: for article lists and teasers.

use std::collections::BTreeMap;

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::parse_article;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

pub const MAX_ARTICLES: usize = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CountParams {
    /// Comma-separated article ids, up to 100.
    pub articles: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentCounts {
    /// Published comments per article; every requested article is present.
    pub counts: BTreeMap<String, i64>,
}

#[utoipa::path(
    tag = "comments",
    params(("site" = String, Path), CountParams),
    responses((status = 200, body = CommentCounts), (status = 400, body = Problem), (status = 404, body = Problem))
)]
#[get("/v1/sites/{site}/comment-counts")]
pub async fn comment_counts(
    state: web::Data<AppState>,
    site: web::Path<String>,
    params: web::Query<CountParams>,
) -> ApiResult<web::Json<CommentCounts>> {
    let (site_id, _) = state.site(&site)?;
    let ids: Vec<String> = params
        .articles
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if ids.is_empty() || ids.len() > MAX_ARTICLES {
        return Err(ApiError::bad_request(
            "invalid_articles",
            format!("name 1 to {MAX_ARTICLES} articles"),
        ));
    }
    for id in &ids {
        parse_article(id)
            .map_err(|_| ApiError::bad_request("invalid_articles", format!("{id:?} is not an article id")))?;
    }
    let mut counts: BTreeMap<String, i64> = ids.iter().map(|id| (id.clone(), 0)).collect();
    counts.extend(state.store.comment_counts(site_id.as_str(), &ids).await?);
    Ok(web::Json(CommentCounts { counts }))
}
