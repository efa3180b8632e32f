//! `GET /v1/sites/{site}/most-commented?window=&limit=`: the articles with the most published
//! comments created in the window, from the database. `views` are the window's views where
//! the site's cached ranking has the article (its top 200), else 0; this list never fails
//! because the counters do.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ArticleList, parse_limit, parse_window, serve_list, with_metadata};
use crate::error::{ApiResult, Problem};
use crate::popularity::Scope;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MostCommentedParams {
    /// `1h`, `24h` (default) or `7d`.
    pub window: Option<String>,
    /// 1 to 50, default 10.
    pub limit: Option<i64>,
}

#[utoipa::path(
    tag = "popularity",
    params(("site" = String, Path), MostCommentedParams),
    responses((status = 200, body = ArticleList), (status = 304, description = "Not modified"),
              (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem))
)]
#[get("/v1/sites/{site}/most-commented")]
pub async fn most_commented(
    req: HttpRequest,
    state: web::Data<AppState>,
    site: web::Path<String>,
    params: web::Query<MostCommentedParams>,
) -> ApiResult<HttpResponse> {
    let (site_id, _) = state.site(&site)?;
    let window = parse_window(params.window.as_deref())?;
    let limit = parse_limit(params.limit)?;
    let now = state.clock.now();
    let since = now - time::Duration::hours(window.hours());
    let build = async {
        let counts = state
            .store
            .most_commented(site_id.as_str(), since, i64::try_from(limit).unwrap_or(10))
            .await?;
        let views = state
            .popularity
            .ranking(site_id.as_str(), &Scope::Site, window, now)
            .await
            .ok();
        let views_of = |a: &str| {
            views
                .as_ref()
                .and_then(|r| r.iter().find(|(id, _)| id == a))
                .map_or(0, |(_, n)| *n)
        };
        let ranked = counts
            .into_iter()
            .map(|(a, n)| {
                let v = views_of(&a);
                (a, v, Some(n))
            })
            .collect();
        with_metadata(&state, site_id.as_str(), window, ranked).await
    };
    serve_list(&req, &state, build).await
}
