//! Likes: one per commenter, idempotent both ways, and shown as `liked_by_me` to the liker only.

use reqwest::StatusCode;
use serde_json::json;

use crate::comment_helpers::{
    another_guest, assert_problem_for, id_of, ids, json_with, like, replies, stored, text, unlike,
};
use crate::helpers::{Auth, Backend, spawn_app};
use crate::on_both_backends;

async fn liking_twice_counts_once_and_unliking_twice_leaves_none(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, _) = app.guest_comment("a1", &text(0)).await;
    let id = id_of(&created);
    let liker = another_guest(&app).await;

    let steps = [
        ("like", 1, true, "the first like"),
        ("like", 1, true, "the same like again"),
        ("unlike", 0, false, "the unlike"),
        ("unlike", 0, false, "the same unlike again"),
    ];
    for (action, count, liked, step) in steps {
        // Act
        let res = match action {
            "like" => like(&app, &id, &liker).await,
            _ => unlike(&app, &id, &liker).await,
        };

        // Assert
        let state = json_with(res, StatusCode::OK).await;
        assert_eq!(
            state,
            json!({"like_count": count, "liked_by_me": liked}),
            "{step}"
        );
        assert_eq!(
            stored(&app, &id).await.like_count,
            count,
            "{step}: the stored count"
        );
        let page = app.thread("demo", "a1", "", &Auth::None).await;
        assert_eq!(
            page["comments"][0]["like_count"], count,
            "{step}: the listed count"
        );
    }
}

async fn likes_from_several_commenters_add_up(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, _) = app.guest_comment("a1", &text(0)).await;
    let id = id_of(&created);
    let (first, second, third) = (
        another_guest(&app).await,
        another_guest(&app).await,
        another_guest(&app).await,
    );

    // Act
    for (liker, expected) in [(&first, 1), (&second, 2), (&third, 3)] {
        let state = json_with(like(&app, &id, liker).await, StatusCode::OK).await;
        assert_eq!(state["like_count"], expected);
    }
    let state = json_with(unlike(&app, &id, &first).await, StatusCode::OK).await;

    // Assert
    assert_eq!(state["like_count"], 2, "one unlike takes one like away");
    assert_eq!(stored(&app, &id).await.like_count, 2);
}

async fn liked_by_me_is_true_only_for_the_liker(backend: Backend) {
    // Arrange: a comment and its reply, both liked by one reader.
    let app = spawn_app(&backend).await;
    let (parent, author) = app.guest_comment("a1", &text(0)).await;
    let reply = app
        .comment_as(&author, "a1", &text(1), Some(&id_of(&parent)))
        .await;
    let liker = another_guest(&app).await;
    for id in [id_of(&parent), id_of(&reply)] {
        assert_eq!(like(&app, &id, &liker).await.status(), StatusCode::OK);
    }

    let viewers = [
        (&liker, true, "the liker"),
        (&author, false, "the author"),
        (&Auth::None, false, "anonymous"),
    ];
    for (viewer, liked, case) in viewers {
        // Act
        let page = app.thread("demo", "a1", "", viewer).await;
        let more = json_with(replies(&app, &id_of(&parent), "", viewer).await, StatusCode::OK).await;

        // Assert
        let listed = &page["comments"][0];
        assert_eq!(listed["liked_by_me"], liked, "{case}: the comment in the thread");
        assert_eq!(listed["like_count"], 1, "{case}");
        assert_eq!(
            listed["replies"][0]["liked_by_me"], liked,
            "{case}: the reply in the thread"
        );
        assert_eq!(ids(&more), [id_of(&reply)], "{case}");
        assert_eq!(
            more["comments"][0]["liked_by_me"], liked,
            "{case}: the reply in the reply page"
        );
    }
}

async fn an_anonymous_like_is_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, _) = app.guest_comment("a1", &text(0)).await;
    let id = id_of(&created);

    // Act
    let liked = like(&app, &id, &Auth::None).await;
    let unliked = unlike(&app, &id, &Auth::None).await;

    // Assert
    assert_problem_for(
        "an anonymous like",
        liked,
        StatusCode::UNAUTHORIZED,
        "login_required",
    )
    .await;
    assert_problem_for(
        "an anonymous unlike",
        unliked,
        StatusCode::UNAUTHORIZED,
        "login_required",
    )
    .await;
    assert_eq!(stored(&app, &id).await.like_count, 0);
}

async fn liking_an_unknown_or_malformed_comment_is_not_found(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let liker = another_guest(&app).await;
    let unknown = uuid::Uuid::now_v7().to_string();

    let cases = [
        (unknown.as_str(), "an unknown id"),
        ("not-a-uuid", "a malformed id"),
        ("00000000-0000-0000-0000-00000000000", "an id one digit short"),
    ];
    for (id, case) in cases {
        // Act
        let liked = like(&app, id, &liker).await;
        let unliked = unlike(&app, id, &liker).await;

        // Assert
        assert_problem_for(
            &format!("like: {case}"),
            liked,
            StatusCode::NOT_FOUND,
            "comment_not_found",
        )
        .await;
        assert_problem_for(
            &format!("unlike: {case}"),
            unliked,
            StatusCode::NOT_FOUND,
            "comment_not_found",
        )
        .await;
    }
}

async fn a_comment_that_is_not_published_cannot_be_liked(backend: Backend) {
    // Arrange: a held comment on the premoderated site, liked by its own author.
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
    let author = Auth::Guest(held["guest_token"].as_str().expect("guest token").to_string());

    // Act
    let res = like(&app, &id_of(&held), &author).await;

    // Assert
    assert_problem_for(
        "a like of a held comment",
        res,
        StatusCode::CONFLICT,
        "not_published",
    )
    .await;
    assert_eq!(stored(&app, &id_of(&held)).await.like_count, 0);
}

on_both_backends!(
    liking_twice_counts_once_and_unliking_twice_leaves_none,
    likes_from_several_commenters_add_up,
    liked_by_me_is_true_only_for_the_liker,
    an_anonymous_like_is_refused,
    liking_an_unknown_or_malformed_comment_is_not_found,
    a_comment_that_is_not_published_cannot_be_liked,
);
