//! One error type for the HTTP API, answered as RFC 9457 `application/problem+json` with a
//! stable `code`. Internal causes are logged with their full chain and never sent to clients.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::storage::StoreError;

/// A field that failed validation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be understood (malformed JSON, bad query string, bad cursor).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// 422: well-formed, but fields are invalid.
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// 401: credentials missing, malformed, expired or forged.
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// 403: known, but not allowed (closed article, banned commenter, wrong role).
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    /// 404: unknown site, article, comment or route.
    #[error("{detail}")]
    NotFound { code: &'static str, detail: String },
    /// 405: the route exists, but not with this method; `allow` lists the methods it has.
    #[error("this route answers {allow} only")]
    MethodNotAllowed { allow: String },
    /// 409: conflicts with the current state (already reported, idempotency key reused).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// 413: body over the limit.
    #[error("request body too large")]
    PayloadTooLarge,
    /// 414: path or query string over its bound.
    #[error("the path or query string is too long")]
    UriTooLong,
    /// 415: not JSON.
    #[error("expected application/json")]
    UnsupportedMediaType,
    /// 429: rate limited; retry after the given time.
    #[error("too many requests")]
    RateLimited { retry_after: Duration },
    /// 503: a backing service is down; retry shortly.
    #[error("service unavailable")]
    Unavailable,
    /// 500: a bug or an unexpected failure. Logged, never described to the client.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
        }
    }
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Unauthorized {
            code,
            detail: detail.into(),
        }
    }
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            detail: detail.into(),
        }
    }
    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            detail: detail.into(),
        }
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }])
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::NotFound { code, .. }
            | Self::Conflict { code, .. } => code,
            Self::Invalid(_) => "validation_failed",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UriTooLong => "uri_too_long",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }
}

/// The problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let detail = match self {
            Self::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                "an unexpected error occurred; it has been logged".to_string()
            }
            Self::Unavailable => "a backing service is unavailable; retry shortly".to_string(),
            other => other.to_string(),
        };
        let problem = Problem {
            kind: format!("https://majlis.dev/problems/{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            code: self.code().to_string(),
            detail,
            errors: match self {
                Self::Invalid(errors) => errors.clone(),
                _ => Vec::new(),
            },
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        match self {
            Self::RateLimited { retry_after } => {
                // Round up: retrying a fraction of a second early would be refused again.
                let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                response.insert_header((header::RETRY_AFTER, secs.max(1).to_string()));
            }
            Self::Unavailable => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            Self::MethodNotAllowed { allow } => {
                if let Ok(value) = HeaderValue::from_str(allow) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            _ => {}
        }
        response.body(serde_json::to_string(&problem).unwrap_or_default())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found("not_found", "no such resource"),
            StoreError::Conflict(code) => Self::conflict(code, code.replace('_', " ")),
            StoreError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable");
                Self::Unavailable
            }
            StoreError::Other(cause) => Self::Internal(cause),
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields: Vec<FieldError> = errors
            .field_errors()
            .into_iter()
            .flat_map(|(field, errs)| {
                errs.iter().map(move |e| FieldError {
                    field: field.to_string(),
                    code: e.code.to_string(),
                    message: e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| e.code.to_string()),
                })
            })
            .collect();
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        Self::Invalid(fields)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
