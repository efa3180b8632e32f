//! `GET /v1/moderation/users/{site}/{user}` (a commenter's history) and `POST …/status`
//! (sanctions: active, premod, suspended until a time, banned; a ban or suspension may also
//! reject the commenter's recent comments, in the same transaction).
//! `{user}` is the commenter's id (as in `author.id`) or their external id on the site.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, get, post, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::staff;
use super::views::{AuditEntry, ModComment};
use crate::domain::{CommenterStatus, Role};
use crate::error::{ApiError, ApiResult, Problem};
use crate::moderation::effects;
use crate::routes::ApiJson;
use crate::state::AppState;
use crate::storage::{Actor, AuditQuery, Commenter, Sanction};

/// Comments shown in the history view.
const RECENT: i64 = 20;

#[derive(Debug, Serialize, ToSchema)]
pub struct CommenterView {
    pub id: Uuid,
    pub site: String,
    pub external_id: String,
    pub name: String,
    pub is_guest: bool,
    /// The status in force now (a suspension that has run out reads `active`).
    pub status: CommenterStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub status_until: Option<OffsetDateTime>,
    pub status_reason: Option<String>,
    pub approved_count: i64,
    pub rejected_count: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl CommenterView {
    fn new(c: &Commenter, now: OffsetDateTime) -> Self {
        let status = c.status_at(now);
        Self {
            id: c.id,
            site: c.site.clone(),
            external_id: c.external_id.clone(),
            name: c.name.clone(),
            is_guest: c.is_guest,
            status,
            status_until: c.status_until.filter(|_| status == CommenterStatus::Suspended),
            status_reason: c.status_reason.clone(),
            approved_count: c.approved_count,
            rejected_count: c.rejected_count,
            created_at: c.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommenterHistory {
    pub commenter: CommenterView,
    /// How many of their comments are in each status.
    pub comments_by_status: BTreeMap<String, i64>,
    /// Their latest comments, newest first.
    pub recent: Vec<ModComment>,
    /// Sanctions and other staff actions on the commenter, newest first.
    pub sanctions: Vec<AuditEntry>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    pub status: CommenterStatus,
    /// Required for `suspended` (a future time), refused otherwise.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<OffsetDateTime>,
    #[validate(length(min = 1, max = 500))]
    pub reason: String,
    /// With `banned` or `suspended`: also reject their comments of the last N hours (1–720).
    #[validate(range(min = 1, max = 720))]
    pub reject_recent_hours: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusAnswer {
    pub commenter: CommenterView,
    /// The comments rejected with the sanction.
    pub rejected: Vec<Uuid>,
}

/// The commenter named in the path, on that site.
pub(super) async fn find(state: &AppState, site_raw: &str, user: &str) -> ApiResult<Commenter> {
    let site = state.site(site_raw)?.0;
    let not_found = || ApiError::not_found("commenter_not_found", "no such commenter on this site");
    if user.is_empty() || user.len() > 200 {
        return Err(not_found());
    }
    let by_id = match Uuid::parse_str(user) {
        Ok(id) => state.store.commenter(id).await?,
        Err(_) => None,
    };
    let found = match by_id.filter(|c| c.site == site.as_str()) {
        Some(c) => Some(c),
        None => state.store.commenter_by_external_id(site.as_str(), user).await?,
    };
    found.ok_or_else(not_found)
}

#[utoipa::path(tag = "moderation", params(("site" = String, Path), ("user" = String, Path)),
    security(("staff_key" = [])),
    responses((status = 200, body = CommenterHistory), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[get("/v1/moderation/users/{site}/{user}")]
pub async fn commenter_history(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<CommenterHistory>> {
    staff(&req, &state, Role::Moderator).await?;
    let c = find(&state, &path.0, &path.1).await?;
    let counts = state.store.commenter_status_counts(c.id).await?;
    let recent = state.store.commenter_comments(c.id, RECENT).await?;
    let sanctions = state
        .store
        .audit(&AuditQuery {
            target: Some(("commenter".into(), c.id.to_string())),
            limit: 100,
            ..AuditQuery::default()
        })
        .await?;
    Ok(web::Json(CommenterHistory {
        commenter: CommenterView::new(&c, state.clock.now()),
        comments_by_status: counts.into_iter().collect(),
        recent: recent.iter().map(ModComment::from).collect(),
        sanctions: sanctions.into_iter().map(AuditEntry::from).collect(),
    }))
}

#[utoipa::path(tag = "moderation", params(("site" = String, Path), ("user" = String, Path)),
    request_body = StatusRequest, security(("staff_key" = [])),
    responses((status = 200, body = StatusAnswer), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/v1/moderation/users/{site}/{user}/status")]
pub async fn set_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: ApiJson<StatusRequest>,
) -> ApiResult<web::Json<StatusAnswer>> {
    let key = staff(&req, &state, Role::Moderator).await?;
    body.validate()?;
    let now = state.clock.now();
    match (body.status, body.until) {
        (CommenterStatus::Suspended, Some(until)) if until > now => {}
        (CommenterStatus::Suspended, _) => {
            return Err(ApiError::field(
                "until",
                "required",
                "a suspension needs a future end time",
            ));
        }
        (_, Some(_)) => {
            return Err(ApiError::field(
                "until",
                "not_allowed",
                "only a suspension has an end time",
            ));
        }
        (_, None) => {}
    }
    let sweeping = matches!(body.status, CommenterStatus::Banned | CommenterStatus::Suspended);
    if body.reject_recent_hours.is_some() && !sweeping {
        return Err(ApiError::field(
            "reject_recent_hours",
            "not_allowed",
            "only a ban or a suspension rejects recent comments",
        ));
    }
    let reason = body.reason.trim();
    if reason.is_empty() {
        return Err(ApiError::field("reason", "required", "say why"));
    }
    let c = find(&state, &path.0, &path.1).await?;
    let done = state
        .store
        .sanction(&Sanction {
            commenter: c.id,
            status: body.status,
            until: body.until,
            reason: reason.to_string(),
            reject_since: body.reject_recent_hours.map(|h| now - time::Duration::hours(h)),
            actor: Actor::from(&key),
            now,
        })
        .await?;
    for (before, row) in &done.rejected {
        effects::status_changed(&state, *before, row).await;
        state
            .metrics
            .moderation_decisions
            .with_label_values(&[row.site.as_str(), "reject"])
            .inc();
    }
    Ok(web::Json(StatusAnswer {
        commenter: CommenterView::new(&done.after, now),
        rejected: done.rejected.iter().map(|(_, r)| r.id).collect(),
    }))
}
