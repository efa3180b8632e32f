//! `GET /v1/sites/{site}/articles/{article}/related?limit=`: related stories. Candidates come
//! in tiers: the same story, shared tags, the same section, what the article's readers also
//! read, then the whole site (so an article with no metadata, or a quiet section, still gets
//! a box); within a tier, by views in the last 24 hours boosted by co-reading. Never the
//! article itself.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ArticleList, parse_limit, serve_list, with_metadata};
use crate::error::{ApiResult, Problem};
use crate::popularity::{Scope, Window, rank_related};
use crate::routes::comments::parse_article;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RelatedParams {
    /// 1 to 50, default 10.
    pub limit: Option<i64>,
}

#[utoipa::path(
    tag = "popularity",
    params(("site" = String, Path), ("article" = String, Path), RelatedParams),
    responses((status = 200, body = ArticleList), (status = 304, description = "Not modified"),
              (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
              (status = 503, body = Problem))
)]
#[get("/v1/sites/{site}/articles/{article}/related")]
pub async fn related(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    params: web::Query<RelatedParams>,
) -> ApiResult<HttpResponse> {
    let (site_raw, article_raw) = path.into_inner();
    let (site_id, _) = state.site(&site_raw)?;
    let article_id = parse_article(&article_raw)?;
    let limit = parse_limit(params.limit)?;
    let (site, article) = (site_id.as_str(), article_id.as_str());
    let now = state.clock.now();
    let build = async {
        let meta = state.store.article(site, article).await?;
        let mut scopes: Vec<Vec<Scope>> = vec![Vec::new(), Vec::new(), Vec::new()];
        if let Some(meta) = &meta {
            scopes[0].extend(meta.story.clone().map(Scope::Story));
            scopes[1].extend(meta.tag_list().into_iter().map(Scope::Tag));
            scopes[2].extend(meta.section.clone().map(Scope::Section));
        }
        let popularity = &state.popularity;
        let mut views: HashMap<String, u64> = HashMap::new();
        let mut tiers: Vec<Vec<String>> = Vec::new();
        for tier_scopes in scopes {
            let mut tier = Vec::new();
            for scope in tier_scopes {
                let ranking = popularity.ranking(site, &scope, Window::Day, now).await?;
                take_views(&mut views, &ranking);
                tier.extend(ranking.iter().map(|(a, _)| a.clone()));
            }
            tiers.push(tier);
        }
        let also_read = popularity.also_read(site, article, now).await?;
        tiers.push(also_read.iter().map(|(a, _)| a.clone()).collect());
        let site_ranking = popularity.ranking(site, &Scope::Site, Window::Day, now).await?;
        take_views(&mut views, &site_ranking);
        tiers.push(site_ranking.iter().map(|(a, _)| a.clone()).collect());
        let co_reads: HashMap<String, u64> = also_read.iter().cloned().collect();
        let ranked = rank_related(article, &tiers, &views, &co_reads, limit)
            .into_iter()
            .map(|(a, n)| (a, n, None))
            .collect();
        with_metadata(&state, site, Window::Day, ranked).await
    };
    serve_list(&req, &state, build).await
}

/// An article's 24-hour views: the largest count any ranking gives it (the site's counts
/// every view, but keeps only its top articles).
fn take_views(views: &mut HashMap<String, u64>, ranking: &[(String, u64)]) {
    for (a, n) in ranking {
        let v = views.entry(a.clone()).or_default();
        *v = (*v).max(*n);
    }
}
