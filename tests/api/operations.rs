//! Operations (SPEC §8): health and readiness, request ids, Prometheus metrics labelled by
//! route pattern, the OpenAPI document and CORS.

#![allow(clippy::expect_used, reason = "a test fails loudly on what it did not expect")]

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Auth, Backend, TestApp, spawn_app};
use crate::on_both_backends;

async fn metrics_text(app: &TestApp) -> String {
    let res = app.get("/metrics", &Auth::None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()["content-type"].to_str().expect("ascii").to_string();
    assert!(
        content_type.starts_with("text/plain"),
        "content type {content_type}"
    );
    res.text().await.expect("text")
}

/// The value of the sample `name{labels}` (labels in any order), if present.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let wanted: BTreeMap<&str, &str> = labels.iter().copied().collect();
    text.lines().filter(|l| !l.starts_with('#')).find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (metric, rest) = series.split_once('{').unwrap_or((series, "}"));
        if metric != name {
            return None;
        }
        let got: BTreeMap<&str, &str> = rest
            .trim_end_matches('}')
            .split(',')
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k, v.trim_matches('"')))
            .collect();
        (got == wanted).then(|| value.parse().ok()).flatten()
    })
}

async fn health_says_ok(backend: Backend) {
    let app = spawn_app(&backend).await;

    let res = app.get("/healthz", &Auth::None).await;

    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

async fn readiness_reports_the_database_and_shared_state(backend: Backend) {
    let app = spawn_app(&backend).await;

    let res = app.get("/readyz", &Auth::None).await;

    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["database"], true);
    assert_eq!(body["shared_state"], true);
}

async fn every_response_carries_a_request_id(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let id_of = |res: &reqwest::Response| {
        res.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };

    // Act + Assert: generated on success and on errors, different each time.
    let ok = app.get("/healthz", &Auth::None).await;
    let missing = app.get("/v1/no-such-route", &Auth::None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let (a, b) = (
        id_of(&ok).expect("id on a 200"),
        id_of(&missing).expect("id on a 404"),
    );
    assert!(!a.is_empty());
    assert_ne!(a, b, "one id per request");

    // A valid incoming id is kept, so a proxy's id follows the request through.
    let echoed = app
        .request(Method::GET, "/healthz", &Auth::None)
        .header("x-request-id", "abc-123")
        .send()
        .await;
    assert_eq!(id_of(&echoed.expect("request")).as_deref(), Some("abc-123"));

    // An unsafe or overlong one is replaced, not echoed.
    for bad in ["abc 123\"><script>", &"a".repeat(65), "a_b.c"] {
        let res = app
            .request(Method::GET, "/healthz", &Auth::None)
            .header("x-request-id", bad)
            .send()
            .await;
        let got = id_of(&res.expect("request")).expect("an id");
        assert_ne!(got, bad, "{bad:?} must not be echoed");
        assert!(!got.is_empty());
    }
}

async fn metrics_are_labelled_by_route_pattern(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;

    // Act: a read, a post, and a path that matches no route.
    let page = app.get("/v1/sites/demo/articles/m1/comments", &Auth::None).await;
    assert_eq!(page.status(), StatusCode::OK);
    app.guest_comment("m1", "للعدّاد").await;
    app.get("/no/such/secret-path-42", &Auth::None).await;
    let text = metrics_text(&app).await;

    // Assert
    let route = "/v1/sites/{site}/articles/{article}/comments";
    assert_eq!(
        sample(
            &text,
            "majlis_http_requests_total",
            &[("method", "GET"), ("route", route), ("status", "200")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "majlis_http_requests_total",
            &[("method", "POST"), ("route", route), ("status", "201")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "majlis_comments_submitted_total",
            &[("outcome", "published"), ("site", "demo")]
        ),
        Some(1.0),
        "{text}"
    );
    assert!(
        text.contains("majlis_http_request_duration_seconds_bucket"),
        "the latency histogram"
    );
    assert!(
        text.contains(&format!(
            "majlis_http_request_duration_seconds_count{{method=\"GET\",route=\"{route}\"}}"
        )),
        "durations by pattern too"
    );
    assert!(!text.contains("/articles/m1"), "no raw article paths in labels");
    assert!(
        !text.contains("secret-path-42"),
        "no raw unmatched paths in labels"
    );
    assert_eq!(sample(&text, "majlis_sse_connections", &[]), Some(0.0));
}

async fn the_openapi_document_describes_the_api(backend: Backend) {
    let app = spawn_app(&backend).await;

    let res = app.get("/openapi.json", &Auth::None).await;

    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    let doc: Value = res.json().await.expect("json");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "openapi {}",
        doc["openapi"]
    );
    let comments = &doc["paths"]["/v1/sites/{site}/articles/{article}/comments"];
    assert!(
        comments["get"].is_object() && comments["post"].is_object(),
        "list and create: {comments}"
    );
    let like = &doc["paths"]["/v1/comments/{id}/like"];
    assert!(
        like["put"].is_object() && like["delete"].is_object(),
        "like and unlike: {like}"
    );
    for path in [
        "/v1/sites/{site}/articles/{article}",
        "/v1/sites/{site}/articles/{article}/events",
        "/healthz",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
}

async fn cors_allows_the_configured_origins_only(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let preflight = |origin: &'static str| {
        app.request(
            Method::OPTIONS,
            "/v1/sites/demo/articles/a1/comments",
            &Auth::None,
        )
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,authorization")
        .send()
    };
    let allow_origin = |res: &reqwest::Response| {
        res.headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap_or("").to_string())
    };

    // Act + Assert: the widget on a local dev server
    let ok = preflight("http://localhost:5173").await.expect("request");
    assert!(ok.status().is_success(), "preflight status {}", ok.status());
    assert_eq!(allow_origin(&ok).as_deref(), Some("http://localhost:5173"));
    let methods = ok
        .headers()
        .get("access-control-allow-methods")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(methods.contains("POST"), "allowed methods {methods}");

    // … and a stranger.
    let evil = preflight("https://evil.example").await.expect("request");
    assert!(
        !evil.status().is_success(),
        "a stranger's preflight is refused: {}",
        evil.status()
    );
    assert_eq!(allow_origin(&evil), None);
    let evil = preflight("http://localhost.evil.example:5173")
        .await
        .expect("request");
    assert_eq!(allow_origin(&evil), None, "a look-alike host");

    // Plain requests: the allowed origin may read the answer, the stranger's browser may not.
    let get = |origin: &'static str| {
        app.request(Method::GET, "/v1/sites/demo/articles/a1/comments", &Auth::None)
            .header("origin", origin)
            .send()
    };
    let res = get("http://127.0.0.1:8000").await.expect("request");
    assert_eq!(allow_origin(&res).as_deref(), Some("http://127.0.0.1:8000"));
    let res = get("https://evil.example").await.expect("request");
    assert_eq!(allow_origin(&res), None);
}

on_both_backends!(
    health_says_ok,
    readiness_reports_the_database_and_shared_state,
    every_response_carries_a_request_id,
    metrics_are_labelled_by_route_pattern,
    the_openapi_document_describes_the_api,
    cors_allows_the_configured_origins_only,
);
