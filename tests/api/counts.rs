//! `GET /v1/sites/{site}/comment-counts`: published counts for the article lists of a site.

use reqwest::StatusCode;
use serde_json::json;

use crate::comment_helpers::{assert_problem_for, delete, id_of, json_with, text};
use crate::helpers::{Auth, Backend, spawn_app};
use crate::on_both_backends;

async fn counts_are_given_for_each_named_article(backend: Backend) {
    // Arrange: a has a comment and a reply, b one published and one deleted comment,
    // c nothing; the same id on the premoderated site holds a comment that is not counted.
    let app = spawn_app(&backend).await;
    let (first, guest) = app.guest_comment("a", &text(0)).await;
    app.comment_as(&guest, "a", &text(1), Some(&id_of(&first))).await;
    app.comment_as(&guest, "b", &text(2), None).await;
    let gone = app.comment_as(&guest, "b", &text(3), None).await;
    assert_eq!(
        delete(&app, &id_of(&gone), &guest).await.status(),
        StatusCode::NO_CONTENT
    );
    let res = app
        .post_comment(
            "premod",
            "c",
            &Auth::None,
            json!({"body": text(4), "author_name": "سارة"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // Act
    let res = app
        .get(
            "/v1/sites/demo/comment-counts?articles=a,b,c,never-seen",
            &Auth::None,
        )
        .await;

    // Assert
    let body = json_with(res, StatusCode::OK).await;
    assert_eq!(body, json!({"counts": {"a": 2, "b": 1, "c": 0, "never-seen": 0}}));
    let premod = json_with(
        app.get("/v1/sites/premod/comment-counts?articles=c", &Auth::None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        premod,
        json!({"counts": {"c": 0}}),
        "a held comment is not counted"
    );
}

async fn up_to_a_hundred_articles_are_counted(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    app.guest_comment("n7", &text(0)).await;
    let hundred: Vec<String> = (0..100).map(|i| format!("n{i}")).collect();
    let too_many: Vec<String> = (0..101).map(|i| format!("n{i}")).collect();

    // Act
    let ok = app
        .get(
            &format!("/v1/sites/demo/comment-counts?articles={}", hundred.join(",")),
            &Auth::None,
        )
        .await;
    let refused = app
        .get(
            &format!("/v1/sites/demo/comment-counts?articles={}", too_many.join(",")),
            &Auth::None,
        )
        .await;

    // Assert
    let body = json_with(ok, StatusCode::OK).await;
    let counts = body["counts"].as_object().expect("counts");
    assert_eq!(counts.len(), 100, "every named article is present");
    assert_eq!(counts["n7"], 1);
    assert!(
        counts.iter().filter(|(k, _)| *k != "n7").all(|(_, v)| v == 0),
        "{body}"
    );
    assert_problem_for(
        "101 articles",
        refused,
        StatusCode::BAD_REQUEST,
        "invalid_articles",
    )
    .await;
}

async fn invalid_article_lists_are_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let overlong = format!("articles={}", "x".repeat(129));

    let cases = [
        (
            "articles=a,b%20c",
            StatusCode::BAD_REQUEST,
            "invalid_articles",
            "an id with a space",
        ),
        (
            "articles=a,b%2Fc",
            StatusCode::BAD_REQUEST,
            "invalid_articles",
            "an id with a slash",
        ),
        (
            "articles=%D9%85%D9%82%D8%A7%D9%84",
            StatusCode::BAD_REQUEST,
            "invalid_articles",
            "an id in Arabic letters",
        ),
        (
            "articles=..",
            StatusCode::BAD_REQUEST,
            "invalid_articles",
            "a dot-dot id",
        ),
        (
            overlong.as_str(),
            StatusCode::BAD_REQUEST,
            "invalid_articles",
            "an id over 128",
        ),
        ("articles=", StatusCode::BAD_REQUEST, "invalid_articles", "no ids"),
        (
            "articles=,,,",
            StatusCode::BAD_REQUEST,
            "invalid_articles",
            "only commas",
        ),
        (
            "",
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "no articles parameter",
        ),
        (
            "articles=a&sort=top",
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "an unknown parameter",
        ),
    ];
    for (query, status, code, case) in cases {
        // Act
        let res = app
            .get(&format!("/v1/sites/demo/comment-counts?{query}"), &Auth::None)
            .await;

        // Assert
        assert_problem_for(case, res, status, code).await;
    }
    let res = app
        .get("/v1/sites/no-such-site/comment-counts?articles=a", &Auth::None)
        .await;
    assert_problem_for("an unknown site", res, StatusCode::NOT_FOUND, "site_not_found").await;
}

on_both_backends!(
    counts_are_given_for_each_named_article,
    up_to_a_hundred_articles_are_counted,
    invalid_article_lists_are_refused,
);
