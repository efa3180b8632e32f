//! `POST /v1/moderation/comments/{id}/decision` and `POST /v1/moderation/decisions` (bulk).
//! Each decision is one transaction (status, counters, trust, reports, audit); then the live
//! event, the classifier and the metrics. A bulk request answers every item on its own: one
//! stale item does not undo the others.

use actix_web::{HttpRequest, ResponseError, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::staff;
use super::views::ModComment;
use crate::domain::{CommentStatus, Role};
use crate::error::{ApiError, ApiResult, Problem};
use crate::moderation::{DecisionAction, RejectReason, effects};
use crate::routes::ApiJson;
use crate::state::AppState;
use crate::storage::{Actor, Decision, StaffKey, StoreError};

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub action: DecisionAction,
    /// Required with `reject`, refused with the other actions.
    pub reason: Option<RejectReason>,
    #[validate(length(min = 1, max = 1000))]
    pub note: Option<String>,
    /// `409 stale_status` unless the comment is still in this status.
    pub expected_status: Option<CommentStatus>,
    /// Decide on an item another moderator has claimed (audited).
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkItem {
    #[validate(length(max = 64))]
    pub comment_id: String,
    pub action: DecisionAction,
    pub reason: Option<RejectReason>,
    #[validate(length(min = 1, max = 1000))]
    pub note: Option<String>,
    pub expected_status: Option<CommentStatus>,
    #[serde(default)]
    pub force: bool,
}

impl BulkItem {
    fn decision(&self) -> DecisionRequest {
        DecisionRequest {
            action: self.action,
            reason: self.reason,
            note: self.note.clone(),
            expected_status: self.expected_status,
            force: self.force,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// 1 to 100 decisions.
    #[validate(length(min = 1, max = 100), nested)]
    pub decisions: Vec<BulkItem>,
}

/// One item's answer: the comment, or the problem (`status` and `code` as a single decision
/// would have answered).
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    pub comment_id: String,
    pub status: u16,
    pub comment: Option<ModComment>,
    pub code: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkAnswer {
    pub results: Vec<BulkResult>,
}

/// Checks, decides, and runs what follows.
async fn decide(
    state: &AppState,
    key: &StaffKey,
    raw_id: &str,
    req: &DecisionRequest,
) -> ApiResult<ModComment> {
    match (req.action, req.reason) {
        (DecisionAction::Reject, None) => {
            return Err(ApiError::field(
                "reason",
                "required",
                "a rejection needs a reason code",
            ));
        }
        (DecisionAction::Reject, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(ApiError::field(
                "reason",
                "not_allowed",
                "only a rejection takes a reason",
            ));
        }
    }
    let not_found = || ApiError::not_found("comment_not_found", "no such comment");
    let id = Uuid::parse_str(raw_id).map_err(|_| not_found())?;
    let decision = Decision {
        comment: id,
        action: req.action,
        expected: req.expected_status,
        force: req.force,
        reason: req.reason,
        note: req
            .note
            .as_ref()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        actor: Actor::from(key),
        now: state.clock.now(),
    };
    let decided = state.store.decide(&decision).await.map_err(|e| match e {
        StoreError::NotFound => not_found(),
        StoreError::Conflict("stale_status") => {
            ApiError::conflict("stale_status", "the comment is no longer in the expected status")
        }
        StoreError::Conflict("claimed_by_other") => ApiError::conflict(
            "claimed_by_other",
            "another moderator has claimed this comment; send force: true to decide anyway",
        ),
        StoreError::Conflict("decision_not_applicable") => ApiError::conflict(
            "decision_not_applicable",
            "this action does not apply to the comment in its current status",
        ),
        other => other.into(),
    })?;
    effects::after_decision(state, &decided, req.action, req.reason).await;
    Ok(ModComment::from(&decided.after))
}

#[utoipa::path(tag = "moderation", params(("id" = Uuid, Path)), request_body = DecisionRequest,
    security(("staff_key" = [])),
    responses((status = 200, body = ModComment), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/v1/moderation/comments/{id}/decision")]
pub async fn decide_one(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ApiJson<DecisionRequest>,
) -> ApiResult<web::Json<ModComment>> {
    let key = staff(&req, &state, Role::Moderator).await?;
    body.validate()?;
    Ok(web::Json(decide(&state, &key, &id, &body).await?))
}

#[utoipa::path(tag = "moderation", request_body = BulkRequest, security(("staff_key" = [])),
    responses((status = 200, body = BulkAnswer), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
#[post("/v1/moderation/decisions")]
pub async fn decide_many(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<BulkRequest>,
) -> ApiResult<web::Json<BulkAnswer>> {
    let key = staff(&req, &state, Role::Moderator).await?;
    body.validate()?;
    let mut results = Vec::with_capacity(body.decisions.len());
    for item in &body.decisions {
        let result = match decide(&state, &key, &item.comment_id, &item.decision()).await {
            Ok(comment) => BulkResult {
                comment_id: item.comment_id.clone(),
                status: 200,
                comment: Some(comment),
                code: None,
                detail: None,
            },
            Err(e) => BulkResult {
                comment_id: item.comment_id.clone(),
                status: e.status_code().as_u16(),
                comment: None,
                code: Some(e.code().to_string()),
                // Internal causes are logged, never sent (as for a single request).
                detail: Some(match e {
                    ApiError::Internal(cause) => {
                        tracing::error!(error = ?cause, "bulk decision failed");
                        "an unexpected error occurred; it has been logged".to_string()
                    }
                    other => other.to_string(),
                }),
            },
        };
        results.push(result);
    }
    Ok(web::Json(BulkAnswer { results }))
}
