//! Extractor settings: body limits and problem+json answers for bodies, queries and paths
//! that do not parse.

use actix_web::dev::Payload;
use actix_web::error::{PathError, QueryPayloadError};
use actix_web::http::header;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// Comment bodies are at most 2,000 characters; 16 KB leaves room for the rest of the JSON.
pub const JSON_LIMIT: usize = 16 * 1024;

/// A JSON body with problem+json errors that name the offending field (`body`, `tags[2]`),
/// using the path serde reached when it failed.
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiJson<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req.mime_type().ok().flatten().is_some_and(|m| {
            m.type_() == mime::APPLICATION && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
        });
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            if declared.is_some_and(|len| len > JSON_LIMIT) {
                return Err(ApiError::PayloadTooLarge);
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| ApiError::bad_request("malformed_body", e.to_string()))?;
                if body.len() + chunk.len() > JSON_LIMIT {
                    return Err(ApiError::PayloadTooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(ApiJson)
        })
    }
}

/// Deserializes the whole body (trailing garbage is an error) and, when it fails, reports
/// the path serde had reached: a bad value inside the object names its field.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        // serde_json reports a number where an enum's string belongs as a syntax error
        // ("expected value"); inside the object that is a wrong value for a field.
        let wrong_value = inner.is_syntax() && path != "." && inner.to_string().starts_with("expected value");
        if inner.is_data() || wrong_value {
            ApiError::Invalid(vec![field_error(&path, &inner)])
        } else {
            ApiError::bad_request("malformed_json", inner.to_string())
        }
    })?;
    de.end()
        .map_err(|e| ApiError::bad_request("malformed_json", e.to_string()))?;
    Ok(value)
}

/// The field is serde's path where it failed. For a missing field the path is the object
/// that lacks it, and serde names the field in its message.
fn field_error(path: &str, e: &serde_json::Error) -> FieldError {
    let message = e.to_string();
    let named = || message.split('`').nth(1).unwrap_or("").to_string();
    let (code, field) = if message.starts_with("missing field") {
        (
            "required",
            if path == "." {
                named()
            } else {
                format!("{path}.{}", named())
            },
        )
    } else if message.starts_with("unknown field") {
        ("unknown_field", path.to_string())
    } else {
        (
            "invalid_type",
            if path == "." {
                String::new()
            } else {
                path.to_string()
            },
        )
    };
    FieldError {
        field,
        code: code.into(),
        message,
    }
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::bad_request("invalid_query", err.to_string()).into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|err: PathError, _req| ApiError::not_found("not_found", err.to_string()).into())
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(req: &actix_web::HttpRequest, trusted_proxies: &[String]) -> String {
    let peer = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    forwarded
        .rsplit(',')
        .map(str::trim)
        .find(|hop| !hop.is_empty() && !trusted_proxies.iter().any(|p| p == hop))
        .map(str::to_string)
        .unwrap_or(peer)
}
