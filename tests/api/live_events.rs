//! `GET /v1/sites/{site}/articles/{article}/events`: Server-Sent Events of one thread
//! (SPEC §3). Articles are named per test: on Redis, every test's instances share one
//! channel, and a stream keeps the events of its own article only.

#![allow(clippy::expect_used, reason = "a test fails loudly on what it did not expect")]

use std::pin::Pin;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use majlis::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Auth, Backend, TestApp, spawn_app};
use crate::on_both_backends;

/// How long any one event may take to arrive.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

/// An open SSE stream, read frame by frame.
pub struct EventStream {
    bytes: Pin<Box<dyn Stream<Item = reqwest::Result<actix_web::web::Bytes>> + Send>>,
    buffer: String,
}

/// One `event:`/`data:` frame.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: String,
    pub data: Value,
}

impl EventStream {
    /// Opens the stream of `site`/`article` and checks it is one.
    pub async fn open(app: &TestApp, site: &str, article: &str) -> Self {
        let res = app
            .request(
                Method::GET,
                &format!("/v1/sites/{site}/articles/{article}/events"),
                &Auth::None,
            )
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("open the event stream");
        assert_eq!(res.status(), StatusCode::OK);
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            content_type.starts_with("text/event-stream"),
            "content type {content_type}"
        );
        Self {
            bytes: Box::pin(res.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next frame with an event name (skipping `retry:` and keep-alive comments), or
    /// `None` when none arrives within `EVENT_TIMEOUT`.
    pub async fn next_event(&mut self) -> Option<Event> {
        tokio::time::timeout(EVENT_TIMEOUT, async {
            loop {
                let normalized = self.buffer.replace("\r\n", "\n");
                if let Some((frame, rest)) = normalized.split_once("\n\n") {
                    let (frame, rest) = (frame.to_string(), rest.to_string());
                    self.buffer = rest;
                    if let Some(event) = parse_frame(&frame) {
                        return Some(event);
                    }
                    continue;
                }
                match self.bytes.next().await {
                    Some(Ok(chunk)) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                    _ => return None,
                }
            }
        })
        .await
        .ok()
        .flatten()
    }

    /// The next event of `kind`, skipping others; panics when none arrives in time.
    pub async fn expect(&mut self, kind: &str) -> Value {
        loop {
            match self.next_event().await {
                Some(event) if event.kind == kind => return event.data,
                Some(_) => continue,
                None => panic!("no {kind} event within {EVENT_TIMEOUT:?}"),
            }
        }
    }
}

fn parse_frame(frame: &str) -> Option<Event> {
    let mut kind = None;
    let mut data = String::new();
    for line in frame.lines() {
        if let Some(v) = line.strip_prefix("event:") {
            kind = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.strip_prefix(' ').unwrap_or(v));
        }
    }
    Some(Event {
        kind: kind?,
        data: serde_json::from_str(&data).unwrap_or(Value::String(data)),
    })
}

/// An article id no other test uses.
pub fn fresh_article(prefix: &str) -> String {
    format!("{prefix}-{}", Uuid::now_v7().simple())
}

/// The value of the unlabelled metric `name` in the app's `/metrics`.
async fn gauge(app: &TestApp, name: &str) -> Option<f64> {
    let text = app
        .get("/metrics", &Auth::None)
        .await
        .text()
        .await
        .expect("metrics text");
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

async fn a_new_comment_reaches_the_threads_listeners(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let article = fresh_article("live");
    let mut events = EventStream::open(&app, "demo", &article).await;

    // Act
    let (created, _) = app.guest_comment(&article, "مباشر").await;

    // Assert: the comment as any reader sees it.
    let data = events.expect("comment.created").await;
    assert_eq!(data["id"], created["id"]);
    assert_eq!(data["article"], article.as_str());
    assert_eq!(data["body"], "مباشر");
    assert_eq!(data["status"], "published");
    assert!(
        data.get("moderation_message").is_none(),
        "no author-only fields: {data}"
    );
}

async fn events_of_another_article_are_not_delivered(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (x, y) = (fresh_article("x"), fresh_article("y"));
    let mut events = EventStream::open(&app, "demo", &x).await;

    // Act: a comment on y first, then one on x.
    app.guest_comment(&y, "على مقال آخر").await;
    let (on_x, _) = app.guest_comment(&x, "على هذا المقال").await;

    // Assert: the first event is x's.
    let first = events.next_event().await.expect("an event within the timeout");
    assert_eq!(first.kind, "comment.created");
    assert_eq!(
        first.data["id"], on_x["id"],
        "the first event must be x's, not y's: {:?}",
        first.data
    );
    assert_eq!(first.data["article"], x.as_str());
}

async fn a_like_is_announced_with_the_new_count(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let article = fresh_article("liked");
    let (created, _) = app.guest_comment(&article, "أعجبني").await;
    let (_, fan) = app.guest_comment(&fresh_article("elsewhere"), "معجب").await;
    let mut events = EventStream::open(&app, "demo", &article).await;

    // Act
    let id = created["id"].as_str().expect("id");
    let res = app
        .request(Method::PUT, &format!("/v1/comments/{id}/like"), &fan)
        .send()
        .await
        .expect("like");
    assert_eq!(res.status(), StatusCode::OK);

    // Assert
    let data = events.expect("comment.liked").await;
    assert_eq!(data["id"], created["id"]);
    assert_eq!(data["like_count"], 1);
}

async fn edits_and_deletions_are_announced(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let article = fresh_article("edited");
    let (created, author) = app.guest_comment(&article, "قبل التعديل").await;
    let id = created["id"].as_str().expect("id");
    let mut events = EventStream::open(&app, "demo", &article).await;

    // Act + Assert: an edit
    let res = app
        .request(Method::PATCH, &format!("/v1/comments/{id}"), &author)
        .json(&json!({"body": "بعد التعديل"}))
        .send()
        .await
        .expect("edit");
    assert_eq!(res.status(), StatusCode::OK);
    let edited = events.expect("comment.edited").await;
    assert_eq!(edited["id"], created["id"]);
    assert_eq!(edited["body"], "بعد التعديل");

    // … and a deletion, which carries no body.
    let res = app
        .request(Method::DELETE, &format!("/v1/comments/{id}"), &author)
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let deleted = events.expect("comment.deleted").await;
    assert_eq!(deleted["id"], created["id"]);
    assert!(
        deleted.get("body").is_none(),
        "a deletion does not repeat the text: {deleted}"
    );
}

async fn a_held_comment_is_not_announced(backend: Backend) {
    // Arrange: the article is pre-moderated.
    let app = spawn_app(&backend).await;
    let article = fresh_article("held");
    let key = Auth::Bearer(app.staff_key(Role::Publisher).await);
    let put = |premod: bool| {
        app.request(Method::PUT, &format!("/v1/sites/demo/articles/{article}"), &key)
            .json(&json!({"premod": premod}))
            .send()
    };
    assert_eq!(put(true).await.expect("put").status(), StatusCode::OK);
    let mut events = EventStream::open(&app, "demo", &article).await;

    // Act: a held comment, then (premod lifted) a published one.
    let (held, _) = app.guest_comment(&article, "ينتظر المراجعة").await;
    assert_eq!(held["status"], "pending");
    assert_eq!(put(false).await.expect("put").status(), StatusCode::OK);
    let (published, _) = app.guest_comment(&article, "منشور").await;

    // Assert: the first event is the published comment.
    let first = events.next_event().await.expect("an event");
    assert_eq!(first.kind, "comment.created");
    assert_eq!(
        first.data["id"], published["id"],
        "a held comment must not be announced"
    );
}

async fn the_sse_gauge_counts_open_streams(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    assert_eq!(gauge(&app, "majlis_sse_connections").await, Some(0.0));

    // Act
    let events = EventStream::open(&app, "demo", &fresh_article("gauge")).await;

    // Assert: one while connected…
    assert_eq!(gauge(&app, "majlis_sse_connections").await, Some(1.0));

    // … and none once the client has gone: the second keep-alive write after it left fails
    // (two 10 s intervals), with room for a loaded machine.
    drop(events);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(35);
    loop {
        let now = gauge(&app, "majlis_sse_connections").await;
        if now == Some(0.0) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the gauge stayed at {now:?} after the client left"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn an_unknown_site_or_bad_article_has_no_stream(backend: Backend) {
    let app = spawn_app(&backend).await;
    for (why, path, code) in [
        (
            "unknown site",
            "/v1/sites/nosuch/articles/a1/events",
            "site_not_found",
        ),
        (
            "bad article id",
            "/v1/sites/demo/articles/a%20b/events",
            "article_not_found",
        ),
    ] {
        let res = app.get(path, &Auth::None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{why}");
        let problem: Value = res.json().await.expect("json");
        assert_eq!(problem["code"], code, "{why}");
    }
    assert_eq!(
        gauge(&app, "majlis_sse_connections").await,
        Some(0.0),
        "refused streams are not counted"
    );
}

on_both_backends!(
    a_new_comment_reaches_the_threads_listeners,
    events_of_another_article_are_not_delivered,
    a_like_is_announced_with_the_new_count,
    edits_and_deletions_are_announced,
    a_held_comment_is_not_announced,
    the_sse_gauge_counts_open_streams,
    an_unknown_site_or_bad_article_has_no_stream,
);
