//! The contract of the popularity store: article metadata for a list of ids, and the most
//! commented articles of a window.

use std::sync::Arc;

use majlis::domain::CommentStatus;
use majlis::storage::{ArticlePatch, NewComment, NewCommenter, Store};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const T0: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);

pub async fn articles_are_read_by_ids_in_one_call(store: Arc<dyn Store>) {
    let patch = ArticlePatch {
        title: Some("عنوان".into()),
        section: Some("sport".into()),
        ..ArticlePatch::default()
    };
    store.put_article("demo", "a1", &patch, T0).await.unwrap();
    store.ensure_article("demo", "a2", T0).await.unwrap();
    store.ensure_article("other", "a3", T0).await.unwrap();

    let ids = ["a1", "a2", "a3", "missing"].map(String::from);
    let mut got = store.articles_by_ids("demo", &ids).await.unwrap();
    got.sort_by(|a, b| a.article_id.cmp(&b.article_id));

    let found: Vec<&str> = got.iter().map(|a| a.article_id.as_str()).collect();
    assert_eq!(found, ["a1", "a2"], "only the site's known articles");
    assert_eq!(got[0].title.as_deref(), Some("عنوان"));
    assert!(store.articles_by_ids("demo", &[]).await.unwrap().is_empty());
}

pub async fn most_commented_counts_published_comments_of_the_window(store: Arc<dyn Store>) {
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
    let comments = [
        ("old", CommentStatus::Published, T0 - Duration::hours(3)),
        ("busy", CommentStatus::Published, T0 - Duration::minutes(30)),
        ("busy", CommentStatus::Published, T0 - Duration::minutes(5)),
        ("busy", CommentStatus::Pending, T0 - Duration::minutes(5)),
        ("quiet", CommentStatus::Published, T0 - Duration::minutes(59)),
        ("quiet", CommentStatus::Rejected, T0 - Duration::minutes(10)),
    ];
    for (article, status, at) in comments {
        store.ensure_article("demo", article, at).await.unwrap();
        let new = NewComment {
            id: Uuid::now_v7(),
            site: "demo".into(),
            article_id: article.into(),
            parent_id: None,
            depth: 0,
            author_id: author.id,
            body: "تعليق".into(),
            lang: None,
            status,
            verdict: None,
            ip_hash: None,
            masked_body: None,
            created_at: at,
        };
        store.insert_comment(&new, None).await.unwrap();
    }

    let hour = store
        .most_commented("demo", T0 - Duration::hours(1), 10)
        .await
        .unwrap();
    let day = store
        .most_commented("demo", T0 - Duration::hours(24), 10)
        .await
        .unwrap();
    let top = store
        .most_commented("demo", T0 - Duration::hours(24), 1)
        .await
        .unwrap();

    let pairs = |l: &[(&str, i64)]| l.iter().map(|(a, n)| ((*a).to_owned(), *n)).collect::<Vec<_>>();
    assert_eq!(hour, pairs(&[("busy", 2), ("quiet", 1)]));
    assert_eq!(day, pairs(&[("busy", 2), ("old", 1), ("quiet", 1)]));
    assert_eq!(top, pairs(&[("busy", 2)]));
    assert!(
        store
            .most_commented("other", T0 - Duration::hours(24), 10)
            .await
            .unwrap()
            .is_empty()
    );
}
