//! Scaling out: two instances on one PostgreSQL database and one Redis behave as one service
//! (SPEC §1: nothing that must be shared lives only in one process). These tests need both
//! servers, so they run only when `MAJLIS_TEST_DATABASE_URL` and `MAJLIS_TEST_REDIS_URL` are set.

#![allow(clippy::expect_used, reason = "a test fails loudly on what it did not expect")]

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Auth, Backend, TestApp, assert_problem, spawn_app, spawn_peer};
use crate::live_events::{EventStream, fresh_article};

/// Two instances sharing PostgreSQL and Redis, or `None` (with a note) when either is unset.
async fn two_instances() -> Option<(TestApp, TestApp)> {
    let backend = Backend::external()?;
    if !matches!(&backend, Backend::External { redis: Some(_), .. }) {
        eprintln!("note: MAJLIS_TEST_REDIS_URL is unset; skipping the two-instance tests");
        return None;
    }
    let first = spawn_app(&backend).await;
    let second = spawn_peer(&first).await;
    assert_ne!(first.address, second.address, "two servers");
    Some((first, second))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commenters_rate_limit_is_shared_by_every_instance() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    // Arrange: two comments through A use up the commenter's burst of 2 on `strict`.
    let first = a
        .post_comment(
            "strict",
            "shared",
            &Auth::None,
            json!({"body": "واحد", "author_name": "زائر"}),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("json");
    let guest = Auth::Guest(first["guest_token"].as_str().expect("guest token").to_string());
    let second = a
        .post_comment("strict", "shared", &guest, json!({"body": "اثنان"}))
        .await;
    assert_eq!(second.status(), StatusCode::CREATED);

    // Act: the third through B.
    let third = b
        .post_comment("strict", "shared", &guest, json!({"body": "ثلاثة"}))
        .await;

    // Assert
    assert!(third.headers().contains_key("retry-after"));
    assert_problem(third, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert_eq!(b.thread("strict", "shared", "", &Auth::None).await["total"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_on_one_instance_hears_a_comment_posted_through_another() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    // Arrange
    let article = fresh_article("cross");
    let mut on_b = EventStream::open(&b, "demo", &article).await;

    // Act
    let (created, _) = a.guest_comment(&article, "من الخادم الأول").await;

    // Assert
    let data = on_b.expect("comment.created").await;
    assert_eq!(data["id"], created["id"]);
    assert_eq!(data["body"], "من الخادم الأول");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comment_posted_through_one_instance_is_listed_and_usable_through_another() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    // Arrange + Act
    let (created, guest) = a.guest_comment("listed", "مرئي في كل مكان").await;

    // Assert: B lists it…
    let page = b.thread("demo", "listed", "", &Auth::None).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["comments"][0]["id"], created["id"]);
    // … and accepts the guest token A issued (the servers share their keys).
    let reply = b
        .comment_as(&guest, "listed", "من الخادم الثاني", created["id"].as_str())
        .await;
    assert_eq!(reply["author"]["id"], created["author"]["id"]);
    // A page cursor issued by one instance is honoured by the other.
    a.guest_comment("listed", "ثانٍ").await;
    let first_page = a.thread("demo", "listed", "limit=1", &Auth::None).await;
    let cursor = first_page["next_cursor"].as_str().expect("a next page");
    let next = b
        .thread("demo", "listed", &format!("limit=1&cursor={cursor}"), &Auth::None)
        .await;
    assert_eq!(next["comments"].as_array().map(Vec::len), Some(1));
    assert_ne!(next["comments"][0]["id"], first_page["comments"][0]["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_cached_on_one_instance_shows_a_comment_posted_through_another() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    // Arrange: B has the article's page in memory.
    a.guest_comment("cache-peer", "التعليق الأول").await;
    assert_eq!(b.thread("demo", "cache-peer", "", &Auth::None).await["total"], 1);
    assert_eq!(b.thread("demo", "cache-peer", "", &Auth::None).await["total"], 1);

    // Act
    a.guest_comment("cache-peer", "التعليق الثاني").await;

    // Assert: B's page follows within moments (the invalidation travels over Redis), long
    // before its 30 s time-to-live would have hidden a missing invalidation.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let total = b.thread("demo", "cache-peer", "", &Auth::None).await["total"].clone();
        if total == 2 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "B still answers total {total}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_on_two_instances_never_claim_the_same_item() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    // Arrange: 120 held items; three moderators on each instance.
    crate::moderation_claims::insert_held(&a, 120).await;
    let apps = std::sync::Arc::new([a, b]);
    let mut keys = Vec::new();
    for _ in 0..6 {
        keys.push(crate::moderation_helpers::staff(&apps[0], majlis::domain::Role::Moderator).await);
    }

    // Act: all six claim at once, 5 at a time, until nothing is left.
    let mut tasks = Vec::new();
    for (n, key) in keys.into_iter().enumerate() {
        let apps = apps.clone();
        tasks.push(tokio::spawn(async move {
            let app = &apps[n % 2];
            let mut got = Vec::new();
            loop {
                let page = crate::moderation_helpers::claim(app, &key, "pending", json!({"limit": 5})).await;
                let ids = crate::moderation_helpers::item_ids(&page);
                if ids.is_empty() {
                    return got;
                }
                got.extend(ids);
            }
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("claimer"));
    }

    // Assert: every item exactly once, across both instances.
    let distinct: std::collections::HashSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "an item was claimed twice");
    assert_eq!(all.len(), 120, "every item was claimed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_limit_holds_under_concurrent_posts_to_both_instances() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    // `strict` lets one address post a burst of 3, then one a minute.
    let apps = std::sync::Arc::new([a, b]);

    // Act: 20 new guests from the same address post at once, half through each instance.
    let mut tasks = Vec::new();
    for n in 0..20 {
        let apps = apps.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"body": format!("تعليق متزامن {n}"), "author_name": "زائر"});
            apps[n % 2]
                .post_comment("strict", "crowd", &Auth::None, body)
                .await
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("poster"));
    }

    // Assert: exactly the burst got through, across both instances; the rest were limited.
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((created, limited), (3, 17), "{statuses:?}");
    assert_eq!(
        apps[1].thread("strict", "crowd", "", &Auth::None).await["total"],
        3
    );
}
