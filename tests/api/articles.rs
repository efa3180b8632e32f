//! `PUT /v1/sites/{site}/articles/{article}`: the CMS registers metadata and opens, closes or
//! pre-moderates comments, with a staff key (SPEC §2, §5).

#![allow(clippy::expect_used, reason = "a test fails loudly on what it did not expect")]

use std::time::Duration;

use majlis::domain::Role;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use crate::helpers::{Auth, Backend, SSO_SECRET, TestApp, assert_problem, spawn_app, sso_token};
use crate::on_both_backends;

async fn put_article(app: &TestApp, article: &str, auth: &Auth, body: &Value) -> Response {
    app.request(Method::PUT, &format!("/v1/sites/demo/articles/{article}"), auth)
        .json(body)
        .send()
        .await
        .expect("request")
}

/// Puts with a fresh publisher key and expects `200`; returns the article.
async fn put_article_ok(app: &TestApp, article: &str, body: &Value) -> Value {
    let key = Auth::Bearer(app.staff_key(Role::Publisher).await);
    let res = put_article(app, article, &key, body).await;
    let status = res.status();
    let article: Value = res.json().await.expect("json");
    assert_eq!(status, StatusCode::OK, "{article}");
    article
}

/// A `422` whose `errors` name `field`.
async fn assert_field_error(res: Response, why: &str, field: &str) {
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let errors = problem["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        errors.iter().any(|e| e["field"] == field),
        "{why}: expected an error on {field} in {problem}"
    );
}

fn full_metadata() -> Value {
    json!({
        "title": "قمة الرياض: اتفاق على خطة إعمار",
        "url": "https://news.example/2026/11/29/summit",
        "section": "سياسة",
        "tags": ["قمة", "الرياض"],
        "story": "summit-2026",
        "published_at": "2026-11-29T08:00:00Z",
        "lang": "ar",
        "image": "https://news.example/img/summit.jpg",
        "comments": "open",
        "premod": false,
        "close_at": null
    })
}

async fn a_publisher_key_sets_article_metadata(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let key = Auth::Bearer(app.staff_key(Role::Publisher).await);

    // Act
    let res = put_article(&app, "summit", &key, &full_metadata()).await;

    // Assert: every field is echoed back as stored.
    assert_eq!(res.status(), StatusCode::OK);
    let article: Value = res.json().await.expect("json");
    assert_eq!(article["site"], "demo");
    assert_eq!(article["article"], "summit");
    for field in [
        "title",
        "url",
        "section",
        "tags",
        "story",
        "published_at",
        "lang",
        "image",
        "comments",
        "premod",
    ] {
        assert_eq!(
            article[field],
            full_metadata()[field],
            "field {field} in {article}"
        );
    }
    assert_eq!(article["close_at"], Value::Null);
    assert_eq!(article["comment_count"], 0);
}

async fn absent_fields_keep_their_values(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    put_article_ok(&app, "summit", &full_metadata()).await;

    // Act: only the title changes.
    let article = put_article_ok(&app, "summit", &json!({"title": "عنوان جديد"})).await;

    // Assert
    assert_eq!(article["title"], "عنوان جديد");
    for field in [
        "url",
        "section",
        "tags",
        "story",
        "published_at",
        "lang",
        "image",
        "comments",
        "premod",
    ] {
        assert_eq!(
            article[field],
            full_metadata()[field],
            "field {field} kept in {article}"
        );
    }
}

async fn premod_null_returns_the_article_to_the_site_policy(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    assert_eq!(
        put_article_ok(&app, "p1", &json!({"premod": true})).await["premod"],
        true
    );
    assert_eq!(
        put_article_ok(&app, "p1", &json!({"title": "t"})).await["premod"],
        true,
        "absent keeps it"
    );

    // Act
    let article = put_article_ok(&app, "p1", &json!({"premod": null})).await;

    // Assert: back to the site's policy (`off` on demo), so comments publish.
    assert_eq!(article["premod"], Value::Null);
    let (created, _) = app.guest_comment("p1", "منشور فورًا").await;
    assert_eq!(created["status"], "published");
}

async fn moderator_and_admin_keys_may_also_set_metadata(backend: Backend) {
    let app = spawn_app(&backend).await;
    for role in [Role::Moderator, Role::Admin] {
        let key = Auth::Bearer(app.staff_key(role).await);

        let res = put_article(&app, "a1", &key, &json!({"section": role.as_str()})).await;

        assert_eq!(res.status(), StatusCode::OK, "{role:?}");
        let article: Value = res.json().await.expect("json");
        assert_eq!(article["section"], role.as_str());
    }
}

async fn only_a_valid_staff_key_may_set_metadata(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    put_article_ok(&app, "guarded", &json!({"title": "الأصل"})).await;
    let revoked = app.staff_key(Role::Admin).await;
    let stored = app
        .state
        .store
        .staff_key_by_hash(&majlis::auth::hash_staff_key(&revoked))
        .await
        .expect("lookup")
        .expect("the key is stored");
    app.state
        .store
        .revoke_staff_key(stored.id, app.clock.now())
        .await
        .expect("revoke");
    let (_, guest) = app.guest_comment("elsewhere", "زائر").await;
    let (random, _) = majlis::auth::generate_staff_key();
    let sso = sso_token(SSO_SECRET, "reader-1", "Sara", 3600);
    let unauthorized = StatusCode::UNAUTHORIZED;
    #[rustfmt::skip]
    let cases: Vec<(&str, Auth, StatusCode, &str)> = vec![
        ("no key", Auth::None, unauthorized, "staff_key_required"),
        ("a revoked admin key", Auth::Bearer(revoked), unauthorized, "invalid_staff_key"),
        ("a random mk_ key", Auth::Bearer(random), unauthorized, "invalid_staff_key"),
        ("`mk_` alone", Auth::Bearer("mk_".into()), unauthorized, "invalid_staff_key"),
        ("a commenter's SSO token", Auth::Bearer(sso), unauthorized, "staff_key_required"),
        ("a guest token", guest, unauthorized, "staff_key_required"),
        ("Basic credentials", Auth::Raw("Basic YWRtaW46YWRtaW4=".into()), unauthorized, "invalid_authorization"),
    ];

    for (why, auth, status, code) in cases {
        // Act
        let res = put_article(
            &app,
            "guarded",
            &auth,
            &json!({"title": "مخترق", "comments": "closed"}),
        )
        .await;

        // Assert
        let got = res.status();
        let problem: Value = res.json().await.unwrap_or(Value::Null);
        assert_eq!(got, status, "{why}: {problem}");
        assert_eq!(problem["code"], code, "{why}: {problem}");
    }

    // Nothing changed.
    let article = put_article_ok(&app, "guarded", &json!({})).await;
    assert_eq!(article["title"], "الأصل");
    assert_eq!(article["comments"], "open");
}

async fn a_closed_article_refuses_new_comments(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (_, guest) = app.guest_comment("closing", "قبل الإغلاق").await;
    put_article_ok(&app, "closing", &json!({"comments": "closed"})).await;

    // Act
    let res = app
        .post_comment("demo", "closing", &guest, json!({"body": "بعد الإغلاق"}))
        .await;

    // Assert
    assert_problem(res, StatusCode::FORBIDDEN, "article_closed").await;
    assert_eq!(
        app.thread("demo", "closing", "", &Auth::None).await["total"],
        1,
        "the earlier comment stays"
    );

    // And reopening lets comments in again.
    put_article_ok(&app, "closing", &json!({"comments": "open"})).await;
    app.comment_as(&guest, "closing", "بعد إعادة الفتح", None).await;
}

async fn comments_close_at_the_scheduled_time(backend: Backend) {
    // Arrange: closes in an hour.
    let app = spawn_app(&backend).await;
    let close_at = (app.clock.now() + time::Duration::hours(1))
        .format(&Rfc3339)
        .expect("format");
    let article = put_article_ok(&app, "scheduled", &json!({"close_at": close_at})).await;
    assert_eq!(article["comments"], "open");
    let (_, guest) = app.guest_comment("scheduled", "ما زال مفتوحًا").await;

    // Act: two hours later.
    app.clock.advance(Duration::from_secs(2 * 3600));
    let res = app
        .post_comment("demo", "scheduled", &guest, json!({"body": "متأخر"}))
        .await;

    // Assert
    assert_problem(res, StatusCode::FORBIDDEN, "article_closed").await;

    // Cancelling the scheduled close reopens it.
    let article = put_article_ok(&app, "scheduled", &json!({"close_at": null})).await;
    assert_eq!(article["close_at"], Value::Null);
    app.comment_as(&guest, "scheduled", "عاد مفتوحًا", None).await;
}

async fn premod_on_an_article_holds_its_new_comments(backend: Backend) {
    // Arrange: `demo` publishes at once, but this article is pre-moderated.
    let app = spawn_app(&backend).await;
    put_article_ok(&app, "sensitive", &json!({"premod": true})).await;

    // Act
    let (created, guest) = app.guest_comment("sensitive", "تعليق ينتظر").await;

    // Assert: held, the author is told, readers see nothing.
    assert_eq!(created["status"], "pending");
    assert!(created["moderation_message"].is_string(), "{created}");
    let public = app.thread("demo", "sensitive", "", &Auth::None).await;
    assert_eq!(public["total"], 0);
    assert_eq!(public["comments"], json!([]));
    let own = app.thread("demo", "sensitive", "", &guest).await;
    assert_eq!(
        own["comments"][0]["id"], created["id"],
        "the author sees their pending comment"
    );
    // Other articles of the site are unaffected.
    assert_eq!(app.guest_comment("plain", "عادي").await.0["status"], "published");
}

async fn invalid_metadata_is_422_with_the_field(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = Auth::Bearer(app.staff_key(Role::Publisher).await);
    let tags: Vec<String> = (0..21).map(|i| format!("tag{i}")).collect();
    #[rustfmt::skip]
    let cases = [
        ("a url that is not a URL", json!({"url": "not a url"}), "url"),
        ("an image that is not a URL", json!({"image": "javascript"}), "image"),
        ("21 tags", json!({"tags": tags}), "tags"),
        ("an empty tag", json!({"tags": ["ok", ""]}), "tags"),
        ("a 65-character tag", json!({"tags": ["ت".repeat(65)]}), "tags"),
        ("an empty title", json!({"title": ""}), "title"),
        ("a 301-character title", json!({"title": "ع".repeat(301)}), "title"),
        ("a one-letter lang", json!({"lang": "a"}), "lang"),
        ("an unknown field", json!({"author": "x"}), "author"),
    ];

    for (why, body, field) in cases {
        let res = put_article(&app, "bad-meta", &key, &body).await;

        assert_field_error(res, why, field).await;
    }
    // None of it was stored.
    let article = put_article(&app, "bad-meta", &key, &json!({})).await;
    let article: Value = article.json().await.expect("json");
    assert_eq!(article["title"], Value::Null);
    assert_eq!(article["tags"], json!([]));
}

async fn wrongly_typed_metadata_names_the_field(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = Auth::Bearer(app.staff_key(Role::Publisher).await);
    #[rustfmt::skip]
    let cases = [
        ("comments neither open nor closed", json!({"comments": "maybe"}), "comments"),
        ("a close_at that is not a time", json!({"close_at": "tomorrow"}), "close_at"),
        ("a number for the title", json!({"title": 7}), "title"),
        ("a string for premod", json!({"premod": "yes"}), "premod"),
    ];

    for (why, body, field) in cases {
        let res = put_article(&app, "typed", &key, &body).await;

        assert_field_error(res, why, field).await;
    }
}

on_both_backends!(
    a_publisher_key_sets_article_metadata,
    absent_fields_keep_their_values,
    premod_null_returns_the_article_to_the_site_policy,
    moderator_and_admin_keys_may_also_set_metadata,
    only_a_valid_staff_key_may_set_metadata,
    a_closed_article_refuses_new_comments,
    comments_close_at_the_scheduled_time,
    premod_on_an_article_holds_its_new_comments,
    invalid_metadata_is_422_with_the_field,
    wrongly_typed_metadata_names_the_field,
);
