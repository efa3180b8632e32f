//! What moderators do through the API, for the moderation tests.

use majlis::domain::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::comment_helpers::{id_of, json_with, text};
use crate::filtering::guest_posts;
use crate::helpers::{Auth, TestApp};

pub async fn staff(app: &TestApp, role: Role) -> Auth {
    Auth::Bearer(app.staff_key(role).await)
}

/// A new guest's comment held on `premod` (every comment held there); its id and the guest.
pub async fn held(app: &TestApp, article: &str, i: usize) -> (String, Auth) {
    let (created, guest) = guest_posts(app, "premod", article, &text(i)).await;
    assert_eq!(created["status"], "pending", "{created}");
    (id_of(&created), guest)
}

/// `n` held comments on `premod`/`article`, oldest first.
pub async fn held_many(app: &TestApp, article: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        ids.push(held(app, article, i).await.0);
    }
    ids
}

pub async fn decide(app: &TestApp, key: &Auth, id: &str, body: Value) -> Response {
    app.post_json(&format!("/v1/moderation/comments/{id}/decision"), key, &body)
        .await
}

/// Decides and expects `200`; returns the comment.
pub async fn decided(app: &TestApp, key: &Auth, id: &str, body: Value) -> Value {
    json_with(decide(app, key, id, body).await, StatusCode::OK).await
}

pub async fn approve(app: &TestApp, key: &Auth, id: &str) -> Value {
    decided(app, key, id, json!({"action": "approve"})).await
}

/// A queue page (`query` is the query string, may be empty).
pub async fn queue(app: &TestApp, key: &Auth, name: &str, query: &str) -> Value {
    let res = app
        .get(&format!("/v1/moderation/queues/{name}?{query}"), key)
        .await;
    json_with(res, StatusCode::OK).await
}

/// The comment ids of a queue page, in order.
pub fn item_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {page}"))
        .iter()
        .map(|i| id_of(&i["comment"]))
        .collect()
}

pub async fn counts(app: &TestApp, key: &Auth) -> Value {
    json_with(app.get("/v1/moderation/queues", key).await, StatusCode::OK).await
}

pub async fn claim(app: &TestApp, key: &Auth, name: &str, body: Value) -> Value {
    let res = app
        .post_json(&format!("/v1/moderation/queues/{name}/claim"), key, &body)
        .await;
    json_with(res, StatusCode::OK).await
}

/// Audit entries matching `query`, newest first.
pub async fn audit(app: &TestApp, key: &Auth, query: &str) -> Vec<Value> {
    let page = json_with(
        app.get(&format!("/v1/moderation/audit?{query}"), key).await,
        StatusCode::OK,
    )
    .await;
    page["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("no entries in {page}"))
        .clone()
}
