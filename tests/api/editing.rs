//! Editing and deleting one's own comment: the edit window, who may, and bad bodies.

use std::time::Duration;

use majlis::domain::CommentStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::comment_helpers::{
    another_guest, assert_problem_for, delete, edit, id_of, ids, json_with, stored, text,
};
use crate::helpers::{Auth, Backend, spawn_app};
use crate::on_both_backends;

async fn the_author_edits_within_the_edit_window(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, author) = app.guest_comment("a1", &text(0)).await;
    assert_eq!(
        created["edited_at"],
        Value::Null,
        "a new comment was never edited"
    );
    app.clock.advance(Duration::from_secs(899));

    // Act
    let res = edit(
        &app,
        &id_of(&created),
        &author,
        &json!({"body": format!("  {}  ", text(1))}),
    )
    .await;

    // Assert
    let edited = json_with(res, StatusCode::OK).await;
    assert_eq!(edited["id"], created["id"]);
    assert_eq!(edited["body"], text(1), "the new body, trimmed");
    assert_eq!(edited["status"], "published");
    assert!(edited["edited_at"].is_string(), "edited_at is set: {edited}");
    assert_ne!(edited["edited_at"], created["created_at"]);
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(page["comments"][0]["body"], text(1), "readers see the new body");
    assert_eq!(page["comments"][0]["edited_at"], edited["edited_at"]);
    assert_eq!(page["total"], 1);
}

async fn an_edit_after_the_edit_window_is_refused(backend: Backend) {
    // Arrange: the demo site's edit window is 900 s.
    let app = spawn_app(&backend).await;
    let (created, author) = app.guest_comment("a1", &text(0)).await;
    app.clock.advance(Duration::from_secs(901));

    // Act
    let res = edit(&app, &id_of(&created), &author, &json!({"body": text(1)})).await;

    // Assert
    assert_problem_for(
        "an edit at 901 s",
        res,
        StatusCode::FORBIDDEN,
        "edit_window_closed",
    )
    .await;
    let row = stored(&app, &id_of(&created)).await;
    assert_eq!(row.body, text(0), "the body is unchanged");
    assert_eq!(row.edited_at, None);
}

async fn only_the_author_may_edit(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, _) = app.guest_comment("a1", &text(0)).await;
    let stranger = another_guest(&app).await;

    let cases = [
        (stranger, StatusCode::FORBIDDEN, "not_author", "another commenter"),
        (
            Auth::None,
            StatusCode::UNAUTHORIZED,
            "login_required",
            "an anonymous reader",
        ),
    ];
    for (auth, status, code, case) in cases {
        // Act
        let res = edit(&app, &id_of(&created), &auth, &json!({"body": text(1)})).await;

        // Assert
        assert_problem_for(case, res, status, code).await;
        assert_eq!(
            stored(&app, &id_of(&created)).await.body,
            text(0),
            "{case}: the body is unchanged"
        );
    }
}

async fn a_deleted_comment_cannot_be_edited(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, author) = app.guest_comment("a1", &text(0)).await;
    assert_eq!(
        delete(&app, &id_of(&created), &author).await.status(),
        StatusCode::NO_CONTENT
    );

    // Act
    let res = edit(&app, &id_of(&created), &author, &json!({"body": text(1)})).await;

    // Assert
    assert_problem_for(
        "an edit of a deleted comment",
        res,
        StatusCode::CONFLICT,
        "not_editable",
    )
    .await;
    let row = stored(&app, &id_of(&created)).await;
    assert_eq!(row.status(), CommentStatus::Deleted, "still deleted");
    assert_eq!(row.body, text(0));
}

async fn an_edit_with_an_invalid_body_is_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, author) = app.guest_comment("a1", &text(0)).await;

    let cases = [
        (json!({"body": ""}), "empty", "an empty body"),
        (json!({"body": " \n\t "}), "empty", "only white space"),
        (json!({"body": "ب".repeat(2001)}), "too_long", "2,001 characters"),
        (json!({"body": "a".repeat(8001)}), "length", "8,001 characters"),
        (
            json!({"body": "قبل\u{0}بعد"}),
            "control_character",
            "a NUL character",
        ),
        (
            json!({"body": format!("z{}", "\u{0301}".repeat(20))}),
            "combining_flood",
            "a flood of combining marks",
        ),
        (json!({}), "required", "no body at all"),
    ];
    for (body, code, case) in cases {
        // Act
        let res = edit(&app, &id_of(&created), &author, &body).await;

        // Assert
        let problem =
            assert_problem_for(case, res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "body", "{case}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{case}: {problem}");
    }
    let row = stored(&app, &id_of(&created)).await;
    assert_eq!(row.body, text(0), "no refused edit changed the body");
    assert_eq!(row.edited_at, None);
}

async fn only_the_author_may_delete(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, _) = app.guest_comment("a1", &text(0)).await;
    let stranger = another_guest(&app).await;

    let cases = [
        (stranger, StatusCode::FORBIDDEN, "not_author", "another commenter"),
        (
            Auth::None,
            StatusCode::UNAUTHORIZED,
            "login_required",
            "an anonymous reader",
        ),
    ];
    for (auth, status, code, case) in cases {
        // Act
        let res = delete(&app, &id_of(&created), &auth).await;

        // Assert
        assert_problem_for(case, res, status, code).await;
        let page = app.thread("demo", "a1", "", &Auth::None).await;
        assert_eq!(
            ids(&page),
            [id_of(&created)],
            "{case}: the comment is still listed"
        );
        assert_eq!(page["comments"][0]["status"], "published", "{case}");
    }
}

async fn deleting_twice_answers_no_content_both_times(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, author) = app.guest_comment("a1", &text(0)).await;
    app.comment_as(&author, "a1", &text(1), None).await;

    for attempt in ["the first delete", "the second delete"] {
        // Act
        let res = delete(&app, &id_of(&created), &author).await;

        // Assert
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{attempt}");
        assert_eq!(
            stored(&app, &id_of(&created)).await.status(),
            CommentStatus::Deleted,
            "{attempt}"
        );
        assert_eq!(
            app.thread("demo", "a1", "", &Auth::None).await["total"],
            1,
            "{attempt}: counted once"
        );
    }
}

async fn editing_or_deleting_an_unknown_comment_is_not_found(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (_, author) = app.guest_comment("a1", &text(0)).await;
    let unknown = uuid::Uuid::now_v7().to_string();

    for (id, case) in [
        (unknown.as_str(), "an unknown id"),
        ("not-a-uuid", "a malformed id"),
    ] {
        // Act
        let edited = edit(&app, id, &author, &json!({"body": text(1)})).await;
        let deleted = delete(&app, id, &author).await;

        // Assert
        assert_problem_for(
            &format!("edit: {case}"),
            edited,
            StatusCode::NOT_FOUND,
            "comment_not_found",
        )
        .await;
        assert_problem_for(
            &format!("delete: {case}"),
            deleted,
            StatusCode::NOT_FOUND,
            "comment_not_found",
        )
        .await;
    }
}

on_both_backends!(
    the_author_edits_within_the_edit_window,
    an_edit_after_the_edit_window_is_refused,
    only_the_author_may_edit,
    a_deleted_comment_cannot_be_edited,
    an_edit_with_an_invalid_body_is_refused,
    only_the_author_may_delete,
    deleting_twice_answers_no_content_both_times,
    editing_or_deleting_an_unknown_comment_is_not_found,
);
