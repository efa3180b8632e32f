//! `GET /v1/sites/{site}/popular?window=&section=&tag=&story=&limit=&exclude=`: the most read
//! articles of a window, site-wide or in one section, tag or story.

use std::collections::HashSet;

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ArticleList, MAX_LIMIT, parse_limit, parse_window, serve_list, with_metadata};
use crate::error::{ApiError, ApiResult, Problem};
use crate::popularity::Scope;
use crate::routes::comments::parse_article;
use crate::state::AppState;

const MAX_SCOPE_CHARS: usize = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PopularParams {
    /// `1h`, `24h` (default) or `7d`.
    pub window: Option<String>,
    /// At most one of `section`, `tag` and `story`.
    pub section: Option<String>,
    pub tag: Option<String>,
    pub story: Option<String>,
    /// 1 to 50, default 10.
    pub limit: Option<i64>,
    /// Comma-separated article ids to leave out (the page's own article), up to 50.
    pub exclude: Option<String>,
}

#[utoipa::path(
    tag = "popularity",
    params(("site" = String, Path), PopularParams),
    responses((status = 200, body = ArticleList), (status = 304, description = "Not modified"),
              (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
              (status = 503, body = Problem))
)]
#[get("/v1/sites/{site}/popular")]
pub async fn popular(
    req: HttpRequest,
    state: web::Data<AppState>,
    site: web::Path<String>,
    params: web::Query<PopularParams>,
) -> ApiResult<HttpResponse> {
    let (site_id, _) = state.site(&site)?;
    let window = parse_window(params.window.as_deref())?;
    let limit = parse_limit(params.limit)?;
    let scope = parse_scope(&params)?;
    let exclude = parse_exclude(params.exclude.as_deref())?;
    let build = async {
        let ranking = state
            .popularity
            .ranking(site_id.as_str(), &scope, window, state.clock.now())
            .await?;
        let ranked = ranking
            .iter()
            .filter(|(a, _)| !exclude.contains(a.as_str()))
            .take(limit)
            .map(|(a, n)| (a.clone(), *n, None))
            .collect();
        with_metadata(&state, site_id.as_str(), window, ranked).await
    };
    serve_list(&req, &state, build).await
}

fn parse_scope(params: &PopularParams) -> ApiResult<Scope> {
    let given: Vec<(&str, &String)> = [
        ("section", &params.section),
        ("tag", &params.tag),
        ("story", &params.story),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_ref().map(|v| (name, v)))
    .collect();
    let [(name, value)] = given.as_slice() else {
        return if given.is_empty() {
            Ok(Scope::Site)
        } else {
            Err(ApiError::bad_request(
                "conflicting_scope",
                "give at most one of section, tag and story",
            ))
        };
    };
    let chars = value.chars().count();
    if chars == 0 || chars > MAX_SCOPE_CHARS || value.chars().any(char::is_control) {
        return Err(ApiError::field(
            name,
            "invalid_scope",
            format!("{name} is 1 to {MAX_SCOPE_CHARS} characters"),
        ));
    }
    let value = (*value).clone();
    Ok(match *name {
        "section" => Scope::Section(value),
        "tag" => Scope::Tag(value),
        _ => Scope::Story(value),
    })
}

fn parse_exclude(raw: Option<&str>) -> ApiResult<HashSet<&str>> {
    let ids: HashSet<&str> = raw.unwrap_or("").split(',').filter(|s| !s.is_empty()).collect();
    if ids.len() > MAX_LIMIT {
        return Err(ApiError::field(
            "exclude",
            "too_many",
            format!("exclude at most {MAX_LIMIT} articles"),
        ));
    }
    if let Some(bad) = ids.iter().find(|id| parse_article(id).is_err()) {
        return Err(ApiError::field(
            "exclude",
            "invalid_article",
            format!("{bad:?} is not an article id"),
        ));
    }
    Ok(ids)
}
