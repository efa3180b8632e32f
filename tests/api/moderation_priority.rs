//! The `priority` order weighs a held comment's filter score by its article's current
//! readership (SPEC §5: a held comment on today's most read article comes first).

use majlis::domain::{CommentStatus, Role};
use majlis::storage::{Inserted, NewComment, NewCommenter};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::moderation_helpers::{item_ids, queue, staff};
use crate::on_both_backends;
use crate::popularity::{PAST_CACHE, beacon, flush};

/// A held comment on `premod`/`article` with the filter score `score`, written to the store.
async fn held_with_score(app: &TestApp, article: &str, score: f32) -> String {
    let store = &app.state.store;
    let now = app.clock.now();
    store
        .ensure_article("premod", article, now)
        .await
        .expect("article");
    let author = store
        .upsert_commenter(
            &NewCommenter {
                id: Uuid::now_v7(),
                site: "premod".into(),
                external_id: format!("author-{article}-{score}"),
                name: "كاتب".into(),
                avatar: None,
                is_staff: false,
                is_guest: false,
            },
            now,
        )
        .await
        .expect("author");
    let id = app.clock.new_id();
    let new = NewComment {
        id,
        site: "premod".into(),
        article_id: article.into(),
        parent_id: None,
        depth: 0,
        author_id: author.id,
        body: format!("تعليق على {article}"),
        lang: Some("ar".into()),
        status: CommentStatus::Pending,
        verdict: Some(format!(r#"{{"action":"hold","score":{score},"reasons":[]}}"#)),
        ip_hash: None,
        masked_body: None,
        created_at: now,
    };
    let inserted = store.insert_comment(&new, None).await.expect("insert");
    assert!(matches!(inserted, Inserted::Created(_)));
    id.to_string()
}

async fn readers(app: &TestApp, article: &str, n: usize) {
    for _ in 0..n {
        let visitor = Uuid::now_v7().simple().to_string();
        let res = beacon(app, "premod", article, &json!({ "visitor": visitor }).to_string()).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
}

async fn a_held_comment_on_the_most_read_article_comes_first(backend: Backend) {
    // Arrange: oldest first, a suspicious comment on a quiet article, a slightly less
    // suspicious one on the busy article, then two clean ones (held by pre-moderation).
    let app = spawn_app(&backend).await;
    let key = staff(&app, Role::Moderator).await;
    let quiet_suspicious = held_with_score(&app, "quiet", 0.5).await;
    let busy_suspicious = held_with_score(&app, "busy", 0.4).await;
    let quiet_clean = held_with_score(&app, "quiet", 0.0).await;
    let busy_clean = held_with_score(&app, "busy", 0.0).await;
    let order = |page: &serde_json::Value| item_ids(page);

    // Before anyone reads: the score decides, then age.
    let before = queue(&app, &key, "pending", "site=premod&order=priority").await;
    assert_eq!(
        order(&before),
        [
            quiet_suspicious.clone(),
            busy_suspicious.clone(),
            quiet_clean.clone(),
            busy_clean.clone()
        ],
        "{before}"
    );

    // Act: ten readers on the busy article, one on the quiet one; readership is refreshed
    // (as the background round does every 30 s).
    readers(&app, "busy", 10).await;
    readers(&app, "quiet", 1).await;
    flush(&app).await;
    // Rankings are cached for 30 s (the background round at start-up cached an empty one).
    app.clock.advance(PAST_CACHE);
    majlis::popularity::readership::refresh(&app.state)
        .await
        .expect("refresh");

    // Assert: the busy article's comments move up, each above its quiet counterpart.
    let after = queue(&app, &key, "pending", "site=premod&order=priority").await;
    assert_eq!(
        order(&after),
        [busy_suspicious, quiet_suspicious.clone(), busy_clean, quiet_clean],
        "{after}"
    );
    // The oldest-first order does not care.
    let oldest = queue(&app, &key, "pending", "site=premod&order=oldest").await;
    assert_eq!(order(&oldest)[0], quiet_suspicious);
}

on_both_backends!(a_held_comment_on_the_most_read_article_comes_first);
