//! Decisions (SPEC §5): stale decisions, bulk answers, reports and their threshold, what a
//! decision does for readers (live events), the classifier and the metrics.

use majlis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::comment_helpers::{another_guest, assert_problem_for, id_of, json_with, report};
use crate::helpers::{Auth, Backend, assert_problem, spawn_app};
use crate::live_events::EventStream;
use crate::moderation_helpers::{
    approve, claim, counts, decide, decided, held, held_many, item_ids, queue, staff,
};
use crate::on_both_backends;

async fn a_stale_decision_is_a_conflict(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let (id, _) = held(&app, "stale", 0).await;

    decided(
        &app,
        &key,
        &id,
        json!({"action": "approve", "expected_status": "pending"}),
    )
    .await;
    let res = decide(
        &app,
        &key,
        &id,
        json!({"action": "reject", "reason": "abuse", "expected_status": "pending"}),
    )
    .await;
    assert_problem(res, StatusCode::CONFLICT, "stale_status").await;
    let res = decide(&app, &key, &id, json!({"action": "restore"})).await;
    assert_problem(res, StatusCode::CONFLICT, "decision_not_applicable").await;
    // Reject then restore: trust moves rather than piling up.
    decided(
        &app,
        &key,
        &id,
        json!({"action": "reject", "reason": "other", "note": "تكرار"}),
    )
    .await;
    let restored = decided(&app, &key, &id, json!({"action": "restore"})).await;
    assert_eq!(restored["status"], "published");
    let row = app
        .state
        .store
        .comment(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let author = app.state.store.commenter(row.author_id).await.unwrap().unwrap();
    assert_eq!((author.approved_count, author.rejected_count), (1, 0));
}

async fn a_bulk_decision_answers_every_item(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let ids = held_many(&app, "bulk", 3).await;
    let body = json!({"decisions": [
        {"comment_id": ids[0], "action": "approve"},
        {"comment_id": ids[1], "action": "spam"},
        {"comment_id": ids[2], "action": "reject", "reason": "personal_info", "expected_status": "published"},
        {"comment_id": "0190b8d0-0000-7000-8000-000000000000", "action": "approve"},
        {"comment_id": "not-a-uuid", "action": "approve"},
        {"comment_id": ids[2], "action": "restore"},
        {"comment_id": ids[2], "action": "reject"},
    ]});
    let answer = json_with(
        app.post_json("/v1/moderation/decisions", &key, &body).await,
        StatusCode::OK,
    )
    .await;
    let results = answer["results"].as_array().unwrap();
    let got: Vec<(u64, Value)> = results
        .iter()
        .map(|r| (r["status"].as_u64().unwrap(), r["code"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (200, Value::Null),
            (200, Value::Null),
            (409, json!("stale_status")),
            (404, json!("comment_not_found")),
            (404, json!("comment_not_found")),
            (409, json!("decision_not_applicable")),
            (422, json!("validation_failed")),
        ],
        "{answer}"
    );
    assert_eq!(results[0]["comment"]["status"], "published");
    assert_eq!(results[1]["comment"]["status"], "spam");
    assert_eq!(item_ids(&queue(&app, &key, "spam", "").await), [ids[1].as_str()]);
    assert_eq!(
        item_ids(&queue(&app, &key, "pending", "").await),
        [ids[2].as_str()]
    );
}

async fn the_report_threshold_fills_the_reported_queue_and_a_decision_resolves_it(backend: Backend) {
    // Arrange: a published comment on `demo` (threshold 3) with two reports.
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let (comment, _) = app.guest_comment("reported", "تعليق عادي جداً").await;
    let id = id_of(&comment);
    for _ in 0..2 {
        let reporter = another_guest(&app).await;
        json_with(
            report(&app, &id, &reporter, &json!({"reason": "abuse"})).await,
            StatusCode::CREATED,
        )
        .await;
    }
    assert!(
        item_ids(&queue(&app, &key, "reported", "").await).is_empty(),
        "under the threshold"
    );

    // Act: the third report.
    let reporter = another_guest(&app).await;
    json_with(
        report(&app, &id, &reporter, &json!({"reason": "spam", "note": "إعلان"})).await,
        StatusCode::CREATED,
    )
    .await;

    // Assert: reported, with its reports; counted.
    let page = queue(&app, &key, "reported", "site=demo").await;
    assert_eq!(item_ids(&page), [id.as_str()]);
    assert_eq!(page["items"][0]["reports"].as_array().unwrap().len(), 3);
    assert_eq!(page["items"][0]["open_reports"], 3);
    assert_eq!(counts(&app, &key).await["sites"]["demo"]["reported"], 1);

    // It can be claimed like any queue item.
    let claimed = claim(&app, &key, "reported", json!({"site": "demo"})).await;
    assert_eq!(item_ids(&claimed), [id.as_str()]);

    // Approving keeps it published and resolves the reports.
    let kept = approve(&app, &key, &id).await;
    assert_eq!(kept["status"], "published");
    assert!(item_ids(&queue(&app, &key, "reported", "").await).is_empty());
    let detail = json_with(
        app.get(&format!("/v1/moderation/comments/{id}"), &key).await,
        StatusCode::OK,
    )
    .await;
    let reports = detail["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 3);
    assert!(reports.iter().all(|r| r["resolved_at"].is_string()), "{detail}");
    assert_eq!(detail["history"][0]["action"], "comment.approve");
    assert_eq!(app.thread("demo", "reported", "", &Auth::None).await["total"], 1);
}

async fn decisions_reach_readers_live(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let mut stream = EventStream::open(&app, "premod", "live-mod").await;
    let (id, _) = held(&app, "live-mod", 0).await;

    approve(&app, &key, &id).await;
    let event = stream.next_event().await.expect("an event");
    assert_eq!(
        (event.kind.as_str(), event.data["id"].as_str()),
        ("comment.created", Some(id.as_str()))
    );
    decided(&app, &key, &id, json!({"action": "reject", "reason": "abuse"})).await;
    let event = stream.next_event().await.expect("an event");
    assert_eq!(
        (event.kind.as_str(), event.data["id"].as_str()),
        ("comment.deleted", Some(id.as_str()))
    );
    assert_eq!(
        app.thread("premod", "live-mod", "", &Auth::None).await["total"],
        0
    );
}

async fn decisions_are_counted_and_timed_and_queue_depth_is_reported(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let ids = held_many(&app, "metrics", 2).await;
    approve(&app, &key, &ids[0]).await;
    majlis::moderation::depth::refresh(app.state.store.as_ref(), &app.state.settings, &app.state.metrics)
        .await
        .unwrap();
    let text = app.get("/metrics", &Auth::None).await.text().await.unwrap();
    assert!(
        text.contains(r#"majlis_moderation_decisions_total{action="approve",site="premod"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"majlis_moderation_decision_latency_seconds_count{site="premod"} 1"#));
    assert!(text.contains(r#"majlis_moderation_queue_depth{queue="pending",site="premod"} 1"#));
    assert!(text.contains(r#"majlis_moderation_queue_depth{queue="reported",site="demo"} 0"#));
}

async fn bad_decisions_are_problems(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let (id, _) = held(&app, "bad-decisions", 0).await;
    let cases = [
        (
            "unknown action",
            json!({"action": "publish"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "unknown reason",
            json!({"action": "reject", "reason": "rude"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "reject without reason",
            json!({"action": "reject"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "reason on approve",
            json!({"action": "approve", "reason": "spam"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "unknown status",
            json!({"action": "approve", "expected_status": "held"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "unknown field",
            json!({"action": "approve", "why": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "empty note",
            json!({"action": "approve", "note": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ];
    for (case, body, status, code) in cases {
        assert_problem_for(case, decide(&app, &key, &id, body).await, status, code).await;
    }
    let res = decide(
        &app,
        &key,
        "0190b8d0-0000-7000-8000-000000000000",
        json!({"action": "approve"}),
    )
    .await;
    assert_problem_for("unknown comment", res, StatusCode::NOT_FOUND, "comment_not_found").await;
    let res = decide(&app, &key, "nope", json!({"action": "approve"})).await;
    assert_problem_for("malformed id", res, StatusCode::NOT_FOUND, "comment_not_found").await;
    let res = app
        .post_json("/v1/moderation/decisions", &key, &json!({"decisions": []}))
        .await;
    assert_problem_for(
        "empty bulk",
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let many: Vec<Value> = (0..101)
        .map(|_| json!({"comment_id": id, "action": "approve"}))
        .collect();
    let res = app
        .post_json("/v1/moderation/decisions", &key, &json!({"decisions": many}))
        .await;
    assert_problem_for(
        "101 in bulk",
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    // Nothing was decided by the refused requests.
    assert_eq!(item_ids(&queue(&app, &key, "pending", "").await), [id.as_str()]);
}

on_both_backends!(
    a_stale_decision_is_a_conflict,
    a_bulk_decision_answers_every_item,
    the_report_threshold_fills_the_reported_queue_and_a_decision_resolves_it,
    decisions_reach_readers_live,
    decisions_are_counted_and_timed_and_queue_depth_is_reported,
    bad_decisions_are_problems,
);
