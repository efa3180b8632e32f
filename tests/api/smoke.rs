use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Auth, Backend, spawn_app};
use crate::on_both_backends;

async fn a_guest_posts_and_the_comment_is_listed(backend: Backend) {
    let app = spawn_app(&backend).await;
    let (created, _guest) = app.guest_comment("a1", "أول تعليق على المقال").await;
    assert_eq!(created["status"], "published");
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["comments"][0]["id"], created["id"]);
    assert_eq!(page["comments"][0]["body"], "أول تعليق على المقال");
}

async fn health_and_readiness_answer(backend: Backend) {
    let app = spawn_app(&backend).await;
    let res = app.get("/healthz", &Auth::None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-request-id"));
    let res = app.get("/readyz", &Auth::None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["database"], true);
}

on_both_backends!(
    a_guest_posts_and_the_comment_is_listed,
    health_and_readiness_answer
);
