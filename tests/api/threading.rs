//! Replies: where they attach, how deep they nest, how a listing shows them and how the rest
//! are paged, and which parents are refused.

use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::comment_helpers::{
    assert_problem_for, delete, id_of, ids, json_with, replies, reply_ids, stored, text,
};
use crate::helpers::{Auth, Backend, spawn_app};
use crate::on_both_backends;

async fn a_reply_is_listed_under_its_parent(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (parent, author) = app.guest_comment("a1", &text(0)).await;
    let parent_id = id_of(&parent);

    // Act
    let reply = app.comment_as(&author, "a1", &text(1), Some(&parent_id)).await;

    // Assert
    assert_eq!(reply["parent_id"], parent_id.as_str());
    assert_eq!(reply["status"], "published");
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(
        ids(&page),
        std::slice::from_ref(&parent_id),
        "only top-level comments are listed at the top"
    );
    let listed = &page["comments"][0];
    assert_eq!(reply_ids(listed), [id_of(&reply)]);
    assert_eq!(listed["reply_count"], 1);
    assert_eq!(listed["replies"][0]["parent_id"], parent_id.as_str());
    assert_eq!(listed["replies"][0]["body"], text(1));
    assert_eq!(page["total"], 2, "the total counts replies too");
}

async fn replies_nest_three_deep_and_a_reply_to_the_deepest_becomes_its_sibling(backend: Backend) {
    // Arrange: a chain top ← r1 ← r2 ← r3, at depths 0 to 3.
    let app = spawn_app(&backend).await;
    let (top, guest) = app.guest_comment("a1", &text(0)).await;
    let mut chain = vec![id_of(&top)];
    for i in 1..=3 {
        let reply = app.comment_as(&guest, "a1", &text(i), Some(&chain[i - 1])).await;
        assert_eq!(
            reply["parent_id"],
            chain[i - 1].as_str(),
            "depth {i} attaches under its parent"
        );
        chain.push(id_of(&reply));
    }
    for (depth, id) in chain.iter().enumerate() {
        assert_eq!(
            stored(&app, id).await.depth,
            depth as i64,
            "depth of comment {depth} in the chain"
        );
    }
    let (r2, r3) = (&chain[2], &chain[3]);

    // Act: reply to r3 (at the deepest level), then to that reply.
    let r4 = app.comment_as(&guest, "a1", &text(4), Some(r3)).await;
    let r5 = app.comment_as(&guest, "a1", &text(5), Some(&id_of(&r4))).await;

    // Assert: both became siblings of r3, under r2, at depth 3.
    for (reply, name) in [
        (&r4, "a reply to a depth-3 comment"),
        (&r5, "a reply to that reply"),
    ] {
        assert_eq!(
            reply["parent_id"],
            r2.as_str(),
            "{name} attaches to the deepest comment's parent"
        );
        assert_eq!(
            stored(&app, &id_of(reply)).await.depth,
            3,
            "{name} stays at depth 3"
        );
    }
    let under_r2 = json_with(replies(&app, r2, "", &Auth::None).await, StatusCode::OK).await;
    assert_eq!(ids(&under_r2), [r3.clone(), id_of(&r4), id_of(&r5)]);
    assert_eq!(under_r2["total"], 3);
    let under_r3 = json_with(replies(&app, r3, "", &Auth::None).await, StatusCode::OK).await;
    assert_eq!(
        ids(&under_r3),
        Vec::<String>::new(),
        "nothing nests under the deepest level"
    );
    assert_eq!(under_r3["total"], 0);
}

async fn a_listing_carries_the_first_three_replies_and_the_reply_count(backend: Backend) {
    // Arrange: one comment with five replies, one with a single reply, one with none.
    let app = spawn_app(&backend).await;
    let (busy, guest) = app.guest_comment("a1", &text(0)).await;
    let quiet = app.comment_as(&guest, "a1", &text(1), None).await;
    let silent = app.comment_as(&guest, "a1", &text(2), None).await;
    let mut busy_replies = Vec::new();
    for i in 0..5 {
        busy_replies.push(id_of(
            &app.comment_as(&guest, "a1", &text(3 + i), Some(&id_of(&busy)))
                .await,
        ));
    }
    let quiet_reply = app.comment_as(&guest, "a1", &text(9), Some(&id_of(&quiet))).await;

    // Act
    let page = app.thread("demo", "a1", "sort=oldest", &Auth::None).await;

    // Assert
    assert_eq!(ids(&page), [id_of(&busy), id_of(&quiet), id_of(&silent)]);
    let listed = &page["comments"];
    assert_eq!(
        reply_ids(&listed[0]),
        busy_replies[..3],
        "the first three replies, oldest first"
    );
    assert_eq!(listed[0]["reply_count"], 5);
    assert_eq!(reply_ids(&listed[1]), [id_of(&quiet_reply)]);
    assert_eq!(listed[1]["reply_count"], 1);
    assert_eq!(reply_ids(&listed[2]), Vec::<String>::new());
    assert_eq!(listed[2]["reply_count"], 0);
    assert_eq!(page["total"], 9);
}

async fn more_replies_are_paged_with_a_cursor_without_duplicates_or_gaps(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (top, guest) = app.guest_comment("a1", &text(0)).await;
    let top_id = id_of(&top);
    let mut expected = Vec::new();
    for i in 0..7 {
        expected.push(id_of(
            &app.comment_as(&guest, "a1", &text(1 + i), Some(&top_id)).await,
        ));
    }

    // Act: pages of two.
    let mut seen = Vec::new();
    let mut query = "limit=2".to_string();
    let mut pages = 0;
    loop {
        let page = json_with(replies(&app, &top_id, &query, &Auth::None).await, StatusCode::OK).await;
        pages += 1;
        assert!(ids(&page).len() <= 2, "page {pages} holds at most two: {page}");
        assert_eq!(page["total"], 7, "page {pages} gives the parent's reply count");
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) if pages < 10 => query = format!("limit=2&cursor={cursor}"),
            Some(_) => panic!("paging did not end: {seen:?}"),
            None => break,
        }
    }

    // Assert
    assert_eq!(seen, expected, "every reply once, oldest first");
    assert_eq!(pages, 4);
}

async fn a_reply_to_a_comment_that_is_not_published_is_refused(backend: Backend) {
    // Arrange: a held comment on the premoderated site, and a deleted one on demo.
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
    let held_author = Auth::Guest(held["guest_token"].as_str().expect("guest token").to_string());
    assert_eq!(held["status"], "pending");
    let (gone, demo_author) = app.guest_comment("a1", &text(1)).await;
    assert_eq!(
        delete(&app, &id_of(&gone), &demo_author).await.status(),
        StatusCode::NO_CONTENT
    );

    let cases = [
        (
            "premod",
            &held_author,
            id_of(&held),
            "a reply to a comment awaiting moderation",
        ),
        ("demo", &demo_author, id_of(&gone), "a reply to a deleted comment"),
    ];
    for (site, auth, parent, case) in cases {
        // Act
        let res = app
            .post_comment(site, "a1", auth, json!({"body": text(2), "parent_id": parent}))
            .await;

        // Assert
        assert_problem_for(case, res, StatusCode::CONFLICT, "parent_not_published").await;
    }
    assert_eq!(stored(&app, &id_of(&held)).await.reply_count, 0);
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(page["total"], 0, "nothing was published on demo");
}

async fn a_reply_to_an_unknown_or_foreign_parent_is_refused(backend: Backend) {
    // Arrange: a comment on another article of demo, and one on another site.
    let app = spawn_app(&backend).await;
    let (elsewhere, guest) = app.guest_comment("a2", &text(0)).await;
    let res = app
        .post_comment(
            "premod",
            "a1",
            &Auth::None,
            json!({"body": text(1), "author_name": "سارة"}),
        )
        .await;
    let other_site = json_with(res, StatusCode::CREATED).await;

    let cases = [
        (Uuid::now_v7().to_string(), "an id no comment has"),
        (id_of(&elsewhere), "a comment of another article"),
        (
            id_of(&other_site),
            "a comment of the same article id on another site",
        ),
    ];
    for (parent, case) in cases {
        // Act
        let res = app
            .post_comment(
                "demo",
                "a1",
                &guest,
                json!({"body": text(2), "parent_id": parent}),
            )
            .await;

        // Assert
        let problem =
            assert_problem_for(case, res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "parent_id", "{case}: {problem}");
        assert_eq!(problem["errors"][0]["code"], "not_found", "{case}: {problem}");
    }
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(page["total"], 0, "no reply was stored");
    assert_eq!(stored(&app, &id_of(&elsewhere)).await.reply_count, 0);
}

async fn replies_of_an_unknown_comment_are_not_found(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;

    for (id, case) in [
        (Uuid::now_v7().to_string(), "an unknown id"),
        ("not-a-uuid".to_string(), "a malformed id"),
    ] {
        // Act
        let res = replies(&app, &id, "", &Auth::None).await;

        // Assert
        assert_problem_for(case, res, StatusCode::NOT_FOUND, "comment_not_found").await;
    }
}

on_both_backends!(
    a_reply_is_listed_under_its_parent,
    replies_nest_three_deep_and_a_reply_to_the_deepest_becomes_its_sibling,
    a_listing_carries_the_first_three_replies_and_the_reply_count,
    more_replies_are_paged_with_a_cursor_without_duplicates_or_gaps,
    a_reply_to_a_comment_that_is_not_published_is_refused,
    a_reply_to_an_unknown_or_foreign_parent_is_refused,
    replies_of_an_unknown_comment_are_not_found,
);
