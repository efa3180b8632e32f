//! `POST /v1/moderation/filter/check` (dry run) and `/backtest` (what a word-list change
//! would have done to recent comments).

use actix_web::{HttpRequest, post, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::lexicon::NewEntry;
use super::staff;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::filter::{Action, FilterContext, Verdict};
use crate::routes::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterCheck {
    #[validate(length(min = 1, max = 64))]
    pub site: String,
    #[validate(length(min = 1, max = 8000))]
    pub text: String,
    #[validate(length(min = 2, max = 10))]
    pub lang: Option<String>,
}

/// The verdict for a text, as for an established commenter in good standing; nothing is stored.
#[utoipa::path(
    tag = "moderation",
    request_body = FilterCheck,
    security(("staff_key" = [])),
    responses((status = 200, body = Verdict), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem))
)]
#[post("/v1/moderation/filter/check")]
pub async fn filter_check(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<FilterCheck>,
) -> ApiResult<web::Json<Verdict>> {
    staff(&req, &state, Role::Moderator).await?;
    body.validate()?;
    let (site_id, site) = state.site(&body.site)?;
    let lang = body.lang.as_deref().unwrap_or(&site.lang);
    let ctx = FilterContext {
        lang: Some(lang),
        overrides: site.filter_overrides(),
        ..FilterContext::established(site_id.as_str())
    };
    Ok(web::Json(
        state
            .screening
            .check(state.store.as_ref(), &body.text, &ctx)
            .await?,
    ))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Backtest {
    #[validate(length(min = 1, max = 64))]
    pub site: String,
    #[serde(default)]
    #[validate(length(max = 100), nested)]
    pub add: Vec<NewEntry>,
    /// Ids of run-time entries to remove.
    #[serde(default)]
    #[validate(length(max = 100))]
    pub remove: Vec<Uuid>,
    /// Replay comments created since then (default: the last 7 days).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub since: Option<OffsetDateTime>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BacktestSample {
    pub comment_id: Uuid,
    pub excerpt: String,
    pub before: Action,
    pub after: Action,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BacktestResult {
    /// Comments replayed (at most 5,000, newest first).
    pub replayed: usize,
    /// Published before, held or rejected with the change.
    pub newly_held: usize,
    /// Held or rejected before, published with the change.
    pub newly_released: usize,
    pub samples: Vec<BacktestSample>,
}

const BACKTEST_LIMIT: i64 = 5000;
const SAMPLES: usize = 20;

#[utoipa::path(
    tag = "moderation",
    request_body = Backtest,
    security(("staff_key" = [])),
    responses((status = 200, body = BacktestResult), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem))
)]
#[post("/v1/moderation/filter/backtest")]
pub async fn filter_backtest(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<Backtest>,
) -> ApiResult<web::Json<BacktestResult>> {
    staff(&req, &state, Role::Moderator).await?;
    body.validate()?;
    let (site_id, site) = state.site(&body.site)?;
    let overrides = site.filter_overrides();
    let add = body
        .add
        .iter()
        .map(|e| e.to_row("backtest", state.clock.now()))
        .collect::<ApiResult<Vec<_>>>()?;
    let since = body
        .since
        .unwrap_or_else(|| state.clock.now() - time::Duration::days(7));
    let comments = state
        .store
        .comments_since(site_id.as_str(), since, BACKTEST_LIMIT)
        .await?;
    let (current, proposed) = state
        .screening
        .backtest_matchers(state.store.as_ref(), site_id.as_str(), add, &body.remove)
        .await?;
    let models = state
        .screening
        .models(site_id.as_str(), state.store.as_ref())
        .await?;
    let site_name = site_id.to_string();
    let result = tokio::task::spawn_blocking(move || {
        let judge = |matcher: &crate::filter::matcher::Matcher, text: &str| {
            let ctx = FilterContext {
                overrides,
                ..FilterContext::established(&site_name)
            };
            crate::filter::pipeline::Judge {
                matcher,
                models: &models,
            }
            .judge(text, &ctx)
            .action
        };
        let mut result = BacktestResult {
            replayed: comments.len(),
            newly_held: 0,
            newly_released: 0,
            samples: vec![],
        };
        for c in &comments {
            let (before, after) = (judge(&current, &c.body), judge(&proposed, &c.body));
            let was_public = before == Action::Publish;
            match (was_public, after == Action::Publish) {
                (true, false) => result.newly_held += 1,
                (false, true) => result.newly_released += 1,
                _ => continue,
            }
            if result.samples.len() < SAMPLES {
                let excerpt = c.body.chars().take(200).collect();
                result.samples.push(BacktestSample {
                    comment_id: c.id,
                    excerpt,
                    before,
                    after,
                });
            }
        }
        result
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(web::Json(result))
}
