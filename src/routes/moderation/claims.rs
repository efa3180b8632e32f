//! `POST /v1/moderation/queues/{queue}/claim`: up to `limit` items nobody holds, for this
//! moderator, for a lease. Two moderators never get the same item; an item whose lease ran
//! out is claimable again (no sweeper: every query treats an expired claim as none).

use actix_web::{HttpRequest, post, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use super::queues::{QueueFilter, parse_queue};
use super::staff;
use super::views::{QueueItem, by_comment};
use crate::domain::Role;
use crate::error::{ApiResult, Problem};
use crate::moderation::QueueOrder;
use crate::routes::ApiJson;
use crate::state::AppState;
use crate::storage::moderation::unix_ms;

/// Long enough to read a thread and decide, short enough that an abandoned claim (a closed
/// tab) returns to the queue before anyone waits on it.
pub const DEFAULT_LEASE_SECS: i64 = 300;

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// 1 to 50, default 10.
    #[validate(range(min = 1, max = 50))]
    pub limit: Option<i64>,
    #[validate(length(min = 1, max = 64))]
    pub site: Option<String>,
    #[validate(length(min = 1, max = 200))]
    pub article: Option<String>,
    #[validate(length(min = 1, max = 100))]
    pub section: Option<String>,
    #[serde(default)]
    pub order: QueueOrder,
    /// 30 to 3600 seconds, default 300.
    #[validate(range(min = 30, max = 3600))]
    pub lease_secs: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Claimed {
    pub items: Vec<QueueItem>,
    #[serde(with = "time::serde::rfc3339")]
    pub lease_expires_at: OffsetDateTime,
}

#[utoipa::path(tag = "moderation", params(("queue" = String, Path)), request_body = ClaimRequest,
    security(("staff_key" = [])),
    responses((status = 200, body = Claimed), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/v1/moderation/queues/{queue}/claim")]
pub async fn claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    queue: web::Path<String>,
    body: ApiJson<ClaimRequest>,
) -> ApiResult<web::Json<Claimed>> {
    let key = staff(&req, &state, Role::Moderator).await?;
    let queue = parse_queue(&queue)?;
    body.validate()?;
    let filter = QueueFilter {
        site: body.site.clone(),
        article: body.article.clone(),
        section: body.section.clone(),
        order: body.order,
    };
    let query = filter.to_query(&state, queue, body.limit.unwrap_or(10))?;
    let now = state.clock.now();
    let expires = now + time::Duration::seconds(body.lease_secs.unwrap_or(DEFAULT_LEASE_SECS));
    let (now_ms, until_ms) = (unix_ms(now), unix_ms(expires));
    let rows = state.store.claim(&query, key.id, now_ms, until_ms).await?;
    let ids: Vec<_> = rows.iter().map(|r| r.comment.id).collect();
    let reports = state.store.reports_of(&ids, false).await?;
    let grouped = by_comment(&reports);
    Ok(web::Json(Claimed {
        items: rows
            .iter()
            .map(|r| QueueItem::build(r, &grouped, now_ms))
            .collect(),
        lease_expires_at: expires,
    }))
}
