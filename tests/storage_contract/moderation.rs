//! The contract of the moderation store: queues, claims, decisions, sanctions, the audit log.

use std::sync::Arc;

use majlis::domain::{CommentStatus, CommenterStatus, Role};
use majlis::moderation::{DecisionAction, Queue, QueueCursor, QueueOrder, RejectReason};
use majlis::storage::moderation::unix_ms;
use majlis::storage::{
    Actor, AuditQuery, CommentRow, Decision, Inserted, NewComment, NewCommenter, NewReport, NewStaffKey,
    QueueQuery, ReportThresholds, Sanction, Store, StoreError,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const SITE: &str = "demo";
const T0: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);

async fn actor(store: &dyn Store, name: &str) -> Actor {
    let key = store
        .insert_staff_key(&NewStaffKey {
            id: Uuid::now_v7(),
            name: name.into(),
            role: Role::Moderator,
            key_hash: format!("hash-{}", Uuid::now_v7().simple()),
            created_at: T0,
        })
        .await
        .unwrap();
    Actor::from(&key)
}

async fn author(store: &dyn Store, external_id: &str) -> Uuid {
    let new = NewCommenter {
        id: Uuid::now_v7(),
        site: SITE.into(),
        external_id: external_id.into(),
        name: "قارئ".into(),
        avatar: None,
        is_staff: false,
        is_guest: false,
    };
    store.upsert_commenter(&new, T0).await.unwrap().id
}

async fn post(store: &dyn Store, author: Uuid, status: CommentStatus, score: f32) -> CommentRow {
    store.ensure_article(SITE, "a1", T0).await.unwrap();
    let new = NewComment {
        id: Uuid::now_v7(),
        site: SITE.into(),
        article_id: "a1".into(),
        parent_id: None,
        depth: 0,
        author_id: author,
        body: "تعليق".into(),
        lang: Some("ar".into()),
        status,
        verdict: Some(format!(r#"{{"action":"hold","score":{score},"reasons":[]}}"#)),
        ip_hash: None,
        masked_body: None,
        created_at: T0,
    };
    match store.insert_comment(&new, None).await.unwrap() {
        Inserted::Created(row) => row,
        Inserted::Replayed { .. } => panic!("a replay"),
    }
}

fn queue(queue: Queue, order: QueueOrder, after: Option<QueueCursor>, limit: i64) -> QueueQuery {
    QueueQuery {
        queue,
        order,
        site: Some(SITE.into()),
        article: None,
        section: None,
        after,
        limit,
        thresholds: ReportThresholds(vec![(SITE.into(), 2)]),
    }
}

fn decision(comment: Uuid, action: DecisionAction, actor: &Actor) -> Decision {
    Decision {
        comment,
        action,
        expected: None,
        force: false,
        reason: None,
        note: None,
        actor: actor.clone(),
        now: T0 + Duration::hours(1),
    }
}

pub async fn priority_pages_by_score_then_age_without_duplicates_or_gaps(store: Arc<dyn Store>) {
    let who = author(store.as_ref(), "p").await;
    let mut posted = Vec::new();
    for score in [0.2, 0.9, 0.5, 0.9, 0.1] {
        posted.push(post(store.as_ref(), who, CommentStatus::Pending, score).await);
    }
    post(store.as_ref(), who, CommentStatus::Published, 0.99).await;
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .queue_page(&queue(Queue::Pending, QueueOrder::Priority, after, 2))
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(QueueCursor {
            score: last.priority,
            id: last.comment.id,
        });
        seen.extend(page.iter().map(|r| r.comment.id));
    }
    let expected: Vec<Uuid> = [1, 3, 2, 0, 4].iter().map(|&i| posted[i].id).collect();
    assert_eq!(seen, expected, "score descending, then oldest first");
}

pub async fn a_decision_moves_status_counts_trust_reports_and_audits_in_one_step(store: Arc<dyn Store>) {
    let mod1 = actor(store.as_ref(), "mod1").await;
    let who = author(store.as_ref(), "writer").await;
    let held = post(store.as_ref(), who, CommentStatus::Pending, 0.5).await;

    let d = store
        .decide(&decision(held.id, DecisionAction::Approve, &mod1))
        .await
        .unwrap();
    assert_eq!(d.after.status, "published");
    assert_eq!(store.article(SITE, "a1").await.unwrap().unwrap().comment_count, 1);
    let c = store.commenter(who).await.unwrap().unwrap();
    assert_eq!((c.approved_count, c.rejected_count), (1, 0));

    // Reported past the threshold, then rejected: the reports resolve, trust moves.
    for n in 0..2 {
        let reporter = author(store.as_ref(), &format!("r{n}")).await;
        store
            .insert_report(&NewReport {
                id: Uuid::now_v7(),
                comment_id: held.id,
                reporter_id: reporter,
                reason: "abuse".into(),
                note: None,
                created_at: T0,
            })
            .await
            .unwrap();
    }
    let reported = store
        .queue_page(&queue(Queue::Reported, QueueOrder::Oldest, None, 10))
        .await
        .unwrap();
    assert_eq!(reported.len(), 1);
    assert_eq!(reported[0].open_reports, 2);
    let mut reject = decision(held.id, DecisionAction::Reject, &mod1);
    reject.reason = Some(RejectReason::Abuse);
    reject.expected = Some(CommentStatus::Published);
    let d = store.decide(&reject).await.unwrap();
    assert_eq!(d.reports_resolved, 2);
    assert!(store.reports_of(&[held.id], false).await.unwrap().is_empty());
    assert_eq!(store.reports_of(&[held.id], true).await.unwrap().len(), 2);
    assert_eq!(store.article(SITE, "a1").await.unwrap().unwrap().comment_count, 0);
    let c = store.commenter(who).await.unwrap().unwrap();
    assert_eq!((c.approved_count, c.rejected_count), (0, 1), "moved, not added");
    let rows = store
        .queue_page(&queue(Queue::Reported, QueueOrder::Oldest, None, 10))
        .await
        .unwrap();
    assert!(rows.is_empty());

    // Stale, inapplicable, unknown.
    let stale = store.decide(&reject).await;
    assert!(
        matches!(stale, Err(StoreError::Conflict("stale_status"))),
        "{stale:?}"
    );
    let pending_restore = post(store.as_ref(), who, CommentStatus::Pending, 0.1).await;
    let wrong = store
        .decide(&decision(pending_restore.id, DecisionAction::Restore, &mod1))
        .await;
    assert!(
        matches!(wrong, Err(StoreError::Conflict("decision_not_applicable"))),
        "{wrong:?}"
    );
    let missing = store
        .decide(&decision(Uuid::now_v7(), DecisionAction::Approve, &mod1))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");

    let audit = store
        .audit(&AuditQuery {
            target: Some(("comment".into(), held.id.to_string())),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["comment.reject", "comment.approve"], "newest first");
    assert_eq!(audit[0].actor_id, Some(mod1.id));
    assert_eq!(audit[0].reason.as_deref(), Some("abuse"));
    assert!(audit[0].before.as_deref().unwrap().contains("published"));
    assert!(audit[0].after.as_deref().unwrap().contains("rejected"));
}

pub async fn claims_never_overlap_and_expire_with_their_lease(store: Arc<dyn Store>) {
    let (a, b) = (actor(store.as_ref(), "a").await, actor(store.as_ref(), "b").await);
    let who = author(store.as_ref(), "w").await;
    for _ in 0..5 {
        post(store.as_ref(), who, CommentStatus::Pending, 0.3).await;
    }
    let now = unix_ms(T0);
    let q = queue(Queue::Pending, QueueOrder::Oldest, None, 3);
    let first = store.claim(&q, a.id, now, now + 300_000).await.unwrap();
    let second = store.claim(&q, b.id, now, now + 300_000).await.unwrap();
    assert_eq!((first.len(), second.len()), (3, 2));
    assert!(
        first
            .iter()
            .all(|r| second.iter().all(|s| s.comment.id != r.comment.id))
    );
    assert!(
        store
            .claim(&q, b.id, now + 1000, now + 301_000)
            .await
            .unwrap()
            .is_empty()
    );

    // Another moderator's live claim needs force; after the lease anyone may decide.
    let held = first[0].comment.id;
    let mut d = decision(held, DecisionAction::Approve, &b);
    d.now = T0 + Duration::minutes(1);
    let refused = store.decide(&d).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict("claimed_by_other"))),
        "{refused:?}"
    );
    d.force = true;
    assert_eq!(store.decide(&d).await.unwrap().overrode_claim_of, Some(a.id));

    let later = now + 300_000;
    let again = store.claim(&q, b.id, later, later + 300_000).await.unwrap();
    assert_eq!(
        again.len(),
        3,
        "every lease has expired: the four undecided items are claimable again"
    );
}

pub async fn a_ban_can_reject_recent_comments_in_the_same_step(store: Arc<dyn Store>) {
    let m = actor(store.as_ref(), "m").await;
    let who = author(store.as_ref(), "spammer").await;
    post(store.as_ref(), who, CommentStatus::Published, 0.1).await;
    let a = post(store.as_ref(), who, CommentStatus::Published, 0.1).await;
    let b = post(store.as_ref(), who, CommentStatus::Pending, 0.1).await;
    let done = store
        .sanction(&Sanction {
            commenter: who,
            status: CommenterStatus::Banned,
            until: None,
            reason: "spam run".into(),
            reject_since: Some(T0),
            actor: m.clone(),
            now: T0 + Duration::hours(1),
        })
        .await
        .unwrap();
    assert_eq!(done.after.status, "banned");
    assert_eq!(done.rejected.len(), 3, "every comment at or after T0");
    assert!(
        done.rejected
            .iter()
            .any(|(before, row)| row.id == a.id && *before == CommentStatus::Published)
    );
    assert_eq!(store.comment(b.id).await.unwrap().unwrap().status, "rejected");
    assert_eq!(store.article(SITE, "a1").await.unwrap().unwrap().comment_count, 0);
    let audit = store
        .audit(&AuditQuery {
            actor_id: Some(m.id),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 4, "the ban and each rejection");
    assert_eq!(audit[0].action, "commenter.banned");
    assert!(audit[0].before.as_deref().unwrap().contains("active"));

    let missing = store
        .sanction(&Sanction {
            commenter: Uuid::now_v7(),
            status: CommenterStatus::Banned,
            until: None,
            reason: "x".into(),
            reject_since: None,
            actor: m,
            now: T0,
        })
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

pub async fn queue_counts_group_by_site_and_honour_the_report_threshold(store: Arc<dyn Store>) {
    let who = author(store.as_ref(), "c").await;
    post(store.as_ref(), who, CommentStatus::Pending, 0.1).await;
    post(store.as_ref(), who, CommentStatus::Pending, 0.1).await;
    post(store.as_ref(), who, CommentStatus::Spam, 0.1).await;
    let once = post(store.as_ref(), who, CommentStatus::Published, 0.1).await;
    let reporter = author(store.as_ref(), "r").await;
    store
        .insert_report(&NewReport {
            id: Uuid::now_v7(),
            comment_id: once.id,
            reporter_id: reporter,
            reason: "spam".into(),
            note: None,
            created_at: T0,
        })
        .await
        .unwrap();
    let mut counts = store
        .queue_counts(&ReportThresholds(vec![(SITE.into(), 1)]))
        .await
        .unwrap();
    counts.sort_by_key(|c| c.1.as_str());
    let got: Vec<(&str, i64)> = counts.iter().map(|(_, q, n)| (q.as_str(), *n)).collect();
    assert_eq!(got, [("pending", 2), ("reported", 1), ("spam", 1)]);
    let higher = store
        .queue_counts(&ReportThresholds(vec![(SITE.into(), 2)]))
        .await
        .unwrap();
    assert!(
        higher.iter().all(|c| c.1 != Queue::Reported),
        "one report is under 2"
    );
}

pub async fn the_audit_log_filters_by_site_actor_action_time_and_pages_newest_first(store: Arc<dyn Store>) {
    let (a, b) = (actor(store.as_ref(), "a").await, actor(store.as_ref(), "b").await);
    let who = author(store.as_ref(), "audited").await;
    let mut decided = Vec::new();
    for (i, by) in [&a, &b, &a].into_iter().enumerate() {
        let c = post(store.as_ref(), who, CommentStatus::Pending, 0.1).await;
        let mut d = decision(c.id, DecisionAction::Approve, by);
        d.now = T0 + Duration::minutes(i as i64);
        store.decide(&d).await.unwrap();
        decided.push(c.id.to_string());
    }
    let query = |f: &dyn Fn(&mut AuditQuery)| {
        let mut q = AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        };
        f(&mut q);
        q
    };
    let targets =
        |rows: Vec<majlis::storage::AuditRow>| rows.into_iter().map(|r| r.target_id).collect::<Vec<_>>();

    let all = targets(store.audit(&query(&|_| {})).await.unwrap());
    assert_eq!(
        all,
        [decided[2].clone(), decided[1].clone(), decided[0].clone()],
        "newest first"
    );
    let by_a = targets(store.audit(&query(&|q| q.actor_id = Some(a.id))).await.unwrap());
    assert_eq!(by_a, [decided[2].clone(), decided[0].clone()]);
    let by_name = store
        .audit(&query(&|q| q.actor_name = Some("b".into())))
        .await
        .unwrap();
    assert_eq!(by_name.len(), 1);
    let since = targets(
        store
            .audit(&query(&|q| q.since_ms = Some(unix_ms(T0 + Duration::minutes(1)))))
            .await
            .unwrap(),
    );
    assert_eq!(since, [decided[2].clone(), decided[1].clone()]);
    let other_site = store
        .audit(&query(&|q| q.site = Some("other".into())))
        .await
        .unwrap();
    assert!(other_site.is_empty());
    let first = store.audit(&query(&|q| q.limit = 2)).await.unwrap();
    let rest = store
        .audit(&query(&|q| q.before_id = Some(first[1].id)))
        .await
        .unwrap();
    assert_eq!(targets(rest), [decided[0].clone()], "the page after the cursor");
    let none = store
        .audit(&query(&|q| q.action = Some("comment.reject".into())))
        .await
        .unwrap();
    assert!(none.is_empty());
}
