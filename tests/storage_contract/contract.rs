//! The contract every `Store` keeps, whatever the database.

use std::sync::Arc;

use majlis::domain::{CommentStatus, CommenterStatus, Cursor, Role, Sort};
use majlis::storage::{
    ArticlePatch, CommentEdit, CommentRow, Commenter, Idempotency, Inserted, NewComment, NewCommenter,
    NewReport, NewStaffKey, Store, StoreError, ThreadQuery,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const SITE: &str = "demo";
const ARTICLE: &str = "2026-11-29-summit";
const T0: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);

// Arrange helpers

async fn commenter(store: &dyn Store, external_id: &str) -> Commenter {
    let new = NewCommenter {
        id: Uuid::now_v7(),
        site: SITE.into(),
        external_id: external_id.into(),
        name: format!("قارئ {external_id}"),
        avatar: None,
        is_staff: false,
        is_guest: false,
    };
    store.upsert_commenter(&new, T0).await.unwrap()
}

fn new_comment(
    author: Uuid,
    article: &str,
    parent: Option<&CommentRow>,
    status: CommentStatus,
) -> NewComment {
    NewComment {
        id: Uuid::now_v7(),
        site: SITE.into(),
        article_id: article.into(),
        parent_id: parent.map(|p| p.id),
        depth: parent.map_or(0, |p| p.depth + 1),
        author_id: author,
        body: "تعليق على الخبر".into(),
        lang: Some("ar".into()),
        status,
        verdict: Some(r#"{"action":"publish","score":0,"reasons":[]}"#.into()),
        ip_hash: Some("ab12".into()),
        masked_body: None,
        created_at: T0,
    }
}

fn created(inserted: Inserted) -> CommentRow {
    match inserted {
        Inserted::Created(row) => row,
        Inserted::Replayed { .. } => panic!("expected a new comment, got a replay"),
    }
}

/// Posts to `ARTICLE` (created on first use).
async fn post(
    store: &dyn Store,
    author: Uuid,
    parent: Option<&CommentRow>,
    status: CommentStatus,
) -> CommentRow {
    store.ensure_article(SITE, ARTICLE, T0).await.unwrap();
    created(
        store
            .insert_comment(&new_comment(author, ARTICLE, parent, status), None)
            .await
            .unwrap(),
    )
}

async fn reload(store: &dyn Store, row: &CommentRow) -> CommentRow {
    store.comment(row.id).await.unwrap().unwrap()
}

async fn comment_count(store: &dyn Store) -> i64 {
    store.article(SITE, ARTICLE).await.unwrap().unwrap().comment_count
}

async fn delete(store: &dyn Store, row: &CommentRow) -> CommentRow {
    store
        .delete_comment(row.id, T0 + Duration::minutes(5))
        .await
        .unwrap()
}

async fn set_status(store: &dyn Store, row: &CommentRow, status: CommentStatus) -> CommentRow {
    let edit = CommentEdit {
        id: row.id,
        body: row.body.clone(),
        status,
        verdict: None,
        masked_body: None,
        edited_at: T0 + Duration::minutes(1),
    };
    store.edit_comment(&edit).await.unwrap()
}

fn query(sort: Sort, after: Option<&CommentRow>, limit: i64, viewer: Option<Uuid>) -> ThreadQuery {
    ThreadQuery {
        site: SITE.into(),
        article: ARTICLE.into(),
        sort,
        after: after.map(|r| Cursor {
            sort,
            likes: r.like_count,
            id: r.id,
        }),
        limit,
        viewer,
    }
}

/// Ids of the whole thread's top level, in one page.
async fn thread(store: &dyn Store, viewer: Option<Uuid>) -> Vec<Uuid> {
    let rows = store
        .list_thread(&query(Sort::Oldest, None, 1000, viewer))
        .await
        .unwrap();
    rows.iter().map(|r| r.id).collect()
}

fn ids(rows: &[CommentRow]) -> Vec<Uuid> {
    rows.iter().map(|r| r.id).collect()
}

// The contract

pub async fn migrations_can_run_twice(store: Arc<dyn Store>) {
    // `connect` migrated once already.
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
}

pub async fn local_secret_keeps_the_first_value(store: Arc<dyn Store>) {
    assert_eq!(store.local_secret("cursor_key", "first").await.unwrap(), "first");
    assert_eq!(store.local_secret("cursor_key", "second").await.unwrap(), "first");
    assert_eq!(store.local_secret("guest_key", "other").await.unwrap(), "other");
}

pub async fn ensure_article_creates_empty_metadata_once(store: Arc<dyn Store>) {
    let a = store.ensure_article(SITE, "x", T0).await.unwrap();
    assert_eq!((a.site.as_str(), a.article_id.as_str()), (SITE, "x"));
    assert!(a.comments_open);
    assert_eq!(a.tags, "[]");
    assert!(a.tag_list().is_empty());
    assert_eq!(
        (a.title, a.premod, a.close_at, a.comment_count),
        (None, None, None, 0)
    );
    assert_eq!((a.created_at, a.updated_at), (T0, T0));

    let again = store
        .ensure_article(SITE, "x", T0 + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(again.created_at, T0, "a second ensure changes nothing");
    assert!(store.article(SITE, "x").await.unwrap().is_some());
    assert!(store.article("other-site", "x").await.unwrap().is_none());
}

pub async fn put_article_keeps_absent_fields(store: Arc<dyn Store>) {
    let t1 = T0 + Duration::hours(1);
    let first = ArticlePatch {
        title: Some("قمة الرياض".into()),
        url: Some("https://example.com/1".into()),
        tags: Some(vec!["سياسة".into(), "قمة".into()]),
        published_at: Some(T0),
        premod: Some(Some(true)),
        close_at: Some(Some(T0 + Duration::days(2))),
        ..ArticlePatch::default()
    };
    let a = store.put_article(SITE, ARTICLE, &first, T0).await.unwrap();
    assert_eq!(a.title.as_deref(), Some("قمة الرياض"));
    assert_eq!(a.tag_list(), ["سياسة", "قمة"]);
    assert_eq!(
        (a.premod, a.close_at, a.published_at),
        (Some(true), Some(T0 + Duration::days(2)), Some(T0))
    );
    assert!(a.comments_open, "a new article is open");
    assert_eq!((a.created_at, a.updated_at), (T0, T0));

    let author = commenter(&*store, "u1").await;
    post(&*store, author.id, None, CommentStatus::Published).await;

    let second = ArticlePatch {
        url: Some("https://example.com/2".into()),
        comments_open: Some(false),
        ..ArticlePatch::default()
    };
    let b = store.put_article(SITE, ARTICLE, &second, t1).await.unwrap();
    assert_eq!(b.url.as_deref(), Some("https://example.com/2"));
    assert!(!b.comments_open);
    assert_eq!(
        b.title.as_deref(),
        Some("قمة الرياض"),
        "absent fields keep their value"
    );
    assert_eq!(b.tag_list(), ["سياسة", "قمة"]);
    assert_eq!((b.premod, b.close_at), (Some(true), Some(T0 + Duration::days(2))));
    assert_eq!((b.created_at, b.updated_at), (T0, t1));
    assert_eq!(b.comment_count, 1, "a PUT never touches the count");

    let back_to_policy = ArticlePatch {
        premod: Some(None),
        close_at: Some(None),
        ..ArticlePatch::default()
    };
    let c = store
        .put_article(SITE, ARTICLE, &back_to_policy, t1)
        .await
        .unwrap();
    assert_eq!((c.premod, c.close_at), (None, None));
    assert_eq!(c.title.as_deref(), Some("قمة الرياض"));

    let stored = store.article(SITE, ARTICLE).await.unwrap().unwrap();
    assert_eq!(
        (stored.url, stored.premod, stored.comments_open),
        (c.url, None, false)
    );
}

pub async fn upsert_commenter_finds_the_identity_and_refreshes_its_profile(store: Arc<dyn Store>) {
    let mut new = NewCommenter {
        id: Uuid::now_v7(),
        site: SITE.into(),
        external_id: "sso-42".into(),
        name: "علي".into(),
        avatar: Some("https://example.com/a.png".into()),
        is_staff: false,
        is_guest: false,
    };
    let first = store.upsert_commenter(&new, T0).await.unwrap();
    assert_eq!(
        (first.id, first.status.as_str(), first.created_at),
        (new.id, "active", T0)
    );
    assert_eq!((first.approved_count, first.rejected_count), (0, 0));

    let first_id = new.id;
    new.id = Uuid::now_v7();
    new.name = "علي حسن".into();
    new.avatar = None;
    new.is_staff = true;
    let again = store
        .upsert_commenter(&new, T0 + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(again.id, first_id, "the same identity is the same commenter");
    assert_eq!(
        (again.name.as_str(), again.avatar.as_deref(), again.is_staff),
        ("علي حسن", None, true)
    );
    assert_eq!(again.created_at, T0);
    assert!(store.commenter(new.id).await.unwrap().is_none());
    assert_eq!(store.commenter(first_id).await.unwrap().unwrap().name, "علي حسن");

    new.site = "other-site".into();
    let elsewhere = store.upsert_commenter(&new, T0).await.unwrap();
    assert_eq!(
        elsewhere.id, new.id,
        "the same sub on another site is another commenter"
    );
}

pub async fn commenter_status_is_stored(store: Arc<dyn Store>) {
    let c = commenter(&*store, "u1").await;
    let until = T0 + Duration::days(1);
    let s = store
        .set_commenter_status(c.id, CommenterStatus::Suspended, Some(until), Some("spam"))
        .await
        .unwrap();
    assert_eq!(
        (s.status.as_str(), s.status_until, s.status_reason.as_deref()),
        ("suspended", Some(until), Some("spam"))
    );
    assert_eq!(s.status_at(T0), CommenterStatus::Suspended);
    assert_eq!(s.status_at(until), CommenterStatus::Active);

    let s = store
        .set_commenter_status(c.id, CommenterStatus::Active, None, None)
        .await
        .unwrap();
    assert_eq!(
        (s.status.as_str(), s.status_until, s.status_reason),
        ("active", None, None)
    );
}

pub async fn every_sort_pages_without_duplicates_or_gaps(store: Arc<dyn Store>) {
    let author = commenter(&*store, "author").await;
    let mut likers = Vec::new();
    for n in 0..3 {
        likers.push(commenter(&*store, &format!("liker{n}")).await);
    }
    // Ties on likes, so `top` needs its id tie-break.
    let mut top_level = Vec::new();
    for likes in [2, 0, 3, 2, 0, 1, 2] {
        let row = post(&*store, author.id, None, CommentStatus::Published).await;
        for liker in &likers[..likes] {
            store.set_like(row.id, liker.id, true, T0).await.unwrap();
        }
        top_level.push(reload(&*store, &row).await);
    }
    // Neither a reply nor another article's comment belongs to this thread's top level.
    post(&*store, author.id, Some(&top_level[0]), CommentStatus::Published).await;
    store.ensure_article(SITE, "other", T0).await.unwrap();
    store
        .insert_comment(
            &new_comment(author.id, "other", None, CommentStatus::Published),
            None,
        )
        .await
        .unwrap();

    for sort in [Sort::Newest, Sort::Oldest, Sort::Top] {
        let mut expected = top_level.clone();
        match sort {
            Sort::Newest => expected.sort_by_key(|r| std::cmp::Reverse(r.id)),
            Sort::Oldest => expected.sort_by_key(|r| r.id),
            Sort::Top => expected.sort_by_key(|r| std::cmp::Reverse((r.like_count, r.id))),
        }
        let mut seen = Vec::new();
        let mut after: Option<CommentRow> = None;
        for _ in 0..10 {
            let page = store
                .list_thread(&query(sort, after.as_ref(), 3, None))
                .await
                .unwrap();
            assert!(page.len() <= 3, "{sort:?}: a page holds at most `limit` rows");
            let Some(last) = page.last().cloned() else { break };
            seen.extend(ids(&page));
            after = Some(last);
        }
        assert_eq!(seen, ids(&expected), "{sort:?}: every comment once, in order");
    }
}

pub async fn pending_comments_are_visible_only_to_their_author(store: Arc<dyn Store>) {
    let (writer, reader) = (
        commenter(&*store, "writer").await,
        commenter(&*store, "reader").await,
    );
    let public = post(&*store, reader.id, None, CommentStatus::Published).await;
    let held = post(&*store, writer.id, None, CommentStatus::Pending).await;
    post(&*store, writer.id, None, CommentStatus::Rejected).await;
    // Suspected spam looks merely held to its author.
    let spam = post(&*store, writer.id, None, CommentStatus::Spam).await;
    let held_reply = post(&*store, writer.id, Some(&public), CommentStatus::Pending).await;

    assert_eq!(
        thread(&*store, None).await,
        [public.id],
        "anonymous readers see published only"
    );
    assert_eq!(thread(&*store, Some(reader.id)).await, [public.id]);
    assert_eq!(
        thread(&*store, Some(writer.id)).await,
        [public.id, held.id, spam.id],
        "the author sees their own held comments, suspected spam included"
    );

    let replies = |viewer| {
        let store = store.clone();
        async move { ids(&store.replies_page(public.id, None, 10, viewer).await.unwrap()) }
    };
    assert!(replies(None).await.is_empty());
    assert_eq!(replies(Some(writer.id)).await, [held_reply.id]);
    let first = store
        .first_replies(&[public.id], 3, Some(writer.id))
        .await
        .unwrap();
    assert_eq!(ids(&first), [held_reply.id]);
    assert!(
        store
            .first_replies(&[public.id], 3, Some(reader.id))
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(
        reload(&*store, &public).await.reply_count,
        0,
        "held replies are not counted"
    );
    assert_eq!(comment_count(&*store).await, 1);
}

pub async fn tombstones_stay_while_they_have_visible_replies(store: Arc<dyn Store>) {
    let author = commenter(&*store, "u1").await;
    let parent = post(&*store, author.id, None, CommentStatus::Published).await;
    let reply = post(&*store, author.id, Some(&parent), CommentStatus::Published).await;
    let leaf = post(&*store, author.id, None, CommentStatus::Published).await;

    let tombstone = delete(&*store, &parent).await;
    assert_eq!((tombstone.status.as_str(), tombstone.reply_count), ("deleted", 1));
    assert_eq!(tombstone.body, parent.body, "the body is kept for moderators");
    let gone = delete(&*store, &leaf).await;
    assert_eq!(gone.status.as_str(), "deleted");

    assert_eq!(
        thread(&*store, None).await,
        [parent.id],
        "the tombstone keeps the thread's shape"
    );
    assert_eq!(
        thread(&*store, Some(author.id)).await,
        [parent.id],
        "a deleted leaf is gone, even for its author"
    );
    assert_eq!(
        ids(&store.replies_page(parent.id, None, 10, None).await.unwrap()),
        [reply.id]
    );
    assert_eq!(comment_count(&*store).await, 1);

    let again = delete(&*store, &leaf).await;
    assert_eq!(again.status.as_str(), "deleted");
    assert_eq!(comment_count(&*store).await, 1, "deleting twice counts once");
}

pub async fn counts_follow_deletion_chains_and_status_changes(store: Arc<dyn Store>) {
    let author = commenter(&*store, "u1").await;
    let a = post(&*store, author.id, None, CommentStatus::Published).await;
    let b = post(&*store, author.id, Some(&a), CommentStatus::Published).await;
    let c = post(&*store, author.id, Some(&b), CommentStatus::Published).await;
    post(&*store, author.id, Some(&a), CommentStatus::Pending).await;
    assert_eq!(
        (
            reload(&*store, &a).await.reply_count,
            reload(&*store, &b).await.reply_count
        ),
        (1, 1)
    );
    assert_eq!(comment_count(&*store).await, 3);

    // b becomes a tombstone: still one visible reply under a.
    delete(&*store, &b).await;
    assert_eq!(
        (
            reload(&*store, &a).await.reply_count,
            reload(&*store, &b).await.reply_count
        ),
        (1, 1)
    );
    assert_eq!(comment_count(&*store).await, 2);

    // c goes: b has no visible reply left, so b disappears, and a loses its reply.
    delete(&*store, &c).await;
    assert_eq!(
        (
            reload(&*store, &a).await.reply_count,
            reload(&*store, &b).await.reply_count
        ),
        (0, 0)
    );
    assert!(store.replies_page(a.id, None, 10, None).await.unwrap().is_empty());
    assert_eq!(comment_count(&*store).await, 1);

    // The same along a chain of tombstones, up to the top level.
    let x = post(&*store, author.id, None, CommentStatus::Published).await;
    let y = post(&*store, author.id, Some(&x), CommentStatus::Published).await;
    let z = post(&*store, author.id, Some(&y), CommentStatus::Published).await;
    delete(&*store, &x).await;
    delete(&*store, &y).await;
    assert_eq!(thread(&*store, None).await, [a.id, x.id]);
    delete(&*store, &z).await;
    assert_eq!(
        (
            reload(&*store, &x).await.reply_count,
            reload(&*store, &y).await.reply_count
        ),
        (0, 0)
    );
    assert_eq!(
        thread(&*store, None).await,
        [a.id],
        "the whole dead branch is gone"
    );
    assert_eq!(comment_count(&*store).await, 1);

    // Moderation moves counts both ways.
    let r = post(&*store, author.id, Some(&a), CommentStatus::Published).await;
    assert_eq!(
        (
            reload(&*store, &a).await.reply_count,
            comment_count(&*store).await
        ),
        (1, 2)
    );
    let held = set_status(&*store, &r, CommentStatus::Pending).await;
    assert_eq!(
        (held.status.as_str(), held.edited_at),
        ("pending", Some(T0 + Duration::minutes(1)))
    );
    assert_eq!(
        (
            reload(&*store, &a).await.reply_count,
            comment_count(&*store).await
        ),
        (0, 1)
    );
    set_status(&*store, &r, CommentStatus::Published).await;
    assert_eq!(
        (
            reload(&*store, &a).await.reply_count,
            comment_count(&*store).await
        ),
        (1, 2)
    );
    set_status(&*store, &a, CommentStatus::Rejected).await;
    assert_eq!(comment_count(&*store).await, 1);
    assert!(thread(&*store, None).await.is_empty());
}

pub async fn first_replies_are_the_oldest_few_per_parent(store: Arc<dyn Store>) {
    let (author, viewer) = (commenter(&*store, "u1").await, commenter(&*store, "u2").await);
    let p1 = post(&*store, author.id, None, CommentStatus::Published).await;
    let p2 = post(&*store, author.id, None, CommentStatus::Published).await;
    let p3 = post(&*store, author.id, None, CommentStatus::Published).await;
    let mut r1 = Vec::new();
    for _ in 0..5 {
        r1.push(
            post(&*store, author.id, Some(&p1), CommentStatus::Published)
                .await
                .id,
        );
    }
    let mut r2 = Vec::new();
    for _ in 0..2 {
        r2.push(
            post(&*store, author.id, Some(&p2), CommentStatus::Published)
                .await
                .id,
        );
    }
    let own = post(&*store, viewer.id, Some(&p2), CommentStatus::Pending)
        .await
        .id;

    let rows = store
        .first_replies(&[p1.id, p2.id, p3.id], 3, None)
        .await
        .unwrap();
    let of = |p: &CommentRow| {
        rows.iter()
            .filter(|r| r.parent_id == Some(p.id))
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(of(&p1), r1[..3], "the oldest three");
    assert_eq!(of(&p2), r2);
    assert!(of(&p3).is_empty());
    assert_eq!(rows.len(), 5);
    let first = &rows[0];
    assert_eq!(
        (first.author_id, first.author_name.as_str(), first.author_is_staff),
        (author.id, "قارئ u1", false)
    );

    let rows = store.first_replies(&[p2.id], 3, Some(viewer.id)).await.unwrap();
    assert_eq!(ids(&rows), [r2[0], r2[1], own]);
    assert!(store.first_replies(&[], 3, None).await.unwrap().is_empty());
    assert!(store.first_replies(&[p1.id], 0, None).await.unwrap().is_empty());
}

pub async fn replies_page_continues_after_the_cursor(store: Arc<dyn Store>) {
    let author = commenter(&*store, "u1").await;
    let parent = post(&*store, author.id, None, CommentStatus::Published).await;
    let mut replies = Vec::new();
    for _ in 0..6 {
        replies.push(post(&*store, author.id, Some(&parent), CommentStatus::Published).await);
    }
    let gone = replies.remove(2);
    delete(&*store, &gone).await;

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.replies_page(parent.id, after, 2, None).await.unwrap();
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        seen.extend(ids(&page));
    }
    assert_eq!(seen, ids(&replies), "oldest first, the deleted leaf skipped");
    assert_eq!(reload(&*store, &parent).await.reply_count, 5);
}

pub async fn an_idempotency_key_replays_the_first_comment(store: Arc<dyn Store>) {
    let (author, other) = (commenter(&*store, "u1").await, commenter(&*store, "u2").await);
    store.ensure_article(SITE, ARTICLE, T0).await.unwrap();
    let key = Idempotency {
        key: "k-1".into(),
        request_hash: "h1".into(),
    };

    let first = created(
        store
            .insert_comment(
                &new_comment(author.id, ARTICLE, None, CommentStatus::Published),
                Some(&key),
            )
            .await
            .unwrap(),
    );

    let retry = new_comment(author.id, ARTICLE, None, CommentStatus::Published);
    match store.insert_comment(&retry, Some(&key)).await.unwrap() {
        Inserted::Replayed {
            comment,
            same_request,
        } => assert_eq!((comment.id, same_request), (first.id, true)),
        Inserted::Created(_) => panic!("a retry must not post twice"),
    }
    assert!(store.comment(retry.id).await.unwrap().is_none());

    let changed = Idempotency {
        key: "k-1".into(),
        request_hash: "h2".into(),
    };
    let reused = new_comment(author.id, ARTICLE, None, CommentStatus::Published);
    match store.insert_comment(&reused, Some(&changed)).await.unwrap() {
        Inserted::Replayed {
            comment,
            same_request,
        } => assert_eq!((comment.id, same_request), (first.id, false)),
        Inserted::Created(_) => panic!("a reused key must not post"),
    }
    assert_eq!(comment_count(&*store).await, 1);

    let theirs = new_comment(other.id, ARTICLE, None, CommentStatus::Published);
    created(store.insert_comment(&theirs, Some(&key)).await.unwrap());
    assert_eq!(comment_count(&*store).await, 2, "keys are per commenter");
}

pub async fn concurrent_retries_with_one_key_post_once(store: Arc<dyn Store>) {
    let author = commenter(&*store, "u1").await;
    store.ensure_article(SITE, ARTICLE, T0).await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let new = new_comment(author.id, ARTICLE, None, CommentStatus::Published);
            tokio::spawn(async move {
                let key = Idempotency {
                    key: "same".into(),
                    request_hash: "h".into(),
                };
                store.insert_comment(&new, Some(&key)).await.unwrap()
            })
        })
        .collect();
    let mut created_ids = Vec::new();
    let mut replayed_ids = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Inserted::Created(row) => created_ids.push(row.id),
            Inserted::Replayed {
                comment,
                same_request,
            } => {
                assert!(same_request);
                replayed_ids.push(comment.id);
            }
        }
    }
    assert_eq!(created_ids.len(), 1, "exactly one request posts");
    assert!(replayed_ids.iter().all(|id| *id == created_ids[0]));
    assert_eq!(comment_count(&*store).await, 1);
}

pub async fn likes_are_idempotent(store: Arc<dyn Store>) {
    let (author, l1, l2) = (
        commenter(&*store, "a").await,
        commenter(&*store, "l1").await,
        commenter(&*store, "l2").await,
    );
    let liked = post(&*store, author.id, None, CommentStatus::Published).await;
    let other = post(&*store, author.id, None, CommentStatus::Published).await;
    let like = |who: Uuid, on: bool| {
        let store = store.clone();
        async move { store.set_like(liked.id, who, on, T0).await.unwrap() }
    };
    assert_eq!(like(l1.id, true).await, 1);
    assert_eq!(like(l1.id, true).await, 1, "a second like is a no-op");
    assert_eq!(like(l2.id, true).await, 2);
    assert_eq!(
        store.liked_by(l1.id, &[liked.id, other.id]).await.unwrap(),
        [liked.id]
    );
    assert!(store.liked_by(l1.id, &[]).await.unwrap().is_empty());
    assert_eq!(like(l1.id, false).await, 1);
    assert_eq!(like(l1.id, false).await, 1, "a second unlike is a no-op");
    assert_eq!(reload(&*store, &liked).await.like_count, 1);
    assert!(store.liked_by(l1.id, &[liked.id]).await.unwrap().is_empty());
}

pub async fn a_commenter_reports_a_comment_once(store: Arc<dyn Store>) {
    let (author, r1, r2) = (
        commenter(&*store, "a").await,
        commenter(&*store, "r1").await,
        commenter(&*store, "r2").await,
    );
    let target = post(&*store, author.id, None, CommentStatus::Published).await;
    let report = |reporter: Uuid| NewReport {
        id: Uuid::now_v7(),
        comment_id: target.id,
        reporter_id: reporter,
        reason: "abuse".into(),
        note: Some("شتائم".into()),
        created_at: T0,
    };
    store.insert_report(&report(r1.id)).await.unwrap();
    let again = store.insert_report(&report(r1.id)).await;
    assert!(
        matches!(again, Err(StoreError::Conflict("already_reported"))),
        "{again:?}"
    );
    store.insert_report(&report(r2.id)).await.unwrap();
    assert_eq!(reload(&*store, &target).await.report_count, 2);
}

pub async fn comment_counts_list_only_articles_with_comments(store: Arc<dyn Store>) {
    let author = commenter(&*store, "u1").await;
    for article in ["a", "b", "c"] {
        store.ensure_article(SITE, article, T0).await.unwrap();
    }
    for status in [
        CommentStatus::Published,
        CommentStatus::Published,
        CommentStatus::Pending,
    ] {
        store
            .insert_comment(&new_comment(author.id, "a", None, status), None)
            .await
            .unwrap();
    }
    let b = created(
        store
            .insert_comment(&new_comment(author.id, "b", None, CommentStatus::Published), None)
            .await
            .unwrap(),
    );
    delete(&*store, &b).await;

    let asked: Vec<String> = ["a", "b", "c", "unknown"].map(String::from).to_vec();
    assert_eq!(
        store.comment_counts(SITE, &asked).await.unwrap(),
        [("a".to_string(), 2)]
    );
    assert!(
        store
            .comment_counts("other-site", &asked)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.comment_counts(SITE, &[]).await.unwrap().is_empty());
}

pub async fn staff_keys_are_found_by_hash_and_revoked(store: Arc<dyn Store>) {
    let key = |name: &str, hash: &str, role| NewStaffKey {
        id: Uuid::now_v7(),
        name: name.into(),
        role,
        key_hash: hash.into(),
        created_at: T0,
    };
    let cms = store
        .insert_staff_key(&key("cms", "h-cms", Role::Publisher))
        .await
        .unwrap();
    let modkey = store
        .insert_staff_key(&key("mods", "h-mod", Role::Moderator))
        .await
        .unwrap();
    assert_eq!(
        (cms.role(), cms.revoked_at, cms.created_at),
        (Some(Role::Publisher), None, T0)
    );
    let twin = store.insert_staff_key(&key("twin", "h-cms", Role::Admin)).await;
    assert!(matches!(twin, Err(StoreError::Conflict(_))), "{twin:?}");

    let found = store.staff_key_by_hash("h-cms").await.unwrap().unwrap();
    assert_eq!((found.id, found.name.as_str()), (cms.id, "cms"));
    assert!(store.staff_key_by_hash("nope").await.unwrap().is_none());
    let listed: Vec<Uuid> = store
        .list_staff_keys()
        .await
        .unwrap()
        .iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(listed, [cms.id, modkey.id]);

    let t1 = T0 + Duration::hours(1);
    store.revoke_staff_key(cms.id, t1).await.unwrap();
    store
        .revoke_staff_key(cms.id, t1 + Duration::hours(1))
        .await
        .unwrap();
    let revoked = store.staff_key_by_hash("h-cms").await.unwrap().unwrap();
    assert_eq!(
        revoked.revoked_at,
        Some(t1),
        "revoked keys are still found, with the first revocation time"
    );
    assert!(matches!(
        store.revoke_staff_key(Uuid::now_v7(), t1).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn missing_rows_are_not_found(store: Arc<dyn Store>) {
    let author = commenter(&*store, "u1").await;
    let missing = Uuid::now_v7();
    assert!(store.comment(missing).await.unwrap().is_none());
    assert!(store.commenter(missing).await.unwrap().is_none());
    assert!(store.article(SITE, "nope").await.unwrap().is_none());
    let not_found = |r: Result<(), StoreError>| matches!(r, Err(StoreError::NotFound));
    assert!(not_found(
        store.set_like(missing, author.id, true, T0).await.map(drop)
    ));
    assert!(not_found(store.delete_comment(missing, T0).await.map(drop)));
    assert!(not_found(
        store
            .set_commenter_status(missing, CommenterStatus::Banned, None, None)
            .await
            .map(drop)
    ));
    let no_article = new_comment(author.id, "never-ensured", None, CommentStatus::Published);
    assert!(not_found(store.insert_comment(&no_article, None).await.map(drop)));

    let target = post(&*store, author.id, None, CommentStatus::Published).await;
    let mut orphan = new_comment(author.id, ARTICLE, Some(&target), CommentStatus::Published);
    orphan.parent_id = Some(missing);
    assert!(not_found(store.insert_comment(&orphan, None).await.map(drop)));
    assert!(
        not_found(store.set_like(target.id, missing, true, T0).await.map(drop)),
        "unknown commenter"
    );
    let report = NewReport {
        id: Uuid::now_v7(),
        comment_id: missing,
        reporter_id: author.id,
        reason: "spam".into(),
        note: None,
        created_at: T0,
    };
    assert!(not_found(store.insert_report(&report).await));
    assert_eq!(
        comment_count(&*store).await,
        1,
        "failed inserts leave no count behind"
    );
}
