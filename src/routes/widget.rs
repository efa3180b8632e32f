//! `GET /widget/embed.js` and `/widget/embed.css`: the widget, compiled into the binary so the
//! service serves it from any folder. A strong `ETag` (a hash of the bytes, computed once)
//! lets browsers revalidate with a `304`; the URL is not versioned, so the cache lifetime is
//! a day (served stale for a week while revalidating) rather than forever.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, route};
use sha2::{Digest, Sha256};

pub const CACHE_CONTROL: &str = "public, max-age=86400, stale-while-revalidate=604800";

pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    pub etag: String,
}

impl Asset {
    fn new(bytes: &'static [u8], content_type: &'static str) -> Self {
        let hash = Sha256::digest(bytes);
        Self {
            bytes,
            content_type,
            etag: format!("\"{}\"", hex::encode(&hash[..16])),
        }
    }

    /// `304` when the request already holds these bytes, else the bytes.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let fresh = req
            .headers()
            .get_all(header::IF_NONE_MATCH)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|tag| tag.trim())
            // If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x".
            .any(|tag| tag == "*" || tag.trim_start_matches("W/") == self.etag);
        let mut response = if fresh {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        response
            .insert_header((header::ETAG, self.etag.as_str()))
            .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
        if fresh {
            response.finish()
        } else {
            response.content_type(self.content_type).body(self.bytes)
        }
    }
}

pub static EMBED_JS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_bytes!("../../widget/embed.js"),
        "text/javascript; charset=utf-8",
    )
});
pub static EMBED_CSS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_bytes!("../../widget/embed.css"),
        "text/css; charset=utf-8",
    )
});

#[route("/widget/embed.js", method = "GET", method = "HEAD")]
pub async fn embed_js(req: HttpRequest) -> HttpResponse {
    EMBED_JS.respond(&req)
}

#[route("/widget/embed.css", method = "GET", method = "HEAD")]
pub async fn embed_css(req: HttpRequest) -> HttpResponse {
    EMBED_CSS.respond(&req)
}
