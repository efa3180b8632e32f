//! Reports: one per commenter and comment, with a reason from a fixed list.

use reqwest::StatusCode;
use serde_json::json;

use crate::comment_helpers::{another_guest, assert_problem_for, id_of, json_with, report, stored, text};
use crate::helpers::{Auth, Backend, spawn_app};
use crate::on_both_backends;

async fn a_commenter_reports_a_comment_only_once(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, _) = app.guest_comment("a1", &text(0)).await;
    let id = id_of(&created);
    let reporter = another_guest(&app).await;

    // Act
    let first = report(
        &app,
        &id,
        &reporter,
        &json!({"reason": "abuse", "note": "  إساءة لشخص  "}),
    )
    .await;
    let second = report(&app, &id, &reporter, &json!({"reason": "spam"})).await;

    // Assert
    let received = json_with(first, StatusCode::CREATED).await;
    assert_eq!(received["comment_id"], id.as_str());
    assert!(received["id"].is_string(), "the report has an id: {received}");
    assert_problem_for(
        "the second report",
        second,
        StatusCode::CONFLICT,
        "already_reported",
    )
    .await;
    assert_eq!(stored(&app, &id).await.report_count, 1, "counted once");
}

async fn another_commenter_can_report_the_same_comment(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, _) = app.guest_comment("a1", &text(0)).await;
    let id = id_of(&created);
    let first = another_guest(&app).await;
    let second = another_guest(&app).await;
    assert_eq!(
        report(&app, &id, &first, &json!({"reason": "off_topic"}))
            .await
            .status(),
        StatusCode::CREATED
    );

    // Act
    let res = report(
        &app,
        &id,
        &second,
        &json!({"reason": "other", "note": "خارج الموضوع"}),
    )
    .await;

    // Assert
    let received = json_with(res, StatusCode::CREATED).await;
    assert_eq!(received["comment_id"], id.as_str());
    assert_eq!(stored(&app, &id).await.report_count, 2);
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(
        page["comments"][0]["status"], "published",
        "a reported comment stays published"
    );
}

async fn an_invalid_report_is_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, _) = app.guest_comment("a1", &text(0)).await;
    let id = id_of(&created);
    let reporter = another_guest(&app).await;

    let cases = [
        (json!({"reason": "rude"}), "reason", "a reason not in the list"),
        (json!({"reason": "Spam"}), "reason", "a reason in the wrong case"),
        (json!({"reason": 3}), "reason", "a reason that is not a string"),
        (json!({"note": "بلا سبب"}), "reason", "no reason"),
        (
            json!({"reason": "other", "note": "ن".repeat(501)}),
            "note",
            "a note over 500 characters",
        ),
        (
            json!({"reason": "spam", "extra": true}),
            "extra",
            "an unknown field",
        ),
    ];
    for (body, field, case) in cases {
        // Act
        let res = report(&app, &id, &reporter, &body).await;

        // Assert
        let problem =
            assert_problem_for(case, res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{case}: {problem}");
    }
    assert_eq!(
        stored(&app, &id).await.report_count,
        0,
        "no refused report was stored"
    );
    let ok = report(
        &app,
        &id,
        &reporter,
        &json!({"reason": "other", "note": "ن".repeat(500)}),
    )
    .await;
    assert_eq!(
        ok.status(),
        StatusCode::CREATED,
        "a note of exactly 500 characters is accepted"
    );
}

async fn an_anonymous_report_is_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, _) = app.guest_comment("a1", &text(0)).await;

    // Act
    let res = report(&app, &id_of(&created), &Auth::None, &json!({"reason": "spam"})).await;

    // Assert
    assert_problem_for(
        "an anonymous report",
        res,
        StatusCode::UNAUTHORIZED,
        "login_required",
    )
    .await;
    assert_eq!(stored(&app, &id_of(&created)).await.report_count, 0);
}

async fn reporting_an_unknown_or_unpublished_comment_is_refused(backend: Backend) {
    // Arrange: a held comment on the premoderated site and a reader of that site.
    let app = spawn_app(&backend).await;
    let res = app
        .post_comment(
            "premod",
            "a1",
            &Auth::None,
            json!({"body": text(0), "author_name": "سارة"}),
        )
        .await;
    let held = json_with(res, StatusCode::CREATED).await;
    let res = app
        .post_comment(
            "premod",
            "a2",
            &Auth::None,
            json!({"body": text(1), "author_name": "علي"}),
        )
        .await;
    let reader = Auth::Guest(
        json_with(res, StatusCode::CREATED).await["guest_token"]
            .as_str()
            .expect("token")
            .into(),
    );
    let unknown = uuid::Uuid::now_v7().to_string();

    let cases = [
        (
            unknown,
            StatusCode::NOT_FOUND,
            "comment_not_found",
            "an unknown comment",
        ),
        (
            "not-a-uuid".to_string(),
            StatusCode::NOT_FOUND,
            "comment_not_found",
            "a malformed id",
        ),
        (
            id_of(&held),
            StatusCode::CONFLICT,
            "not_published",
            "a comment awaiting moderation",
        ),
    ];
    for (id, status, code, case) in cases {
        // Act
        let res = report(&app, &id, &reader, &json!({"reason": "spam"})).await;

        // Assert
        assert_problem_for(case, res, status, code).await;
    }
    assert_eq!(stored(&app, &id_of(&held)).await.report_count, 0);
}

on_both_backends!(
    a_commenter_reports_a_comment_only_once,
    another_commenter_can_report_the_same_comment,
    an_invalid_report_is_refused,
    an_anonymous_report_is_refused,
    reporting_an_unknown_or_unpublished_comment_is_refused,
);
