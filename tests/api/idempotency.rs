//! `Idempotency-Key` on posting: a retried request creates one comment. Keys belong to a
//! commenter, so each test posts once first and retries with that guest's token.

use futures_util::future::join_all;
use reqwest::header::HeaderValue;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::comment_helpers::{another_guest, assert_problem_for, id_of, ids, json_with, text};
use crate::helpers::{Auth, Backend, TestApp, spawn_app};
use crate::on_both_backends;

async fn post_with_key(app: &TestApp, auth: &Auth, article: &str, key: &str, body: &Value) -> Response {
    app.request(
        reqwest::Method::POST,
        &format!("/v1/sites/demo/articles/{article}/comments"),
        auth,
    )
    .header("Idempotency-Key", key)
    .json(body)
    .send()
    .await
    .expect("request")
}

async fn a_retry_with_the_same_key_creates_one_comment(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let guest = another_guest(&app).await;
    let body = json!({"body": text(0)});

    // Act
    let first = json_with(
        post_with_key(&app, &guest, "a1", "key-1", &body).await,
        StatusCode::CREATED,
    )
    .await;
    let retry = json_with(
        post_with_key(&app, &guest, "a1", "key-1", &body).await,
        StatusCode::CREATED,
    )
    .await;

    // Assert
    assert_eq!(
        retry["id"], first["id"],
        "the retry answers with the first comment"
    );
    assert_eq!(retry["body"], first["body"]);
    assert_eq!(retry["status"], "published");
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(ids(&page), [id_of(&first)], "one comment is listed");
    assert_eq!(page["total"], 1);
}

async fn concurrent_retries_with_one_key_create_one_comment(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let guest = another_guest(&app).await;
    let body = json!({"body": text(0)});

    // Act
    let answers = join_all((0..5).map(|_| post_with_key(&app, &guest, "a1", "key-1", &body))).await;

    // Assert
    let mut created = Vec::new();
    for res in answers {
        created.push(id_of(&json_with(res, StatusCode::CREATED).await));
    }
    created.dedup();
    assert_eq!(
        created.len(),
        1,
        "every answer names the same comment: {created:?}"
    );
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(ids(&page), created, "one comment is listed");
    assert_eq!(page["total"], 1);
}

async fn the_same_key_for_another_comment_is_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let guest = another_guest(&app).await;
    let (other_parent, _) = app.guest_comment("a1", &text(5)).await;
    let first = json_with(
        post_with_key(&app, &guest, "a1", "key-1", &json!({"body": text(0)})).await,
        StatusCode::CREATED,
    )
    .await;

    let cases = [
        ("a1", json!({"body": text(1)}), "another body"),
        ("a2", json!({"body": text(0)}), "the same body on another article"),
        (
            "a1",
            json!({"body": text(0), "parent_id": id_of(&other_parent)}),
            "the same body as a reply",
        ),
    ];
    for (article, body, case) in cases {
        // Act
        let res = post_with_key(&app, &guest, article, "key-1", &body).await;

        // Assert
        assert_problem_for(case, res, StatusCode::CONFLICT, "idempotency_key_reused").await;
    }
    let page = app.thread("demo", "a1", "sort=oldest", &Auth::None).await;
    assert_eq!(
        ids(&page),
        [id_of(&other_parent), id_of(&first)],
        "only the first use of the key posted"
    );
    assert_eq!(page["comments"][0]["reply_count"], 0);
    assert_eq!(app.thread("demo", "a2", "", &Auth::None).await["total"], 0);
}

async fn different_keys_create_different_comments(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let guest = another_guest(&app).await;
    let body = json!({"body": text(0)});

    // Act
    let first = json_with(
        post_with_key(&app, &guest, "a1", "key-1", &body).await,
        StatusCode::CREATED,
    )
    .await;
    let second = json_with(
        post_with_key(&app, &guest, "a1", "key-2", &body).await,
        StatusCode::CREATED,
    )
    .await;

    // Assert
    assert_ne!(first["id"], second["id"]);
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(ids(&page), [id_of(&second), id_of(&first)]);
    assert_eq!(page["total"], 2);
}

async fn the_same_key_from_another_commenter_is_another_comment(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (one, two) = (another_guest(&app).await, another_guest(&app).await);
    let body = json!({"body": text(0)});

    // Act
    let first = json_with(
        post_with_key(&app, &one, "a1", "key-1", &body).await,
        StatusCode::CREATED,
    )
    .await;
    let second = json_with(
        post_with_key(&app, &two, "a1", "key-1", &body).await,
        StatusCode::CREATED,
    )
    .await;

    // Assert
    assert_ne!(first["id"], second["id"], "keys are per commenter");
    assert_eq!(app.thread("demo", "a1", "", &Auth::None).await["total"], 2);
}

async fn a_malformed_key_is_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let guest = another_guest(&app).await;
    let long = "k".repeat(129);

    let cases: [(HeaderValue, &str); 3] = [
        (HeaderValue::from_str(&long).expect("header"), "129 characters"),
        (HeaderValue::from_static(""), "an empty key"),
        (
            HeaderValue::from_bytes("مفتاح".as_bytes()).expect("header"),
            "a key that is not visible ASCII",
        ),
    ];
    for (key, case) in cases {
        // Act
        let res = app
            .request(
                reqwest::Method::POST,
                "/v1/sites/demo/articles/a1/comments",
                &guest,
            )
            .header("Idempotency-Key", key)
            .json(&json!({"body": text(0)}))
            .send()
            .await
            .expect("request");

        // Assert
        assert_problem_for(case, res, StatusCode::BAD_REQUEST, "invalid_idempotency_key").await;
    }
    assert_eq!(
        app.thread("demo", "a1", "", &Auth::None).await["total"],
        0,
        "nothing was posted"
    );
    let longest = "k".repeat(128);
    let res = post_with_key(&app, &guest, "a1", &longest, &json!({"body": text(0)})).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "a key of 128 characters is accepted"
    );
}

async fn keys_are_kept_for_a_day_then_dropped(backend: Backend) {
    // Arrange: a comment posted with a key, then 23 hours pass.
    let app = spawn_app(&backend).await;
    let guest = another_guest(&app).await;
    let body = json!({"body": text(1)});
    let first = json_with(
        post_with_key(&app, &guest, "kept", "key-day", &body).await,
        StatusCode::CREATED,
    )
    .await;
    let store = app.state.store.as_ref();
    app.clock.advance(std::time::Duration::from_secs(23 * 3600));

    // Act + Assert: within the day the key is kept and a retry answers the first comment…
    let kept = majlis::privacy::purge_idempotency_keys(store, &app.clock)
        .await
        .expect("purge");
    assert_eq!(kept, 0);
    let retry = json_with(
        post_with_key(&app, &guest, "kept", "key-day", &body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(retry["id"], first["id"]);

    // …and after it the key is dropped (the same key may then name a new comment).
    app.clock.advance(std::time::Duration::from_secs(2 * 3600));
    let dropped = majlis::privacy::purge_idempotency_keys(store, &app.clock)
        .await
        .expect("purge");
    assert_eq!(dropped, 1);
    let again = majlis::privacy::purge_idempotency_keys(store, &app.clock)
        .await
        .expect("purge");
    assert_eq!(again, 0, "the purge is idempotent");
    let page = app.thread("demo", "kept", "", &Auth::None).await;
    assert_eq!(page["total"], 1, "the comment itself stays: {page}");
}

on_both_backends!(
    keys_are_kept_for_a_day_then_dropped,
    a_retry_with_the_same_key_creates_one_comment,
    concurrent_retries_with_one_key_create_one_comment,
    the_same_key_for_another_comment_is_refused,
    different_keys_create_different_comments,
    the_same_key_from_another_commenter_is_another_comment,
    a_malformed_key_is_refused,
);
