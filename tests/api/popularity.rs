//! The view beacon: always `204`, one count per reader and article per half hour, bots not
//! counted, bad input refused. Helpers for the other popularity suites live here too.

use std::time::Duration;

use majlis::domain::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Auth, Backend, TestApp, assert_problem, spawn_app};
use crate::on_both_backends;

pub const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
pub const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
/// Longer than the servers' window cache, so the next list is recomputed.
pub const PAST_CACHE: Duration = Duration::from_secs(31);
pub const HOUR: Duration = Duration::from_secs(3600);

/// A beacon from a browser, as `sendBeacon` sends it.
pub async fn beacon(app: &TestApp, site: &str, article: &str, body: &str) -> Response {
    app.client
        .post(format!(
            "{}/v1/sites/{site}/articles/{article}/views",
            app.address
        ))
        .header("User-Agent", BROWSER)
        .header("Content-Type", "text/plain;charset=UTF-8")
        .body(body.to_owned())
        .send()
        .await
        .expect("request")
}

/// `n` views of `article` on `demo`, each by a reader of its own.
pub async fn views(app: &TestApp, article: &str, n: usize) {
    for _ in 0..n {
        let visitor = uuid::Uuid::now_v7().simple().to_string();
        let res = beacon(app, "demo", article, &json!({ "visitor": visitor }).to_string()).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
}

/// Waits for nothing: records the batch now, as the flusher would within 250 ms.
pub async fn flush(app: &TestApp) {
    app.state.popularity.flush().await;
}

/// Registers `article` on `demo` with `meta` as the CMS would.
pub async fn register(app: &TestApp, key: &str, article: &str, meta: Value) {
    let res = app
        .request(
            reqwest::Method::PUT,
            &format!("/v1/sites/demo/articles/{article}"),
            &Auth::Bearer(key.to_owned()),
        )
        .json(&meta)
        .send()
        .await
        .expect("request");
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap_or_default()
    );
}

pub async fn publisher(app: &TestApp) -> String {
    app.staff_key(Role::Publisher).await
}

/// A list answer (`200`), as JSON.
pub async fn list(app: &TestApp, path: &str) -> Value {
    let res = app.get(path, &Auth::None).await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// `(article, views)` of a list, in order.
pub fn ranked(list: &Value) -> Vec<(String, u64)> {
    list["articles"]
        .as_array()
        .expect("articles")
        .iter()
        .map(|a| {
            (
                a["article"].as_str().unwrap().to_owned(),
                a["views"].as_u64().unwrap(),
            )
        })
        .collect()
}

pub fn pairs(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(a, n)| ((*a).to_owned(), *n)).collect()
}

fn counted(app: &TestApp, label: &str) -> u64 {
    app.state.metrics.views.with_label_values(&["demo", label]).get()
}

async fn a_reader_counts_once_per_article_per_half_hour(backend: Backend) {
    let app = spawn_app(&backend).await;
    let me = json!({"visitor": "reader-1"}).to_string();
    for _ in 0..3 {
        assert_eq!(
            beacon(&app, "demo", "a1", &me).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    beacon(&app, "demo", "a1", &json!({"visitor": "reader-2"}).to_string()).await;
    flush(&app).await;
    app.clock.advance(Duration::from_secs(31 * 60));
    beacon(&app, "demo", "a1", &me).await;
    flush(&app).await;

    let popular = list(&app, "/v1/sites/demo/popular?window=1h").await;

    assert_eq!(ranked(&popular), pairs(&[("a1", 3)]));
    assert_eq!(counted(&app, "counted"), 3);
    assert_eq!(counted(&app, "duplicate"), 2);
    assert!(app.state.metrics.view_flush_batch_size.get_sample_count() >= 2);
}

async fn without_a_visitor_id_the_reader_is_their_address_and_browser(backend: Backend) {
    let app = spawn_app(&backend).await;
    for body in ["", "{}", "  "] {
        assert_eq!(
            beacon(&app, "demo", "a1", body).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    // Another browser on the same address is another reader.
    let res = app
        .client
        .post(format!("{}/v1/sites/demo/articles/a1/views", app.address))
        .header(
            "User-Agent",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    flush(&app).await;

    let popular = list(&app, "/v1/sites/demo/popular").await;

    assert_eq!(ranked(&popular), pairs(&[("a1", 2)]));
}

async fn bots_get_a_204_and_are_not_counted(backend: Backend) {
    let app = spawn_app(&backend).await;
    for ua in [GOOGLEBOT, "facebookexternalhit/1.1", "curl/8.5.0"] {
        let res = app
            .client
            .post(format!("{}/v1/sites/demo/articles/a1/views", app.address))
            .header("User-Agent", ua)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{ua}");
    }
    let res = app
        .client
        .post(format!("{}/v1/sites/demo/articles/a1/views", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "no User-Agent");
    flush(&app).await;

    let popular = list(&app, "/v1/sites/demo/popular").await;

    assert_eq!(ranked(&popular), pairs(&[]));
    assert_eq!(counted(&app, "bot"), 4);
    assert_eq!(counted(&app, "counted"), 0);
    let metrics = app.get("/metrics", &Auth::None).await.text().await.unwrap();
    assert!(
        metrics.contains("majlis_views_total{counted=\"bot\",site=\"demo\"} 4"),
        "{metrics}"
    );
}

async fn bad_beacons_are_refused_with_a_problem(backend: Backend) {
    let app = spawn_app(&backend).await;
    let long = "x".repeat(65);
    let cases: [(&str, &str, StatusCode, &str, &str); 7] = [
        ("nosuchsite", "a1", StatusCode::NOT_FOUND, "site_not_found", "{}"),
        ("demo", "a%20b", StatusCode::NOT_FOUND, "article_not_found", "{}"),
        (
            "demo",
            "a1",
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "{visitor",
        ),
        (
            "demo",
            "a1",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            r#"{"visitor": 7}"#,
        ),
        (
            "demo",
            "a1",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            r#"{"visitor": ""}"#,
        ),
        (
            "demo",
            "a1",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            r#"{"who": "x"}"#,
        ),
        (
            "demo",
            "a1",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &format!(r#"{{"visitor": "{long}"}}"#),
        ),
    ];
    for (site, article, status, code, body) in cases {
        let res = beacon(&app, site, article, body).await;
        assert_problem(res, status, code).await;
    }
    let too_big = format!(r#"{{"visitor": "{}"}}"#, "x".repeat(2000));
    assert_problem(
        beacon(&app, "demo", "a1", &too_big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    let form = app
        .client
        .post(format!("{}/v1/sites/demo/articles/a1/views", app.address))
        .header("User-Agent", BROWSER)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("visitor=x")
        .send()
        .await
        .unwrap();
    assert_problem(form, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    flush(&app).await;
    assert_eq!(ranked(&list(&app, "/v1/sites/demo/popular").await), pairs(&[]));
}

async fn an_unknown_article_is_counted_without_being_created(backend: Backend) {
    let app = spawn_app(&backend).await;
    views(&app, "never-registered", 2).await;
    flush(&app).await;

    let popular = list(&app, "/v1/sites/demo/popular").await;

    assert_eq!(ranked(&popular), pairs(&[("never-registered", 2)]));
    assert_eq!(popular["articles"][0]["title"], Value::Null);
    assert_eq!(popular["articles"][0]["comments"], 0);
    assert!(
        app.state
            .store
            .article("demo", "never-registered")
            .await
            .unwrap()
            .is_none()
    );
}

async fn the_popularity_endpoints_are_documented(backend: Backend) {
    let app = spawn_app(&backend).await;

    let doc: Value = app.get("/openapi.json", &Auth::None).await.json().await.unwrap();

    for (path, method) in [
        ("/v1/sites/{site}/articles/{article}/views", "post"),
        ("/v1/sites/{site}/popular", "get"),
        ("/v1/sites/{site}/articles/{article}/related", "get"),
        ("/v1/sites/{site}/most-commented", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }
    assert!(doc["components"]["schemas"]["ArticleList"].is_object());
}

on_both_backends!(
    the_popularity_endpoints_are_documented,
    a_reader_counts_once_per_article_per_half_hour,
    without_a_visitor_id_the_reader_is_their_address_and_browser,
    bots_get_a_204_and_are_not_counted,
    bad_beacons_are_refused_with_a_problem,
    an_unknown_article_is_counted_without_being_created,
);
