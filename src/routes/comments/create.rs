//! `POST /v1/sites/{site}/articles/{article}/comments`

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::parse_article;
use crate::comments::submit::{NewSubmission, submit};
use crate::comments::view::CommentView;
use crate::comments::viewer::identify;
use crate::error::{ApiError, ApiResult, Problem};
use crate::routes::ApiJson;
use crate::routes::client_ip;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComment {
    /// Plain text, 1 to 2,000 characters after trimming.
    // An upper bound on the raw text only: `CommentBody::parse` counts after trimming and
    // answers an empty body with the `empty` code, the same for `""` and for spaces.
    #[validate(length(max = 8000))]
    pub body: String,
    pub parent_id: Option<Uuid>,
    /// A guest's display name (required on a guest's first post).
    #[validate(length(max = 200))]
    pub author_name: Option<String>,
    /// The widget's honeypot field: people leave it empty.
    #[validate(length(max = 1000))]
    pub hp: Option<String>,
    /// How long the form was open, in milliseconds.
    #[validate(range(min = 0, max = 86_400_000))]
    pub form_ms: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedComment {
    #[serde(flatten)]
    pub comment: CommentView,
    /// Only on a guest's first post: send it back as `Authorization: Guest <token>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_token: Option<String>,
}

#[utoipa::path(
    tag = "comments",
    params(("site" = String, Path), ("article" = String, Path),
           ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key create one comment")),
    request_body = CreateComment,
    responses((status = 201, body = CreatedComment), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
              (status = 429, body = Problem))
)]
#[post("/v1/sites/{site}/articles/{article}/comments")]
pub async fn create_comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: ApiJson<CreateComment>,
) -> ApiResult<HttpResponse> {
    let (site_raw, article_raw) = path.into_inner();
    let (site_id, site) = state.site(&site_raw)?;
    let article_id = parse_article(&article_raw)?;
    body.validate()?;
    let identity = identify(&req, &state, site_id.as_str(), site)?;
    let idempotency_key = match req.headers().get("idempotency-key") {
        Some(v) => Some(
            v.to_str()
                .ok()
                .filter(|k| (1..=128).contains(&k.len()))
                .ok_or_else(|| {
                    ApiError::bad_request("invalid_idempotency_key", "use 1 to 128 visible characters")
                })?
                .to_string(),
        ),
        None => None,
    };
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let submission = NewSubmission {
        site_id: &site_id,
        article_id: &article_id,
        request: body.into_inner(),
        identity,
        idempotency_key,
        ip_hash: state.keys.hash_ip(&ip),
    };
    let created = submit(&state, submission).await?;
    Ok(HttpResponse::Created().json(created))
}
