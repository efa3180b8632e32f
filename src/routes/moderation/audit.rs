//! `GET /v1/moderation/audit`: the append-only log of every staff action, newest first.

use actix_web::{HttpRequest, get, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::staff;
use super::views::AuditEntry;
use crate::domain::{Role, seal, unseal};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::storage::AuditQuery;
use crate::storage::moderation::unix_ms;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    #[validate(length(min = 1, max = 64))]
    pub site: Option<String>,
    /// A staff key's id, or its name.
    #[validate(length(min = 1, max = 200))]
    pub actor: Option<String>,
    /// Only entries at or after this time (RFC 3339).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub since: Option<OffsetDateTime>,
    /// e.g. `comment.reject`, `commenter.banned`, `lexicon.add`, `article.put`.
    #[validate(length(min = 1, max = 64))]
    pub action: Option<String>,
    /// `comment`, `commenter`, `article` or `lexicon_entry`; with `target_id`.
    #[validate(length(min = 1, max = 32))]
    pub target_kind: Option<String>,
    #[validate(length(min = 1, max = 200))]
    pub target_id: Option<String>,
    /// 1 to 200, default 50.
    #[validate(range(min = 1, max = 200))]
    pub limit: Option<i64>,
    #[validate(length(max = 200))]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(tag = "moderation", params(AuditParams), security(("staff_key" = [])),
    responses((status = 200, body = AuditPage), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)))]
#[get("/v1/moderation/audit")]
pub async fn audit_log(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<AuditParams>,
) -> ApiResult<web::Json<AuditPage>> {
    staff(&req, &state, Role::Moderator).await?;
    params.validate()?;
    let key = &state.keys.cursor;
    let before_id = match &params.cursor {
        Some(raw) => Some(
            unseal(raw, key)
                .and_then(|p| p.strip_prefix("audit:").and_then(|id| Uuid::parse_str(id).ok()))
                .ok_or_else(|| {
                    ApiError::bad_request("invalid_cursor", "the cursor is not one this server issued")
                })?,
        ),
        None => None,
    };
    let target = match (&params.target_kind, &params.target_id) {
        (Some(kind), Some(id)) => Some((kind.clone(), id.clone())),
        (None, None) => None,
        _ => {
            return Err(ApiError::field(
                "target_id",
                "incomplete",
                "give target_kind and target_id together",
            ));
        }
    };
    let (actor_id, actor_name) = match params.actor.as_deref().map(Uuid::parse_str) {
        Some(Ok(id)) => (Some(id), None),
        Some(Err(_)) => (None, params.actor.clone()),
        None => (None, None),
    };
    let limit = params.limit.unwrap_or(50);
    let mut rows = state
        .store
        .audit(&AuditQuery {
            site: params.site.clone(),
            actor_id,
            actor_name,
            action: params.action.clone(),
            target,
            since_ms: params.since.map(unix_ms),
            before_id,
            limit: limit + 1,
        })
        .await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = has_more
        .then(|| rows.last())
        .flatten()
        .map(|r| seal(&format!("audit:{}", r.id.simple()), key));
    Ok(web::Json(AuditPage {
        entries: rows.into_iter().map(AuditEntry::from).collect(),
        next_cursor,
    }))
}
