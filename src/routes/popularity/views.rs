//! `POST /v1/sites/{site}/articles/{article}/views`: the widget's view beacon
//! (`navigator.sendBeacon`). Every well-formed beacon answers `204` at once: the view joins
//! the in-process batch, and whether it counts (bots, duplicates) is never told, so the
//! page never waits and a bot learns nothing.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt as _;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, Problem};
use crate::popularity::View;
use crate::routes::client_ip;
use crate::routes::comments::parse_article;
use crate::routes::extract::parse_json;
use crate::state::AppState;

/// A beacon body is tiny; anything bigger is not one.
pub const BEACON_LIMIT: usize = 1024;
pub const MAX_VISITOR_CHARS: usize = 64;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewBeacon {
    /// The widget's opaque reader id (1 to 64 characters). Without it, the reader is a keyed
    /// hash of address and User-Agent.
    pub visitor: Option<String>,
}

#[utoipa::path(
    tag = "popularity",
    params(("site" = String, Path), ("article" = String, Path)),
    request_body(content = ViewBeacon, description = "JSON, sent as application/json or text/plain (sendBeacon); may be empty"),
    responses((status = 204, description = "Received (counted or not)"), (status = 400, body = Problem),
              (status = 404, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
              (status = 422, body = Problem))
)]
#[post("/v1/sites/{site}/articles/{article}/views")]
pub async fn record_view(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let (site_raw, article_raw) = path.into_inner();
    let (site_id, _) = state.site(&site_raw)?;
    let article_id = parse_article(&article_raw)?;
    let beacon = read_beacon(&req, payload).await?;
    let site = site_id.as_str();
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let popularity = &state.popularity;
    if popularity.is_bot(user_agent) {
        popularity.count_bot(site);
        return Ok(HttpResponse::NoContent().finish());
    }
    let visitor = match &beacon.visitor {
        Some(id) => state.keys.hash_visitor(&["id", id]),
        None => {
            let ip = client_ip(&req, &state.settings.server.trusted_proxies);
            state.keys.hash_visitor(&["ip", &ip, user_agent.unwrap_or("")])
        }
    };
    let now = state.clock.now();
    let scopes = popularity
        .scopes_of(state.store.as_ref(), site, article_id.as_str(), now)
        .await;
    popularity.add(View {
        site: site.to_owned(),
        article: article_id.as_str().to_owned(),
        visitor,
        scopes,
        at: now,
    });
    Ok(HttpResponse::NoContent().finish())
}

/// The body: empty, or JSON sent as `application/json` or `text/plain` (what `sendBeacon`
/// sends for a string, and the only JSON-ish type it may send cross-origin without a
/// preflight).
async fn read_beacon(req: &HttpRequest, mut payload: web::Payload) -> ApiResult<ViewBeacon> {
    let acceptable = match req.mime_type() {
        Ok(None) => true,
        Ok(Some(m)) => {
            (m.type_() == mime::APPLICATION && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON)))
                || (m.type_() == mime::TEXT && m.subtype() == mime::PLAIN)
        }
        Err(_) => false,
    };
    if !acceptable {
        return Err(ApiError::UnsupportedMediaType);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request("malformed_body", e.to_string()))?;
        if body.len() + chunk.len() > BEACON_LIMIT {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ViewBeacon::default());
    }
    let beacon: ViewBeacon = parse_json(&body)?;
    if let Some(id) = &beacon.visitor {
        let chars = id.chars().count();
        if chars == 0 || chars > MAX_VISITOR_CHARS || id.chars().any(char::is_control) {
            return Err(ApiError::field(
                "visitor",
                "invalid_visitor",
                format!("visitor is 1 to {MAX_VISITOR_CHARS} printable characters"),
            ));
        }
    }
    Ok(beacon)
}
