//! Sanctions: a banned commenter may not post or like; a suspended one may again once the
//! suspension has passed; a commenter in pre-moderation is held (SPEC §2, §5).

#![allow(clippy::expect_used, reason = "a test fails loudly on what it did not expect")]

use std::time::Duration;

use majlis::domain::CommenterStatus;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Auth, Backend, SSO_SECRET, TestApp, assert_problem, spawn_app, sso_token};
use crate::on_both_backends;

fn author_id(comment: &Value) -> Uuid {
    comment["author"]["id"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok())
        .expect("author id")
}

async fn like(app: &TestApp, auth: &Auth, comment: &Value) -> reqwest::Response {
    let id = comment["id"].as_str().expect("id");
    app.request(Method::PUT, &format!("/v1/comments/{id}/like"), auth)
        .send()
        .await
        .expect("request")
}

async fn a_banned_commenter_can_neither_post_nor_like(backend: Backend) {
    // Arrange: two guests have posted; the first is banned.
    let app = spawn_app(&backend).await;
    let (mine, banned) = app.guest_comment("s1", "تعليقي").await;
    let (theirs, _) = app.guest_comment("s1", "تعليق آخر").await;
    app.state
        .store
        .set_commenter_status(author_id(&mine), CommenterStatus::Banned, None, Some("spam"))
        .await
        .expect("ban");

    // Act + Assert: posting, posting with a fresh name, replying and liking are all refused.
    let res = app
        .post_comment("demo", "s1", &banned, json!({"body": "مرة أخرى"}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "commenter_banned").await;
    let res = app
        .post_comment(
            "demo",
            "s1",
            &banned,
            json!({"body": "باسم جديد", "author_name": "اسم جديد"}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "commenter_banned").await;
    let res = app
        .post_comment(
            "demo",
            "s1",
            &banned,
            json!({"body": "رد", "parent_id": theirs["id"]}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "commenter_banned").await;
    let res = like(&app, &banned, &theirs).await;
    assert_problem(res, StatusCode::FORBIDDEN, "commenter_banned").await;

    // Nothing was written.
    let page = app.thread("demo", "s1", "", &Auth::None).await;
    assert_eq!(page["total"], 2);
    let comments = page["comments"].as_array().expect("comments");
    let find = |id: &Value| comments.iter().find(|c| c["id"] == *id).cloned().expect("listed");
    assert_eq!(
        find(&theirs["id"])["like_count"],
        0,
        "the refused like was not counted"
    );
    assert_eq!(
        find(&mine["id"])["author"]["name"],
        "زائر",
        "the refused post did not rename its author"
    );
}

async fn a_banned_sso_commenter_stays_banned_after_signing_in_again(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let first = Auth::Bearer(sso_token(SSO_SECRET, "troll-1", "Troll", 3600));
    let res = app
        .post_comment("sso", "s2", &first, json!({"body": "أول"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.expect("json");
    app.state
        .store
        .set_commenter_status(author_id(&created), CommenterStatus::Banned, None, Some("abuse"))
        .await
        .expect("ban");

    // Act: a new token, under a new name, for the same account.
    let again = Auth::Bearer(sso_token(SSO_SECRET, "troll-1", "Someone Else", 3600));
    let res = app
        .post_comment("sso", "s2", &again, json!({"body": "عدت"}))
        .await;

    // Assert
    assert_problem(res, StatusCode::FORBIDDEN, "commenter_banned").await;
    assert_eq!(app.thread("sso", "s2", "", &Auth::None).await["total"], 1);
}

async fn a_suspension_ends_when_its_time_has_passed(backend: Backend) {
    // Arrange: suspended for an hour.
    let app = spawn_app(&backend).await;
    let (mine, guest) = app.guest_comment("s3", "قبل الإيقاف").await;
    let until = app.clock.now() + time::Duration::hours(1);
    app.state
        .store
        .set_commenter_status(
            author_id(&mine),
            CommenterStatus::Suspended,
            Some(until),
            Some("cooling off"),
        )
        .await
        .expect("suspend");

    // Act + Assert: refused while suspended, with the end of the suspension in words.
    let res = app
        .post_comment("demo", "s3", &guest, json!({"body": "أثناء الإيقاف"}))
        .await;
    let problem = assert_problem(res, StatusCode::FORBIDDEN, "commenter_suspended").await;
    let year = until.year().to_string();
    assert!(
        problem["detail"].as_str().is_some_and(|d| d.contains(&year)),
        "the detail says until when: {problem}"
    );
    assert_problem(
        like(&app, &guest, &mine).await,
        StatusCode::FORBIDDEN,
        "commenter_suspended",
    )
    .await;

    // Two hours later, it is over.
    app.clock.advance(Duration::from_secs(2 * 3600));
    let after = app.comment_as(&guest, "s3", "بعد الإيقاف", None).await;
    assert_eq!(after["status"], "published");
    assert_eq!(app.thread("demo", "s3", "", &Auth::None).await["total"], 2);
}

async fn a_commenter_in_premod_is_held(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (mine, guest) = app.guest_comment("s4", "قبل").await;
    app.state
        .store
        .set_commenter_status(author_id(&mine), CommenterStatus::Premod, None, Some("new here"))
        .await
        .expect("premod");

    // Act
    let held = app.comment_as(&guest, "s4", "بعد", None).await;

    // Assert: held, but they may still like.
    assert_eq!(held["status"], "pending");
    assert_eq!(app.thread("demo", "s4", "", &Auth::None).await["total"], 1);
    let (other, _) = app.guest_comment("s4", "لشخص آخر").await;
    assert_eq!(like(&app, &guest, &other).await.status(), StatusCode::OK);
}

async fn lifting_a_ban_lets_the_commenter_post_again(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (mine, guest) = app.guest_comment("s5", "قبل").await;
    let id = author_id(&mine);
    app.state
        .store
        .set_commenter_status(id, CommenterStatus::Banned, None, Some("spam"))
        .await
        .expect("ban");
    let res = app
        .post_comment("demo", "s5", &guest, json!({"body": "محظور"}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "commenter_banned").await;

    // Act
    app.state
        .store
        .set_commenter_status(id, CommenterStatus::Active, None, None)
        .await
        .expect("lift");

    // Assert
    app.comment_as(&guest, "s5", "عدت", None).await;
}

on_both_backends!(
    a_banned_commenter_can_neither_post_nor_like,
    a_banned_sso_commenter_stays_banned_after_signing_in_again,
    a_suspension_ends_when_its_time_has_passed,
    a_commenter_in_premod_is_held,
    lifting_a_ban_lets_the_commenter_post_again,
);
