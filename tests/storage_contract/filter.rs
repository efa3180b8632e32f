//! The contract of the filter's store: run-time word-list entries, their version, each
//! site's learned models, and the comments a backtest replays.

use std::sync::Arc;

use majlis::domain::CommentStatus;
use majlis::storage::{LexiconRow, NewComment, NewCommenter, SiteModels, Store, StoreError};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const T0: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);

fn entry(site: Option<&str>, term: &str) -> LexiconRow {
    LexiconRow {
        id: Uuid::now_v7(),
        site: site.map(str::to_string),
        term: term.into(),
        lang: "ar".into(),
        allow: false,
        severity: "strong".into(),
        action: "hold".into(),
        mode: "word".into(),
        morph: "proclitics".into(),
        created_by: "moderator key".into(),
        created_at: T0,
        removed_by: None,
        removed_at: None,
    }
}

pub async fn lexicon_entries_are_listed_until_removed_and_every_change_moves_the_version(
    store: Arc<dyn Store>,
) {
    let v0 = store.lexicon_version().await.unwrap();
    let global = entry(None, "كلمة");
    let scoped = entry(Some("demo"), "اخرى");
    store.insert_lexicon_entry(&global).await.unwrap();
    store.insert_lexicon_entry(&scoped).await.unwrap();
    let v1 = store.lexicon_version().await.unwrap();
    assert_eq!(v1, v0 + 2);
    assert_eq!(
        store.lexicon_entries().await.unwrap(),
        vec![global.clone(), scoped.clone()]
    );

    let removed = store
        .remove_lexicon_entry(global.id, "admin key", T0 + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(removed.removed_by.as_deref(), Some("admin key"));
    assert_eq!(store.lexicon_version().await.unwrap(), v1 + 1);
    assert_eq!(store.lexicon_entries().await.unwrap(), vec![scoped]);
    let again = store.remove_lexicon_entry(global.id, "admin key", T0).await;
    assert!(matches!(again, Err(StoreError::NotFound)), "{again:?}");
}

pub async fn site_models_are_kept_per_site_and_saved_revision_by_revision(store: Arc<dyn Store>) {
    assert_eq!(store.site_models("demo").await.unwrap(), None);
    assert_eq!(store.site_models_revision("demo").await.unwrap(), None);
    assert!(
        store
            .save_site_models("demo", &[1, 2, 3], &[4, 5], None, T0)
            .await
            .unwrap()
    );
    // Another writer that also found none saves too late: refused, nothing written.
    assert!(
        !store
            .save_site_models("demo", &[6], &[6], None, T0)
            .await
            .unwrap()
    );
    assert_eq!(store.site_models_revision("demo").await.unwrap(), Some(1));
    assert!(
        store
            .save_site_models("demo", &[9], &[8, 7], Some(1), T0)
            .await
            .unwrap()
    );
    // A save that started from revision 1 did not see revision 2: refused, nothing written.
    assert!(
        !store
            .save_site_models("demo", &[0], &[0], Some(1), T0)
            .await
            .unwrap()
    );
    assert_eq!(
        store.site_models("demo").await.unwrap(),
        Some(SiteModels {
            revision: 2,
            abuse: vec![9],
            spam: vec![8, 7],
        })
    );
    assert_eq!(store.site_models_revision("demo").await.unwrap(), Some(2));
    assert_eq!(store.site_models("other").await.unwrap(), None);
}

pub async fn comments_since_a_time_are_replayed_newest_first(store: Arc<dyn Store>) {
    let article = store.ensure_article("demo", "a", T0).await.unwrap();
    let author = store
        .upsert_commenter(
            &NewCommenter {
                id: Uuid::now_v7(),
                site: "demo".into(),
                external_id: "reader".into(),
                name: "قارئ".into(),
                avatar: None,
                is_staff: false,
                is_guest: false,
            },
            T0,
        )
        .await
        .unwrap();
    let since = OffsetDateTime::now_utc() - Duration::seconds(1);
    let mut ids = Vec::new();
    for (i, status) in [
        CommentStatus::Published,
        CommentStatus::Pending,
        CommentStatus::Published,
    ]
    .into_iter()
    .enumerate()
    {
        let new = NewComment {
            id: Uuid::now_v7(),
            site: "demo".into(),
            article_id: article.article_id.clone(),
            parent_id: None,
            depth: 0,
            author_id: author.id,
            body: format!("تعليق {i}"),
            lang: None,
            status,
            verdict: None,
            ip_hash: None,
            masked_body: None,
            created_at: T0,
        };
        store.insert_comment(&new, None).await.unwrap();
        ids.push(new.id);
    }
    let replayed = store.comments_since("demo", since, 10).await.unwrap();
    let got: Vec<Uuid> = replayed.iter().map(|c| c.id).collect();
    ids.reverse();
    assert_eq!(got, ids);
    assert_eq!(replayed[1].status, "pending");
    assert_eq!(
        store.comments_since("demo", since, 2).await.unwrap().len(),
        2,
        "bounded by the limit"
    );
    let future = OffsetDateTime::now_utc() + Duration::hours(1);
    assert!(store.comments_since("demo", future, 10).await.unwrap().is_empty());
    assert!(store.comments_since("other", since, 10).await.unwrap().is_empty());
}
