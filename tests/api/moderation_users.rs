//! Commenter sanctions through the API (SPEC §2, §5): a ban stops posting and can reject the
//! commenter's recent comments; a suspension ends on time; the history view.

use std::time::Duration;

use majlis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::comment_helpers::{assert_problem_for, id_of, json_with};
use crate::helpers::{Auth, Backend, TestApp, assert_problem, spawn_app};
use crate::moderation_helpers::{audit, staff};
use crate::on_both_backends;

async fn set_status(app: &TestApp, key: &Auth, user: &str, body: Value) -> reqwest::Response {
    app.post_json(&format!("/v1/moderation/users/demo/{user}/status"), key, &body)
        .await
}

async fn a_ban_stops_posting_and_can_reject_recent_comments(backend: Backend) {
    // Arrange: a guest with two published comments and one from last week.
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let (old, guest) = app.guest_comment("ban", "تعليق قديم").await;
    app.clock.advance(Duration::from_secs(7 * 24 * 3600));
    let a = app.comment_as(&guest, "ban", "إعلان مزعج", None).await;
    let b = app.comment_as(&guest, "ban", "إعلان مزعج آخر", None).await;
    let user = old["author"]["id"].as_str().unwrap().to_string();

    // Act
    let res = set_status(
        &app,
        &key,
        &user,
        json!({"status": "banned", "reason": "إعلانات", "reject_recent_hours": 24}),
    )
    .await;

    // Assert: banned; the two recent comments rejected and gone from the thread; the old kept.
    let answer = json_with(res, StatusCode::OK).await;
    assert_eq!(answer["commenter"]["status"], "banned");
    let mut rejected: Vec<String> = answer["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    rejected.sort();
    let mut expected = vec![id_of(&a), id_of(&b)];
    expected.sort();
    assert_eq!(rejected, expected);
    let page = app.thread("demo", "ban", "", &Auth::None).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["comments"][0]["id"], old["id"]);
    let res = app
        .post_comment("demo", "ban", &guest, json!({"body": "عدت"}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "commenter_banned").await;

    // The history shows the ban, its rejections and the counts.
    let history = json_with(
        app.get(&format!("/v1/moderation/users/demo/{user}"), &key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(history["comments_by_status"]["rejected"], 2, "{history}");
    assert_eq!(history["commenter"]["rejected_count"], 2);
    assert_eq!(history["sanctions"][0]["action"], "commenter.banned");
    assert_eq!(history["sanctions"][0]["before"]["status"], "active");
    assert_eq!(history["recent"].as_array().unwrap().len(), 3);
    let rows = audit(&app, &key, "action=comment.reject").await;
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|r| r["reason"] == "sanction" && r["before"]["status"] == "published")
    );
}

async fn a_suspension_ends_on_time(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let (first, guest) = app.guest_comment("suspend", "رأيي").await;
    let user = first["author"]["id"].as_str().unwrap().to_string();
    let until = app.clock.now() + time::Duration::hours(1);
    let until = until
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let answer = json_with(
        set_status(
            &app,
            &key,
            &user,
            json!({"status": "suspended", "until": until, "reason": "تهدئة"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(answer["commenter"]["status"], "suspended");
    let res = app
        .post_comment("demo", "suspend", &guest, json!({"body": "مرة أخرى"}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "commenter_suspended").await;

    app.clock.advance(Duration::from_secs(3601));
    app.comment_as(&guest, "suspend", "عدت بعد الإيقاف", None).await;
    let history = json_with(
        app.get(&format!("/v1/moderation/users/demo/{user}"), &key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(history["commenter"]["status"], "active", "the suspension is over");

    // Pre-moderation holds their next comment; restoring to active publishes again.
    json_with(
        set_status(&app, &key, &user, json!({"status": "premod", "reason": "مراقبة"})).await,
        StatusCode::OK,
    )
    .await;
    let held = app
        .comment_as(&guest, "suspend", "تعليق تحت المراقبة", None)
        .await;
    assert_eq!(held["status"], "pending");
    // The external id names the same commenter.
    let external = history["commenter"]["external_id"].as_str().unwrap().to_string();
    json_with(
        set_status(
            &app,
            &key,
            &external,
            json!({"status": "active", "reason": "انتهت المراقبة"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let published = app
        .comment_as(&guest, "suspend", "تعليق بعد المراقبة", None)
        .await;
    assert_eq!(published["status"], "published");
}

async fn bad_sanctions_are_problems(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let (first, _) = app.guest_comment("bad-sanctions", "رأيي").await;
    let user = first["author"]["id"].as_str().unwrap().to_string();
    let past = (app.clock.now() - time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let cases = [
        (
            "unknown status",
            json!({"status": "muted", "reason": "x"}),
            unprocessable,
        ),
        ("no reason", json!({"status": "banned"}), unprocessable),
        (
            "blank reason",
            json!({"status": "banned", "reason": "  "}),
            unprocessable,
        ),
        (
            "suspension without end",
            json!({"status": "suspended", "reason": "x"}),
            unprocessable,
        ),
        (
            "suspension ending in the past",
            json!({"status": "suspended", "until": past, "reason": "x"}),
            unprocessable,
        ),
        (
            "ban with an end",
            json!({"status": "banned", "until": past, "reason": "x"}),
            unprocessable,
        ),
        (
            "sweep with premod",
            json!({"status": "premod", "reason": "x", "reject_recent_hours": 2}),
            unprocessable,
        ),
        (
            "sweep too long",
            json!({"status": "banned", "reason": "x", "reject_recent_hours": 721}),
            unprocessable,
        ),
    ];
    for (case, body, status) in cases {
        assert_problem_for(
            case,
            set_status(&app, &key, &user, body).await,
            status,
            "validation_failed",
        )
        .await;
    }
    let res = set_status(&app, &key, "nobody", json!({"status": "banned", "reason": "x"})).await;
    assert_problem_for(
        "unknown commenter",
        res,
        StatusCode::NOT_FOUND,
        "commenter_not_found",
    )
    .await;
    let res = app
        .post_json(
            &format!("/v1/moderation/users/other/{user}/status"),
            &key,
            &json!({"status": "banned", "reason": "x"}),
        )
        .await;
    assert_problem_for(
        "commenter of another site",
        res,
        StatusCode::NOT_FOUND,
        "commenter_not_found",
    )
    .await;
    let res = app
        .get(&format!("/v1/moderation/users/nowhere/{user}"), &key)
        .await;
    assert_problem_for("unknown site", res, StatusCode::NOT_FOUND, "site_not_found").await;
    assert!(
        audit(&app, &key, "").await.is_empty(),
        "refused requests audit nothing"
    );
}

on_both_backends!(
    a_ban_stops_posting_and_can_reject_recent_comments,
    a_suspension_ends_on_time,
    bad_sanctions_are_problems,
);
