//! Claims (SPEC §5): moderators never receive the same item, leases run out on the clock, and
//! deciding on another moderator's claim needs `force` and is audited.

use std::collections::HashSet;
use std::time::Duration;

use majlis::domain::{CommentStatus, Role};
use majlis::storage::{Inserted, NewComment, NewCommenter};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::comment_helpers::assert_problem_for;
use crate::helpers::{Backend, TestApp, assert_problem, spawn_app};
use crate::moderation_helpers::{audit, claim, decide, decided, held_many, item_ids, queue, staff};
use crate::on_both_backends;

async fn two_moderators_never_claim_the_same_item_and_leases_run_out(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (a, b) = (
        staff(&app, Role::Moderator).await,
        staff(&app, Role::Moderator).await,
    );
    held_many(&app, "claims", 6).await;

    // Act
    let first = claim(&app, &a, "pending", json!({"limit": 4})).await;
    let second = claim(&app, &b, "pending", json!({"limit": 4})).await;
    let third = claim(&app, &b, "pending", json!({"limit": 4})).await;

    // Assert: 4 + 2, disjoint, then nothing left; the queue shows who holds what.
    let (ids_a, ids_b) = (item_ids(&first), item_ids(&second));
    assert_eq!((ids_a.len(), ids_b.len()), (4, 2));
    assert!(ids_a.iter().all(|id| !ids_b.contains(id)), "{ids_a:?} {ids_b:?}");
    assert!(item_ids(&third).is_empty());
    assert!(first["lease_expires_at"].is_string());
    let listed = queue(&app, &a, "pending", "").await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["claim"]["by"].is_string())
    );

    // The lease (5 minutes) runs out: every item is claimable again.
    app.clock.advance(Duration::from_secs(301));
    let again = claim(&app, &b, "pending", json!({"limit": 10})).await;
    assert_eq!(item_ids(&again).len(), 6);
    let listed = queue(&app, &a, "pending", "").await;
    assert!(listed["items"][0]["claim"]["by"].is_string());
}

async fn deciding_on_another_moderators_claim_needs_force_and_is_audited(backend: Backend) {
    let app = spawn_app(&backend).await;
    let (a, b) = (
        staff(&app, Role::Moderator).await,
        staff(&app, Role::Moderator).await,
    );
    let ids = held_many(&app, "force", 1).await;
    claim(&app, &a, "pending", json!({"limit": 1})).await;

    let res = decide(&app, &b, &ids[0], json!({"action": "approve"})).await;
    assert_problem(res, StatusCode::CONFLICT, "claimed_by_other").await;
    let comment = decided(&app, &b, &ids[0], json!({"action": "approve", "force": true})).await;
    assert_eq!(comment["status"], "published");

    let rows = audit(&app, &b, &format!("target_kind=comment&target_id={}", ids[0])).await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0]["after"]["overrode_claim_of"].is_string(), "{}", rows[0]);
    // The holder may decide on their own claim without force.
    let ids = held_many(&app, "own", 1).await;
    claim(&app, &a, "pending", json!({"limit": 1})).await;
    decided(
        &app,
        &a,
        &ids[0],
        json!({"action": "reject", "reason": "off_topic"}),
    )
    .await;
}

/// `n` held comments on `premod`, written straight to the store (the HTTP path would spend
/// its time in the filter and the rate limits, which are not what this test is about).
pub async fn insert_held(app: &TestApp, n: usize) {
    let store = &app.state.store;
    let now = app.clock.now();
    store.ensure_article("premod", "busy", now).await.unwrap();
    let author = store
        .upsert_commenter(
            &NewCommenter {
                id: Uuid::now_v7(),
                site: "premod".into(),
                external_id: "prolific".into(),
                name: "كاتب".into(),
                avatar: None,
                is_staff: false,
                is_guest: false,
            },
            now,
        )
        .await
        .unwrap();
    for i in 0..n {
        let new = NewComment {
            id: Uuid::now_v7(),
            site: "premod".into(),
            article_id: "busy".into(),
            parent_id: None,
            depth: 0,
            author_id: author.id,
            body: format!("تعليق رقم {i}"),
            lang: Some("ar".into()),
            status: CommentStatus::Pending,
            verdict: Some(format!(
                r#"{{"action":"hold","score":{},"reasons":[]}}"#,
                (i % 10) as f32 / 10.0
            )),
            ip_hash: None,
            masked_body: None,
            created_at: now,
        };
        assert!(matches!(
            store.insert_comment(&new, None).await.unwrap(),
            Inserted::Created(_)
        ));
    }
}

/// On PostgreSQL, where claims run side by side (`FOR UPDATE SKIP LOCKED`). SQLite runs one
/// writer at a time, so there the same test measures how its busy handler shares the lock
/// among 8 writers on a loaded machine (one can wait past `busy_timeout` and get a `503`),
/// which is timing rather than the contract; the contract suite checks its claims on both.
async fn eight_concurrent_claimers_share_a_200_item_queue_without_overlap(backend: Backend) {
    if matches!(backend, Backend::Embedded) {
        return;
    }
    // Arrange: 200 held items and 8 moderators.
    let app = std::sync::Arc::new(spawn_app(&backend).await);
    insert_held(&app, 200).await;
    let mut keys = Vec::new();
    for _ in 0..8 {
        keys.push(staff(&app, Role::Moderator).await);
    }

    // Act: all claim at once, 7 at a time, until the queue is empty for them.
    let mut tasks = Vec::new();
    for (n, key) in keys.into_iter().enumerate() {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let order = if n % 2 == 0 { "oldest" } else { "priority" };
            let mut got = Vec::new();
            loop {
                let page = claim(&app, &key, "pending", json!({"limit": 7, "order": order})).await;
                let ids = item_ids(&page);
                if ids.is_empty() {
                    return got;
                }
                got.extend(ids);
            }
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }

    // Assert: every item exactly once.
    let distinct: HashSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "an item was claimed twice");
    assert_eq!(all.len(), 200, "every item was claimed");
}

async fn bad_claims_are_problems(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let post = |path: &'static str, body: serde_json::Value| {
        let (app, key) = (&app, &key);
        async move { app.post_json(path, key, &body).await }
    };
    let cases = [
        (
            "unknown queue",
            "/v1/moderation/queues/nope/claim",
            json!({}),
            StatusCode::NOT_FOUND,
            "queue_not_found",
        ),
        (
            "limit 0",
            "/v1/moderation/queues/pending/claim",
            json!({"limit": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "limit 51",
            "/v1/moderation/queues/pending/claim",
            json!({"limit": 51}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "short lease",
            "/v1/moderation/queues/pending/claim",
            json!({"lease_secs": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "unknown site",
            "/v1/moderation/queues/pending/claim",
            json!({"site": "nowhere"}),
            StatusCode::NOT_FOUND,
            "site_not_found",
        ),
    ];
    for (case, path, body, status, code) in cases {
        let res = post(path, body).await;
        assert_problem_for(case, res, status, code).await;
    }
    let empty = claim(&app, &key, "spam", json!({})).await;
    assert!(
        item_ids(&empty).is_empty(),
        "an empty queue gives nothing, not an error"
    );
}

on_both_backends!(
    two_moderators_never_claim_the_same_item_and_leases_run_out,
    deciding_on_another_moderators_claim_needs_force_and_is_audited,
    eight_concurrent_claimers_share_a_200_item_queue_without_overlap,
    bad_claims_are_problems,
);
