//! Thread pages: the three sorts, keyset cursors that survive new comments, and the cursors
//! and limits that are refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::comment_helpers::{
    all_thread_pages, another_guest, assert_problem_for, id_of, ids, json_with, like, replies, text,
};
use crate::helpers::{Auth, Backend, TestApp, spawn_app};
use crate::on_both_backends;

/// Posts `likes.len()` top-level comments on `a1`, the `i`-th liked by `likes[i]` commenters.
/// Returns their ids in creation order.
async fn comments_with_likes(app: &TestApp, likes: &[usize]) -> Vec<String> {
    let (first, author) = app.guest_comment("a1", &text(0)).await;
    let mut posted = vec![id_of(&first)];
    for i in 1..likes.len() {
        posted.push(id_of(&app.comment_as(&author, "a1", &text(i), None).await));
    }
    let most = likes.iter().copied().max().unwrap_or(0);
    let mut likers = Vec::new();
    for _ in 0..most {
        likers.push(another_guest(app).await);
    }
    for (id, &count) in posted.iter().zip(likes) {
        for liker in &likers[..count] {
            assert_eq!(like(app, id, liker).await.status(), StatusCode::OK);
        }
    }
    posted
}

/// The ids of `posted` (in creation order, with `likes`) in the order of `sort`.
fn expected_order(sort: &str, posted: &[String], likes: &[usize]) -> Vec<String> {
    let mut order: Vec<usize> = (0..posted.len()).collect();
    match sort {
        "newest" => order.reverse(),
        "oldest" => {}
        // Most liked first; among equals, the newest.
        "top" => order.sort_by_key(|&i| std::cmp::Reverse((likes[i], i))),
        other => panic!("unknown sort {other}"),
    }
    order.into_iter().map(|i| posted[i].clone()).collect()
}

async fn each_sort_lists_comments_in_its_order(backend: Backend) {
    // Arrange: ties in likes, so `top` must fall back to newest first.
    let app = spawn_app(&backend).await;
    let likes = [1, 2, 0, 2, 0];
    let posted = comments_with_likes(&app, &likes).await;

    let cases = [
        ("newest", "the default sort is newest"),
        ("newest", "newest first"),
        ("oldest", "oldest first"),
        ("top", "most liked first, then newest"),
    ];
    for (i, (sort, case)) in cases.into_iter().enumerate() {
        // Act
        let query = if i == 0 {
            String::new()
        } else {
            format!("sort={sort}")
        };
        let page = app.thread("demo", "a1", &query, &Auth::None).await;

        // Assert
        assert_eq!(ids(&page), expected_order(sort, &posted, &likes), "{case}");
        assert_eq!(
            page["next_cursor"],
            serde_json::Value::Null,
            "{case}: one page holds them all"
        );
        assert_eq!(page["total"], 5, "{case}");
    }
    let top = app.thread("demo", "a1", "sort=top", &Auth::None).await;
    let counts: Vec<_> = top["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| c["like_count"].clone())
        .collect();
    assert_eq!(counts, [2, 2, 1, 0, 0], "like counts as listed by `top`");
}

async fn paging_by_three_yields_every_comment_exactly_once(backend: Backend) {
    // Arrange: ten comments, with ties in likes that straddle page boundaries.
    let app = spawn_app(&backend).await;
    let likes = [0, 1, 0, 2, 1, 0, 2, 0, 1, 0];
    let posted = comments_with_likes(&app, &likes).await;

    for sort in ["newest", "oldest", "top"] {
        // Act
        let seen = all_thread_pages(&app, "a1", &format!("sort={sort}"), 3).await;

        // Assert
        assert_eq!(
            seen,
            expected_order(sort, &posted, &likes),
            "{sort}: every comment once, in order"
        );
    }
}

async fn comments_posted_while_paging_cause_no_duplicates_or_gaps(backend: Backend) {
    for sort in ["newest", "oldest"] {
        // Arrange
        let app = spawn_app(&backend).await;
        let (first, author) = app.guest_comment("a1", &text(0)).await;
        let mut existing = vec![id_of(&first)];
        for i in 1..7 {
            existing.push(id_of(&app.comment_as(&author, "a1", &text(i), None).await));
        }

        // Act: two comments arrive after the first page, one more after the second.
        let mut seen = Vec::new();
        let mut added = Vec::new();
        let mut query = format!("sort={sort}&limit=3");
        for page_number in 1..=10 {
            let page = app.thread("demo", "a1", &query, &Auth::None).await;
            seen.extend(ids(&page));
            let arriving = match page_number {
                1 => 2,
                2 => 1,
                _ => 0,
            };
            for _ in 0..arriving {
                let n = 7 + added.len();
                added.push(id_of(&app.comment_as(&author, "a1", &text(n), None).await));
            }
            match page["next_cursor"].as_str() {
                Some(cursor) => query = format!("sort={sort}&limit=3&cursor={cursor}"),
                None => break,
            }
        }

        // Assert
        let expected: Vec<String> = match sort {
            // The newer comments are ahead of the cursor: the pages go on where they were.
            "newest" => existing.iter().rev().cloned().collect(),
            // The newer comments come after every existing one: they appear at the end.
            _ => existing.iter().chain(&added).cloned().collect(),
        };
        assert_eq!(seen, expected, "{sort}: no duplicates, no gaps");
        let fresh = app
            .thread("demo", "a1", &format!("sort={sort}&limit=3"), &Auth::None)
            .await;
        assert_eq!(fresh["total"], 10, "{sort}: the total counts the new comments");
    }
}

async fn a_cursor_of_one_sort_is_refused_by_another(backend: Backend) {
    // Arrange: four comments, so a page of three has a next cursor.
    let app = spawn_app(&backend).await;
    let (first, author) = app.guest_comment("a1", &text(0)).await;
    for i in 1..4 {
        app.comment_as(&author, "a1", &text(i), None).await;
    }
    let mut cursors = std::collections::HashMap::new();
    for sort in ["newest", "oldest", "top"] {
        let page = app
            .thread("demo", "a1", &format!("sort={sort}&limit=3"), &Auth::None)
            .await;
        let cursor = page["next_cursor"]
            .as_str()
            .unwrap_or_else(|| panic!("{sort}: a next cursor in {page}"));
        cursors.insert(sort, cursor.to_string());
    }

    let cases = [
        ("newest", "oldest", "a newest cursor with oldest"),
        ("newest", "top", "a newest cursor with top"),
        ("oldest", "newest", "an oldest cursor with newest"),
        ("top", "newest", "a top cursor with newest"),
        ("top", "oldest", "a top cursor with oldest"),
    ];
    for (from, to, case) in cases {
        // Act
        let path = format!(
            "/v1/sites/demo/articles/a1/comments?sort={to}&limit=3&cursor={}",
            cursors[from]
        );
        let res = app.get(&path, &Auth::None).await;

        // Assert
        assert_problem_for(case, res, StatusCode::BAD_REQUEST, "invalid_cursor").await;
    }
    // A thread cursor does not page replies either.
    let res = replies(
        &app,
        &id_of(&first),
        &format!("cursor={}", cursors["newest"]),
        &Auth::None,
    )
    .await;
    assert_problem_for(
        "a newest thread cursor on replies",
        res,
        StatusCode::BAD_REQUEST,
        "invalid_cursor",
    )
    .await;
}

async fn a_forged_cursor_is_refused(backend: Backend) {
    // Arrange: a real cursor to tamper with.
    let app = spawn_app(&backend).await;
    let (first, author) = app.guest_comment("a1", &text(0)).await;
    for i in 1..4 {
        app.comment_as(&author, "a1", &text(i), None).await;
    }
    let page = app.thread("demo", "a1", "sort=newest&limit=3", &Auth::None).await;
    let real = page["next_cursor"].as_str().expect("a next cursor").to_string();
    let mut tampered = real.clone().into_bytes();
    tampered[4] = if tampered[4] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    let mut unsigned = format!(
        "newest:0:{}",
        Uuid::parse_str(&id_of(&first)).expect("uuid").simple()
    )
    .into_bytes();
    unsigned.extend_from_slice(&[0; 12]);
    let unsigned = URL_SAFE_NO_PAD.encode(unsigned);

    let cases = [
        (
            "abc".to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
            "a few characters",
        ),
        (
            String::new(),
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
            "an empty cursor",
        ),
        (
            "%21%21%21".to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
            "not base64",
        ),
        (
            tampered,
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
            "a real cursor with one character changed",
        ),
        (
            unsigned,
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
            "a well-formed payload with a made-up signature",
        ),
        (
            "A".repeat(201),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "over 200 characters",
        ),
    ];
    for (cursor, status, code, case) in cases {
        // Act
        let res = app
            .get(
                &format!("/v1/sites/demo/articles/a1/comments?sort=newest&cursor={cursor}"),
                &Auth::None,
            )
            .await;

        // Assert
        let problem = assert_problem_for(case, res, status, code).await;
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(problem["errors"][0]["field"], "cursor", "{case}: {problem}");
        }
    }
}

async fn bad_limits_and_queries_are_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (parent, _) = app.guest_comment("a1", &text(0)).await;
    let thread = "/v1/sites/demo/articles/a1/comments".to_string();
    let more = format!("/v1/comments/{}/replies", id_of(&parent));

    let cases = [
        (
            "limit=0",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "a limit of zero",
        ),
        (
            "limit=101",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "a limit over 100",
        ),
        (
            "limit=-1",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "a negative limit",
        ),
        (
            "limit=abc",
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "a limit that is not a number",
        ),
        (
            "limit=2.5",
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "a limit that is not an integer",
        ),
        (
            "limit=",
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "an empty limit",
        ),
        (
            "page=2",
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "an unknown parameter",
        ),
    ];
    for path in [&thread, &more] {
        for (query, status, code, case) in &cases {
            // Act
            let res = app.get(&format!("{path}?{query}"), &Auth::None).await;

            // Assert
            let case = format!("{case} on {path}");
            let problem = assert_problem_for(&case, res, *status, code).await;
            if *status == StatusCode::UNPROCESSABLE_ENTITY {
                assert_eq!(problem["errors"][0]["field"], "limit", "{case}: {problem}");
                assert_eq!(problem["errors"][0]["code"], "range", "{case}: {problem}");
            }
        }
    }
    let res = app.get(&format!("{thread}?sort=best"), &Auth::None).await;
    assert_problem_for("an unknown sort", res, StatusCode::BAD_REQUEST, "invalid_query").await;
    for limit in [1, 100] {
        let page = json_with(
            app.get(&format!("{thread}?limit={limit}"), &Auth::None).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(ids(&page), [id_of(&parent)], "a limit of {limit} is accepted");
    }
}

on_both_backends!(
    each_sort_lists_comments_in_its_order,
    paging_by_three_yields_every_comment_exactly_once,
    comments_posted_while_paging_cause_no_duplicates_or_gaps,
    a_cursor_of_one_sort_is_refused_by_another,
    a_forged_cursor_is_refused,
    bad_limits_and_queries_are_refused,
);
