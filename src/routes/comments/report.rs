//! `POST /v1/comments/{id}/reports`: one report per commenter and comment.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{active_commenter, find_comment, require_identity};
use crate::domain::CommentStatus;
use crate::error::{ApiError, ApiResult, Problem};
use crate::routes::ApiJson;
use crate::state::AppState;
use crate::storage::NewReport;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    Abuse,
    OffTopic,
    Other,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReport {
    pub reason: ReportReason,
    #[validate(length(max = 500))]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportReceived {
    pub id: Uuid,
    pub comment_id: Uuid,
}

#[utoipa::path(
    tag = "comments",
    params(("id" = Uuid, Path)),
    request_body = CreateReport,
    responses((status = 201, body = ReportReceived), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem))
)]
#[post("/v1/comments/{id}/reports")]
pub async fn report_comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ApiJson<CreateReport>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let comment = find_comment(&state, &id).await?;
    let identity = require_identity(&req, &state, &comment.site)?;
    let (reporter, _) = active_commenter(&state, &comment.site, &identity).await?;
    if comment.status() != CommentStatus::Published {
        return Err(ApiError::conflict(
            "not_published",
            "only published comments can be reported",
        ));
    }
    let reason = serde_json::to_value(body.reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let report = NewReport {
        id: Uuid::now_v7(),
        comment_id: comment.id,
        reporter_id: reporter.id,
        reason,
        note: body
            .note
            .as_ref()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        created_at: state.clock.now(),
    };
    state.store.insert_report(&report).await?;
    Ok(HttpResponse::Created().json(ReportReceived {
        id: report.id,
        comment_id: comment.id,
    }))
}
