//! Roles (SPEC §2, §5): every moderation endpoint refuses requests without a staff key (401),
//! with a revoked one (401) and with a publisher's (403); article settings take a publisher's.

use majlis::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::comment_helpers::assert_problem_for;
use crate::helpers::{Auth, Backend, TestApp, spawn_app};
use crate::moderation_helpers::{held, staff};
use crate::on_both_backends;

/// Every moderation endpoint, with a body where it takes one.
fn endpoints(comment: &str, user: &str) -> Vec<(Method, String, Option<Value>)> {
    let entry = "0190b8d0-0000-7000-8000-000000000000";
    vec![
        (Method::GET, "/v1/moderation/queues".into(), None),
        (Method::GET, "/v1/moderation/queues/pending".into(), None),
        (
            Method::POST,
            "/v1/moderation/queues/pending/claim".into(),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/v1/moderation/comments/{comment}/decision"),
            Some(json!({"action": "approve"})),
        ),
        (
            Method::POST,
            "/v1/moderation/decisions".into(),
            Some(json!({"decisions": [{"comment_id": comment, "action": "approve"}]})),
        ),
        (Method::GET, format!("/v1/moderation/comments/{comment}"), None),
        (Method::GET, format!("/v1/moderation/users/premod/{user}"), None),
        (
            Method::POST,
            format!("/v1/moderation/users/premod/{user}/status"),
            Some(json!({"status": "banned", "reason": "x"})),
        ),
        (Method::GET, "/v1/moderation/audit".into(), None),
        (Method::GET, "/v1/moderation/lexicon".into(), None),
        (
            Method::POST,
            "/v1/moderation/lexicon".into(),
            Some(json!({"term": "زمبرقط", "lang": "ar"})),
        ),
        (Method::DELETE, format!("/v1/moderation/lexicon/{entry}"), None),
        (
            Method::POST,
            "/v1/moderation/filter/check".into(),
            Some(json!({"site": "demo", "text": "نص"})),
        ),
    ]
}

async fn call(
    app: &TestApp,
    method: &Method,
    path: &str,
    body: &Option<Value>,
    auth: &Auth,
) -> reqwest::Response {
    let mut req = app.request(method.clone(), path, auth);
    if let Some(body) = body {
        req = req.json(body);
    }
    req.send().await.unwrap()
}

async fn every_moderation_endpoint_refuses_the_wrong_role_and_no_key(backend: Backend) {
    let app = spawn_app(&backend).await;
    let (comment, guest) = held(&app, "roles", 0).await;
    let user = app
        .state
        .store
        .comment(comment.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .author_id
        .to_string();
    let publisher = staff(&app, Role::Publisher).await;
    let revoked_key = app.staff_key(Role::Admin).await;
    let found = app
        .state
        .store
        .staff_key_by_hash(&majlis::auth::hash_staff_key(&revoked_key))
        .await
        .unwrap()
        .unwrap();
    app.state
        .store
        .revoke_staff_key(found.id, app.clock.now())
        .await
        .unwrap();
    let revoked = Auth::Bearer(revoked_key);

    for (method, path, body) in endpoints(&comment, &user) {
        let case = format!("{method} {path}");
        let res = call(&app, &method, &path, &body, &Auth::None).await;
        assert_problem_for(
            &format!("{case} without a key"),
            res,
            StatusCode::UNAUTHORIZED,
            "staff_key_required",
        )
        .await;
        let res = call(&app, &method, &path, &body, &guest).await;
        assert_problem_for(
            &format!("{case} as a commenter"),
            res,
            StatusCode::UNAUTHORIZED,
            "staff_key_required",
        )
        .await;
        let res = call(&app, &method, &path, &body, &revoked).await;
        assert_problem_for(
            &format!("{case} revoked"),
            res,
            StatusCode::UNAUTHORIZED,
            "invalid_staff_key",
        )
        .await;
        let res = call(&app, &method, &path, &body, &publisher).await;
        assert_problem_for(
            &format!("{case} as publisher"),
            res,
            StatusCode::FORBIDDEN,
            "insufficient_role",
        )
        .await;
    }
    // Nothing changed: the comment is still held, nobody banned.
    let row = app
        .state
        .store
        .comment(comment.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "pending");
}

async fn moderators_and_admins_may_use_every_endpoint(backend: Backend) {
    let app = spawn_app(&backend).await;
    let (comment, _) = held(&app, "roles-ok", 0).await;
    let user = app
        .state
        .store
        .comment(comment.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .author_id
        .to_string();
    for role in [Role::Moderator, Role::Admin] {
        let key = staff(&app, role).await;
        for (method, path, body) in endpoints(&comment, &user) {
            let status = call(&app, &method, &path, &body, &key).await.status();
            assert!(
                ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&status)
                    && !status.is_server_error(),
                "{role:?} {method} {path}: {status}"
            );
        }
    }
}

async fn article_settings_take_a_publishers_or_moderators_key_only(backend: Backend) {
    let app = spawn_app(&backend).await;
    let path = "/v1/sites/demo/articles/settings-roles";
    let body = Some(json!({"comments": "closed"}));
    for role in [Role::Publisher, Role::Moderator, Role::Admin] {
        let key = staff(&app, role).await;
        assert_eq!(
            call(&app, &Method::PUT, path, &body, &key).await.status(),
            StatusCode::OK,
            "{role:?}"
        );
    }
    let res = call(&app, &Method::PUT, path, &body, &Auth::None).await;
    assert_problem_for("no key", res, StatusCode::UNAUTHORIZED, "staff_key_required").await;
}

on_both_backends!(
    every_moderation_endpoint_refuses_the_wrong_role_and_no_key,
    moderators_and_admins_may_use_every_endpoint,
    article_settings_take_a_publishers_or_moderators_key_only,
);
