//! The audit log (SPEC §5): a row for every staff action, with who, when, before and after;
//! filters and paging.

use majlis::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::comment_helpers::{assert_problem_for, id_of, json_with};
use crate::helpers::{Backend, spawn_app};
use crate::moderation_helpers::{approve, audit, decided, held, staff};
use crate::on_both_backends;

async fn every_staff_action_leaves_an_audit_row_with_before_and_after(backend: Backend) {
    // Arrange + Act: one of each action.
    let app = spawn_app(&backend).await;
    let moderator = staff(&app, Role::Moderator).await;
    let publisher = staff(&app, Role::Publisher).await;
    let (a, _) = held(&app, "audited", 0).await;
    let (b, _) = held(&app, "audited", 1).await;
    approve(&app, &moderator, &a).await;
    decided(
        &app,
        &moderator,
        &b,
        json!({"action": "reject", "reason": "personal_info", "note": "رقم هاتف"}),
    )
    .await;
    let user = app
        .state
        .store
        .comment(b.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .author_id;
    let res = app
        .post_json(
            &format!("/v1/moderation/users/premod/{user}/status"),
            &moderator,
            &json!({"status": "premod", "reason": "مراقبة"}),
        )
        .await;
    json_with(res, StatusCode::OK).await;
    let res = app
        .request(Method::PUT, "/v1/sites/premod/articles/audited", &publisher)
        .json(&json!({"title": "عنوان جديد", "comments": "closed"}))
        .send()
        .await
        .unwrap();
    json_with(res, StatusCode::OK).await;
    let entry = json_with(
        app.post_json(
            "/v1/moderation/lexicon",
            &moderator,
            &json!({"term": "زمبرقط", "lang": "ar", "site": "premod"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let res = app
        .request(
            Method::DELETE,
            &format!("/v1/moderation/lexicon/{}", id_of(&entry)),
            &moderator,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    // Assert: newest first, each with actor, time, before and after as it applies.
    let rows = audit(&app, &moderator, "site=premod").await;
    let actions: Vec<&str> = rows.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "lexicon.remove",
            "lexicon.add",
            "article.put",
            "commenter.premod",
            "comment.reject",
            "comment.approve"
        ]
    );
    for r in &rows {
        assert!(r["actor_id"].is_string() && r["at"].is_string(), "{r}");
        let before_expected = r["action"] != "lexicon.add";
        let after_expected = r["action"] != "lexicon.remove";
        assert_eq!(r["before"].is_object(), before_expected, "before of {r}");
        assert_eq!(r["after"].is_object(), after_expected, "after of {r}");
    }
    assert_eq!(rows[2]["before"]["comments"], "open");
    assert_eq!(rows[2]["after"]["comments"], "closed");
    assert_eq!(rows[2]["after"]["title"], "عنوان جديد");
    assert_eq!(rows[3]["before"]["status"], "active");
    assert_eq!(rows[3]["after"]["status"], "premod");
    assert_eq!(
        (rows[4]["reason"].as_str(), rows[4]["note"].as_str()),
        (Some("personal_info"), Some("رقم هاتف"))
    );
    assert_eq!(
        (
            rows[5]["before"]["status"].as_str(),
            rows[5]["after"]["status"].as_str()
        ),
        (Some("pending"), Some("published"))
    );

    // Filters: by actor, by action, by time; paging through everything once.
    let publisher_id = rows[2]["actor_id"].as_str().unwrap().to_string();
    assert_eq!(
        audit(&app, &moderator, &format!("actor={publisher_id}"))
            .await
            .len(),
        1
    );
    assert_eq!(audit(&app, &moderator, "action=comment.reject").await.len(), 1);
    let later = (app.clock.now() + time::Duration::minutes(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    assert!(
        audit(&app, &moderator, &format!("since={}", later.replace('+', "%2B")))
            .await
            .is_empty()
    );
    let mut seen = Vec::new();
    let mut cursor = String::new();
    for _ in 0..10 {
        let page = json_with(
            app.get(&format!("/v1/moderation/audit?limit=4{cursor}"), &moderator)
                .await,
            StatusCode::OK,
        )
        .await;
        seen.extend(
            page["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].clone()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert_eq!(seen, rows.iter().map(|r| r["id"].clone()).collect::<Vec<_>>());
}

async fn bad_audit_queries_are_problems(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let cases = [
        (
            "forged cursor",
            "cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
        ),
        (
            "limit 0",
            "limit=0",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "limit 201",
            "limit=201",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "bad time",
            "since=yesterday",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "target kind alone",
            "target_kind=comment",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "unknown parameter",
            "who=me",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
    ];
    for (case, query, status, code) in cases {
        let res = app.get(&format!("/v1/moderation/audit?{query}"), &key).await;
        assert_problem_for(case, res, status, code).await;
    }
}

/// Runs `sql` on the app's database directly; the error text if it failed.
async fn raw(url: &str, sql: &'static str) -> Option<String> {
    use sqlx::Connection;
    let result = if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.map(|_| ())
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.map(|_| ())
    };
    result.err().map(|e| e.to_string())
}

async fn the_audit_log_refuses_updates_and_deletes(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let (id, _) = held(&app, "append-only", 0).await;
    approve(&app, &key, &id).await;
    let url = app.state.settings.database.url.clone();

    let update = raw(&url, "UPDATE audit_log SET actor_name = 'someone else'").await;
    let delete = raw(&url, "DELETE FROM audit_log").await;

    for (what, error) in [("update", update), ("delete", delete)] {
        let error = error.unwrap_or_else(|| panic!("the {what} went through"));
        assert!(error.contains("append-only"), "{what}: {error}");
    }
    let rows = audit(&app, &key, "").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["actor_name"], "test moderator");
}

on_both_backends!(
    every_staff_action_leaves_an_audit_row_with_before_and_after,
    the_audit_log_refuses_updates_and_deletes,
    bad_audit_queries_are_problems,
);
