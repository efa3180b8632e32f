//! The in-process cache of anonymous thread pages never serves a page older than the last
//! write the reader could know of: every kind of write is visible on the very next read.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::comment_helpers::{another_guest, delete, edit, id_of, json_with, like};
use crate::helpers::{Auth, Backend, TestApp, spawn_app};
use crate::on_both_backends;

const ARTICLE: &str = "cached";

async fn anonymous_page(app: &TestApp) -> Value {
    app.thread("demo", ARTICLE, "", &Auth::None).await
}

fn first(page: &Value) -> &Value {
    &page["comments"][0]
}

async fn every_write_shows_on_the_next_anonymous_read(backend: Backend) {
    // Arrange: a comment, and its page read twice (the second from memory).
    let app = spawn_app(&backend).await;
    let (comment, author) = app.guest_comment(ARTICLE, "النسخة الأولى من التعليق").await;
    let id = id_of(&comment);
    let warm = anonymous_page(&app).await;
    assert_eq!(
        anonymous_page(&app).await,
        warm,
        "a repeated read answers the same page"
    );
    assert_eq!(warm["total"], 1);

    // A new comment.
    app.guest_comment(ARTICLE, "تعليق ثان").await;
    assert_eq!(anonymous_page(&app).await["total"], 2, "after a post");

    // A like.
    let reader = another_guest(&app).await;
    json_with(like(&app, &id, &reader).await, StatusCode::OK).await;
    let page = anonymous_page(&app).await;
    let liked = page["comments"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id.as_str()))
        .expect("listed");
    assert_eq!(liked["like_count"], 1, "after a like: {page}");

    // A reply.
    app.comment_as(&reader, ARTICLE, "رد على التعليق", Some(&id))
        .await;
    let page = anonymous_page(&app).await;
    let parent = page["comments"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id.as_str()))
        .expect("listed");
    assert_eq!(parent["reply_count"], 1, "after a reply: {page}");

    // An edit.
    let edited = edit(&app, &id, &author, &json!({"body": "النسخة المعدلة"})).await;
    json_with(edited, StatusCode::OK).await;
    let page = anonymous_page(&app).await;
    assert!(
        page.to_string().contains("النسخة المعدلة"),
        "after an edit: {page}"
    );

    // A deletion: the comment has a reply, so a tombstone without its body stays.
    let gone = delete(&app, &id, &author).await;
    assert!(gone.status().is_success(), "delete: {}", gone.status());
    let page = anonymous_page(&app).await;
    assert!(
        !page.to_string().contains("النسخة المعدلة"),
        "after a delete: {page}"
    );
}

async fn a_signed_in_reader_gets_their_own_page_not_the_cached_one(backend: Backend) {
    // Arrange: an anonymous page is cached; then a guest's comment is held (premod).
    let app = spawn_app(&backend).await;
    app.guest_comment(ARTICLE, "تعليق منشور").await;
    let before = anonymous_page(&app).await;
    let liker = another_guest(&app).await;
    let id = id_of(first(&before));
    json_with(like(&app, &id, &liker).await, StatusCode::OK).await;

    // Act
    let own = app.thread("demo", ARTICLE, "", &liker).await;

    // Assert: the reader's page marks their like; the anonymous one never does.
    assert_eq!(first(&own)["liked_by_me"], true, "{own}");
    assert_eq!(first(&anonymous_page(&app).await)["liked_by_me"], false);
}

async fn a_browser_gets_the_cached_page_already_compressed(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    app.guest_comment(ARTICLE, "تعليق يصل مضغوطاً").await;
    let path = format!("/v1/sites/demo/articles/{ARTICLE}/comments");
    let get = |encoding: &'static str| {
        let req = app.request(reqwest::Method::GET, &path, &Auth::None);
        async move {
            let res = req
                .header("Accept-Encoding", encoding)
                .send()
                .await
                .expect("request");
            let encoded = res
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap_or("").to_string());
            (res.status(), encoded, res.bytes().await.expect("body"))
        }
    };

    // Act: twice compressed (the second from memory), once refusing gzip.
    let (status, first_encoding, first) = get("gzip, deflate, br").await;
    let (_, second_encoding, second) = get("br;q=1.0, gzip;q=0.8").await;
    let (_, plain_encoding, plain) = get("gzip;q=0, identity").await;

    // Assert: gzip both times, and it is the same page as the plain one.
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first_encoding.as_deref(), Some("gzip"));
    assert_eq!(second_encoding.as_deref(), Some("gzip"));
    assert_eq!(plain_encoding, None);
    let mut decoded = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&second[..]), &mut decoded).expect("gzip");
    assert_eq!(decoded, plain);
    assert_eq!(first, second);
    let page: Value = serde_json::from_slice(&plain).expect("json");
    assert_eq!(page["total"], 1);
}

on_both_backends!(
    every_write_shows_on_the_next_anonymous_read,
    a_signed_in_reader_gets_their_own_page_not_the_cached_one,
    a_browser_gets_the_cached_page_already_compressed,
);
