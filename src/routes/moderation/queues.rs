//! `GET /v1/moderation/queues` (counts) and `GET /v1/moderation/queues/{queue}` (items).

use std::collections::BTreeMap;

use actix_web::{HttpRequest, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::staff;
use super::views::{QueueItem, by_comment};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::moderation::depth::thresholds;
use crate::moderation::{Queue, QueueCursor, QueueOrder};
use crate::routes::comments::parse_article;
use crate::state::AppState;
use crate::storage::QueueQuery;
use crate::storage::moderation::unix_ms;

/// The queue named in a path, or `404 queue_not_found`.
pub fn parse_queue(raw: &str) -> ApiResult<Queue> {
    Queue::parse(raw).ok_or_else(|| {
        ApiError::not_found(
            "queue_not_found",
            "queues are pending, reported, spam and rejected",
        )
    })
}

/// Which items of a queue: by site, article (of that site) and section; in which order.
#[derive(Debug, Default)]
pub struct QueueFilter {
    pub site: Option<String>,
    /// Needs `site`: article ids are the CMS's, unique within a site.
    pub article: Option<String>,
    pub section: Option<String>,
    pub order: QueueOrder,
}

impl QueueFilter {
    /// The store's query for `queue`; unknown sites and articles are `404`.
    pub fn to_query(&self, state: &AppState, queue: Queue, limit: i64) -> ApiResult<QueueQuery> {
        let site = match &self.site {
            Some(raw) => Some(state.site(raw)?.0.to_string()),
            None => None,
        };
        let article = match (&self.article, &site) {
            (Some(raw), Some(_)) => Some(parse_article(raw)?.to_string()),
            (Some(_), None) => {
                return Err(ApiError::field("article", "needs_site", "filter by site too"));
            }
            (None, _) => None,
        };
        Ok(QueueQuery {
            queue,
            order: self.order,
            site,
            article,
            section: self.section.clone(),
            after: None,
            limit,
            thresholds: thresholds(&state.settings),
        })
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QueueParams {
    #[validate(length(min = 1, max = 64))]
    pub site: Option<String>,
    /// Needs `site`.
    #[validate(length(min = 1, max = 200))]
    pub article: Option<String>,
    #[validate(length(min = 1, max = 100))]
    pub section: Option<String>,
    #[serde(default)]
    pub order: QueueOrder,
    /// 1 to 100, default 20.
    #[validate(range(min = 1, max = 100))]
    pub limit: Option<i64>,
    #[validate(length(max = 200))]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueCounts {
    /// Every site together: `{pending, reported, spam, rejected}`.
    pub queues: BTreeMap<String, i64>,
    /// The same per site.
    pub sites: BTreeMap<String, BTreeMap<String, i64>>,
}

#[utoipa::path(tag = "moderation", security(("staff_key" = [])),
    responses((status = 200, body = QueueCounts), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/v1/moderation/queues")]
pub async fn queue_counts(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<web::Json<QueueCounts>> {
    staff(&req, &state, Role::Moderator).await?;
    let counts = state.store.queue_counts(&thresholds(&state.settings)).await?;
    let zero = || Queue::ALL.iter().map(|q| (q.as_str().to_string(), 0)).collect();
    let mut all: BTreeMap<String, i64> = zero();
    let mut sites: BTreeMap<String, BTreeMap<String, i64>> =
        state.settings.sites.keys().map(|s| (s.clone(), zero())).collect();
    for (site, queue, n) in counts {
        *all.entry(queue.as_str().into()).or_default() += n;
        *sites
            .entry(site)
            .or_insert_with(zero)
            .entry(queue.as_str().into())
            .or_default() += n;
    }
    Ok(web::Json(QueueCounts { queues: all, sites }))
}

#[utoipa::path(tag = "moderation", params(("queue" = String, Path), QueueParams), security(("staff_key" = [])),
    responses((status = 200, body = QueuePage), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/v1/moderation/queues/{queue}")]
pub async fn list_queue(
    req: HttpRequest,
    state: web::Data<AppState>,
    queue: web::Path<String>,
    params: web::Query<QueueParams>,
) -> ApiResult<web::Json<QueuePage>> {
    staff(&req, &state, Role::Moderator).await?;
    let queue = parse_queue(&queue)?;
    params.validate()?;
    let limit = params.limit.unwrap_or(20);
    let order = params.order;
    let key = &state.keys.cursor;
    let filter = QueueFilter {
        site: params.site.clone(),
        article: params.article.clone(),
        section: params.section.clone(),
        order,
    };
    let mut query = filter.to_query(&state, queue, limit + 1)?;
    if let Some(raw) = &params.cursor {
        query.after = Some(QueueCursor::decode(raw, queue, order, key).ok_or_else(|| {
            ApiError::bad_request("invalid_cursor", "the cursor is not one this server issued")
        })?);
    }
    let now_ms = unix_ms(state.clock.now());
    let mut rows = state.store.queue_page(&query).await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = has_more.then(|| rows.last()).flatten().map(|r| {
        QueueCursor {
            score: r.priority,
            id: r.comment.id,
        }
        .encode(queue, order, key)
    });
    let ids: Vec<_> = rows.iter().map(|r| r.comment.id).collect();
    let reports = state.store.reports_of(&ids, false).await?;
    let grouped = by_comment(&reports);
    let items = rows
        .iter()
        .map(|r| QueueItem::build(r, &grouped, now_ms))
        .collect();
    Ok(web::Json(QueuePage { items, next_cursor }))
}
