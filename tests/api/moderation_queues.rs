//! The moderation queues (SPEC §5): what is in them, their counts, filters, order and paging.

use majlis::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::comment_helpers::{assert_problem_for, json_with};
use crate::helpers::{Auth, Backend, spawn_app};
use crate::moderation_helpers::{approve, counts, held, held_many, item_ids, queue, staff};
use crate::on_both_backends;

async fn a_held_comment_is_invisible_until_approved_then_listed_and_counted(backend: Backend) {
    // Arrange: a comment held by the site's pre-moderation.
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let (id, _) = held(&app, "held", 0).await;
    let page = app.thread("premod", "held", "", &Auth::None).await;
    assert_eq!(page["total"], 0);
    assert!(page["comments"].as_array().unwrap().is_empty(), "{page}");

    // The pending queue shows it, with its article, author history and verdict.
    let pending = queue(&app, &key, "pending", "site=premod").await;
    assert_eq!(item_ids(&pending), [id.as_str()]);
    let item = &pending["items"][0];
    assert_eq!(item["article"]["article"], "held");
    assert_eq!(item["author"]["approved_count"], 0);
    assert!(item["verdict"]["score"].is_number(), "{item}");
    assert!(item["claim"].is_null());
    assert_eq!(counts(&app, &key).await["sites"]["premod"]["pending"], 1);

    // Act
    let comment = approve(&app, &key, &id).await;

    // Assert: published, listed and counted; out of the queue; the author's trust moved.
    assert_eq!(comment["status"], "published");
    let page = app.thread("premod", "held", "", &Auth::None).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["comments"][0]["id"], id.as_str());
    assert!(item_ids(&queue(&app, &key, "pending", "site=premod").await).is_empty());
    let all = counts(&app, &key).await;
    assert_eq!(all["queues"]["pending"], 0, "{all}");
    let author = item["author"]["id"].as_str().unwrap();
    let history = json_with(
        app.get(&format!("/v1/moderation/users/premod/{author}"), &key)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(history["commenter"]["approved_count"], 1, "{history}");
}

async fn queue_pages_follow_the_cursor_without_duplicates_in_either_order(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let posted = held_many(&app, "paged", 5).await;
    for order in ["oldest", "priority"] {
        let mut seen = Vec::new();
        let mut cursor = String::new();
        for _ in 0..10 {
            let page = queue(&app, &key, "pending", &format!("order={order}&limit=2{cursor}")).await;
            assert!(item_ids(&page).len() <= 2);
            seen.extend(item_ids(&page));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = format!("&cursor={c}"),
                None => break,
            }
        }
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 5, "{order}: every item once: {seen:?}");
        if order == "oldest" {
            assert_eq!(seen, posted, "oldest first");
        }
    }
}

async fn queues_filter_by_article_and_section(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let res = app
        .request(Method::PUT, "/v1/sites/premod/articles/sport-1", &key)
        .json(&json!({"section": "sport", "title": "المباراة"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (sport, _) = held(&app, "sport-1", 0).await;
    let (other, _) = held(&app, "politics-1", 1).await;

    let by_section = queue(&app, &key, "pending", "section=sport").await;
    assert_eq!(item_ids(&by_section), [sport.as_str()]);
    assert_eq!(by_section["items"][0]["article"]["title"], "المباراة");
    let by_article = queue(&app, &key, "pending", "site=premod&article=politics-1").await;
    assert_eq!(item_ids(&by_article), [other]);
    assert!(item_ids(&queue(&app, &key, "pending", "site=demo").await).is_empty());
}

async fn bad_queue_requests_are_problems(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    held_many(&app, "bad", 3).await;
    let page = queue(&app, &key, "pending", "limit=1").await;
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let cases = [
        (
            "unknown queue",
            "/v1/moderation/queues/approved".to_string(),
            StatusCode::NOT_FOUND,
            "queue_not_found",
        ),
        (
            "unknown order",
            "/v1/moderation/queues/pending?order=newest".into(),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "limit 0",
            "/v1/moderation/queues/pending?limit=0".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "limit 101",
            "/v1/moderation/queues/pending?limit=101".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "forged cursor",
            "/v1/moderation/queues/pending?cursor=AAAAAAAAAAAAAAAAAAAAAAAA".into(),
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
        ),
        (
            "another queue's cursor",
            format!("/v1/moderation/queues/spam?cursor={cursor}"),
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
        ),
        (
            "another order's cursor",
            format!("/v1/moderation/queues/pending?order=priority&cursor={cursor}"),
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
        ),
        (
            "unknown site",
            "/v1/moderation/queues/pending?site=nowhere".into(),
            StatusCode::NOT_FOUND,
            "site_not_found",
        ),
        (
            "article without site",
            "/v1/moderation/queues/pending?article=bad".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "unknown parameter",
            "/v1/moderation/queues/pending?sort=top".into(),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
    ];
    for (case, path, status, code) in cases {
        assert_problem_for(case, app.get(&path, &key).await, status, code).await;
    }
}

on_both_backends!(
    a_held_comment_is_invisible_until_approved_then_listed_and_counted,
    queue_pages_follow_the_cursor_without_duplicates_in_either_order,
    queues_filter_by_article_and_section,
    bad_queue_requests_are_problems,
);
