//! Who sees what: held comments only for their authors, tombstones that keep a thread's shape,
//! and bot submissions stored as spam.

use majlis::comments::view::{RejectionCause, moderation_message};
use majlis::domain::CommentStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::comment_helpers::{delete, id_of, ids, json_with, reply_ids, stored, text};
use crate::helpers::{Auth, Backend, TestApp, spawn_app};
use crate::on_both_backends;

/// Posts as a new guest on `site`; returns the answer and the guest's credentials.
async fn new_guest_posts(app: &TestApp, site: &str, article: &str, fields: Value) -> (Value, Auth) {
    let mut body = json!({"author_name": "ضيف"});
    body.as_object_mut()
        .expect("object")
        .extend(fields.as_object().expect("object").clone());
    let created = json_with(
        app.post_comment(site, article, &Auth::None, body).await,
        StatusCode::CREATED,
    )
    .await;
    let token = created["guest_token"]
        .as_str()
        .unwrap_or_else(|| panic!("a guest token in {created}"))
        .to_string();
    (created, Auth::Guest(token))
}

async fn a_held_comment_is_listed_only_for_its_author(backend: Backend) {
    // Arrange: another guest of the premoderated site (who has posted elsewhere).
    let app = spawn_app(&backend).await;
    let (_, other) = new_guest_posts(&app, "premod", "elsewhere", json!({"body": text(0)})).await;

    // Act
    let (held, author) = new_guest_posts(&app, "premod", "a1", json!({"body": text(1)})).await;

    // Assert: the author is told, in the site's language (Arabic), that it awaits moderation.
    assert_eq!(held["status"], "pending");
    let pending_message = moderation_message(CommentStatus::Pending, RejectionCause::Moderator, "ar")
        .expect("a message for pending");
    assert_eq!(held["moderation_message"], pending_message.as_str());
    assert!(
        pending_message
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "the message is Arabic"
    );

    let mine = app.thread("premod", "a1", "", &author).await;
    assert_eq!(ids(&mine), [id_of(&held)], "the author sees their held comment");
    assert_eq!(mine["comments"][0]["status"], "pending", "marked as pending");
    assert_eq!(
        mine["comments"][0]["moderation_message"],
        pending_message.as_str()
    );
    assert_eq!(mine["total"], 0, "the total counts published comments only");

    for (viewer, case) in [
        (&other, "another commenter"),
        (&Auth::None, "an anonymous reader"),
    ] {
        let page = app.thread("premod", "a1", "", viewer).await;
        assert_eq!(
            ids(&page),
            Vec::<String>::new(),
            "{case} does not see a held comment"
        );
        assert_eq!(page["total"], 0, "{case}");
    }
    let counts = json_with(
        app.get("/v1/sites/premod/comment-counts?articles=a1", &Auth::None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(counts["counts"]["a1"], 0, "a held comment is not counted");
}

async fn a_published_comment_carries_no_moderation_message(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;

    // Act
    let (created, author) = app.guest_comment("a1", &text(0)).await;

    // Assert
    assert_eq!(created["status"], "published");
    assert!(created.get("moderation_message").is_none(), "{created}");
    let page = app.thread("demo", "a1", "", &author).await;
    assert!(page["comments"][0].get("moderation_message").is_none(), "{page}");
}

async fn a_deleted_comment_with_replies_stays_as_a_tombstone(backend: Backend) {
    // Arrange: a comment with a reply by someone else, and a second comment.
    let app = spawn_app(&backend).await;
    let (parent, author) = app.guest_comment("a1", &text(0)).await;
    let (_, replier) = app.guest_comment("a2", &text(1)).await;
    let reply = app
        .comment_as(&replier, "a1", &text(2), Some(&id_of(&parent)))
        .await;
    let other = app.comment_as(&replier, "a1", &text(3), None).await;
    assert_eq!(app.thread("demo", "a1", "", &Auth::None).await["total"], 3);

    // Act
    let res = delete(&app, &id_of(&parent), &author).await;

    // Assert
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for (viewer, case) in [(&Auth::None, "an anonymous reader"), (&author, "the author")] {
        let page = app.thread("demo", "a1", "sort=oldest", viewer).await;
        assert_eq!(
            ids(&page),
            [id_of(&parent), id_of(&other)],
            "{case}: the tombstone keeps its place"
        );
        let tombstone = &page["comments"][0];
        assert_eq!(tombstone["status"], "deleted", "{case}");
        assert_eq!(tombstone["body"], Value::Null, "{case}: no body");
        assert_eq!(tombstone["author"], Value::Null, "{case}: no author");
        assert_eq!(tombstone["reply_count"], 1, "{case}");
        assert_eq!(
            reply_ids(tombstone),
            [id_of(&reply)],
            "{case}: its reply is still shown"
        );
        assert_eq!(tombstone["replies"][0]["body"], text(2), "{case}");
        assert_eq!(
            page["total"], 2,
            "{case}: the deleted comment is no longer counted"
        );
    }
    assert_eq!(
        stored(&app, &id_of(&parent)).await.body,
        text(0),
        "the body is kept for moderators"
    );
}

async fn a_deleted_comment_without_replies_disappears(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (gone, author) = app.guest_comment("a1", &text(0)).await;
    let kept = app.comment_as(&author, "a1", &text(1), None).await;

    // Act
    let res = delete(&app, &id_of(&gone), &author).await;

    // Assert
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for (viewer, case) in [(&Auth::None, "an anonymous reader"), (&author, "the author")] {
        let page = app.thread("demo", "a1", "", viewer).await;
        assert_eq!(ids(&page), [id_of(&kept)], "{case}");
        assert_eq!(page["total"], 1, "{case}");
    }
    assert_eq!(stored(&app, &id_of(&gone)).await.status(), CommentStatus::Deleted);
}

async fn a_deleted_reply_leaves_its_parent(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (parent, author) = app.guest_comment("a1", &text(0)).await;
    let gone = app
        .comment_as(&author, "a1", &text(1), Some(&id_of(&parent)))
        .await;
    let kept = app
        .comment_as(&author, "a1", &text(2), Some(&id_of(&parent)))
        .await;

    // Act
    let res = delete(&app, &id_of(&gone), &author).await;

    // Assert
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(reply_ids(&page["comments"][0]), [id_of(&kept)]);
    assert_eq!(page["comments"][0]["reply_count"], 1);
    assert_eq!(page["total"], 2);
    let more = json_with(
        app.get(&format!("/v1/comments/{}/replies", id_of(&parent)), &Auth::None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&more), [id_of(&kept)]);
    assert_eq!(more["total"], 1);
}

async fn a_tombstone_disappears_with_its_last_reply(backend: Backend) {
    // Arrange: a deleted comment kept only by its one reply.
    let app = spawn_app(&backend).await;
    let (parent, author) = app.guest_comment("a1", &text(0)).await;
    let (_, replier) = app.guest_comment("a2", &text(1)).await;
    let reply = app
        .comment_as(&replier, "a1", &text(2), Some(&id_of(&parent)))
        .await;
    assert_eq!(
        delete(&app, &id_of(&parent), &author).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        ids(&app.thread("demo", "a1", "", &Auth::None).await),
        [id_of(&parent)]
    );

    // Act
    let res = delete(&app, &id_of(&reply), &replier).await;

    // Assert
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(ids(&page), Vec::<String>::new(), "nothing is left to show");
    assert_eq!(page["total"], 0);
}

async fn a_bot_submission_is_stored_as_spam_and_looks_held_to_its_author(backend: Backend) {
    // Arrange: a reader who has commented elsewhere.
    let app = spawn_app(&backend).await;
    let (_, reader) = app.guest_comment("elsewhere", &text(23)).await;
    let pending = moderation_message(CommentStatus::Pending, RejectionCause::Moderator, "ar")
        .expect("a message for pending");

    let cases = [
        (
            json!({"hp": "https://cheap.example"}),
            "spam",
            "a filled honeypot",
        ),
        (json!({"form_ms": 300}), "spam", "a form sent in 0.3 s"),
        (json!({"form_ms": 1499}), "spam", "a form sent just under 1.5 s"),
        (
            json!({"hp": "x", "form_ms": 40_000}),
            "spam",
            "a filled honeypot on a slow form",
        ),
        (json!({"form_ms": 1500}), "published", "a form sent in 1.5 s"),
        (json!({"hp": "  "}), "published", "a honeypot holding only spaces"),
        (
            json!({"hp": "", "form_ms": 40_000}),
            "published",
            "an empty honeypot and a 40 s form",
        ),
    ];
    for (i, (mut body, stored_status, case)) in cases.into_iter().enumerate() {
        let article = format!("bot{i}");
        body["body"] = json!(text(i));

        // Act
        let (created, _) = new_guest_posts(&app, "demo", &article, body).await;

        // Assert
        let row = stored(&app, &id_of(&created)).await;
        assert_eq!(row.status, stored_status, "{case}: stored status");
        for (viewer, who) in [
            (&Auth::None, "an anonymous reader"),
            (&reader, "another commenter"),
        ] {
            let page = app.thread("demo", &article, "", viewer).await;
            let (listed, total) = match stored_status {
                "spam" => (vec![], 0),
                _ => (vec![id_of(&created)], 1),
            };
            assert_eq!(ids(&page), listed, "{case}: listed for {who}");
            assert_eq!(page["total"], total, "{case}: total for {who}");
        }
        if stored_status == "spam" {
            assert_eq!(
                created["status"], "pending",
                "{case}: the author is told it is held"
            );
            assert_eq!(
                created["moderation_message"],
                pending.as_str(),
                "{case}: without saying why"
            );
        } else {
            assert_eq!(created["status"], "published", "{case}");
            assert!(created.get("moderation_message").is_none(), "{case}: {created}");
        }
    }
}

on_both_backends!(
    a_held_comment_is_listed_only_for_its_author,
    a_published_comment_carries_no_moderation_message,
    a_deleted_comment_with_replies_stays_as_a_tombstone,
    a_deleted_comment_without_replies_disappears,
    a_deleted_reply_leaves_its_parent,
    a_tombstone_disappears_with_its_last_reply,
    a_bot_submission_is_stored_as_spam_and_looks_held_to_its_author,
);
