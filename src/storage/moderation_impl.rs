//! `impl_moderation_store!`: the `ModerationStore` of one driver. `$lock` ends the claim's
//! candidate select: PostgreSQL's `FOR UPDATE OF c SKIP LOCKED` (concurrent claimers pass over
//! each other's rows instead of waiting or taking them), nothing on SQLite, whose `IMMEDIATE`
//! transactions already run one writer at a time.

macro_rules! impl_moderation_store {
    ($store:ident, $db:ty, lock = $lock:literal) => {
        const _: () = {
            use time::OffsetDateTime;
            use uuid::Uuid;
            use $crate::domain::CommentStatus;
            use $crate::moderation::{Queue, QueueOrder};
            use $crate::storage::moderation::{self as m, trust_mark, trust_moves, unix_ms};
            use $crate::storage::moderation_sql as q;
            use $crate::storage::{
                CommentRow, Commenter, Decided, Decision, ModerationStore, NewAudit, QueueCount, QueueQuery,
                QueueRow, ReportRow, ReportThresholds, Sanction, Sanctioned, StoreError, StoreResult, sql,
            };

            type Builder = sqlx::QueryBuilder<$db>;
            type Conn = <$db as sqlx::Database>::Connection;

            impl $store {
                /// The queue's condition, the filters and the keyset, after `WHERE `.
                fn push_queue_filter(b: &mut Builder, query: &QueueQuery) {
                    // The status literal comes from the enum, never from the request.
                    b.push(format!("c.status = '{}'", query.queue.status().as_str()));
                    if query.queue == Queue::Reported {
                        b.push(q::HAS_OPEN_REPORTS).push(" AND ").push(q::OPEN_REPORTS).push(" >= ");
                        Self::push_threshold(b, &query.thresholds);
                    }
                    if let Some(site) = &query.site {
                        b.push(" AND c.site = ").push_bind(site.clone());
                    }
                    if let Some(article) = &query.article {
                        b.push(" AND c.article_id = ").push_bind(article.clone());
                    }
                    if let Some(section) = &query.section {
                        b.push(" AND ar.section = ").push_bind(section.clone());
                    }
                    if let Some(after) = query.after {
                        match query.order {
                            QueueOrder::Oldest => {
                                b.push(" AND c.id > ").push_bind(after.id);
                            }
                            QueueOrder::Priority => {
                                b.push(format!(" AND ({} < ", q::PRIORITY_KEY))
                                    .push_bind(after.score)
                                    .push(format!(" OR ({} = ", q::PRIORITY_KEY))
                                    .push_bind(after.score)
                                    .push(" AND c.id > ")
                                    .push_bind(after.id)
                                    .push("))");
                            }
                        }
                    }
                }

                fn push_order(b: &mut Builder, order: QueueOrder, limit: i64) {
                    match order {
                        QueueOrder::Oldest => b.push(" ORDER BY c.id ASC"),
                        QueueOrder::Priority => b.push(format!(" ORDER BY {} DESC, c.id ASC", q::PRIORITY_KEY)),
                    };
                    b.push(" LIMIT ").push_bind(limit.max(0));
                }

                /// Each site's threshold for the row's site; sites without one never qualify.
                fn push_threshold(b: &mut Builder, t: &ReportThresholds) {
                    if t.0.is_empty() {
                        b.push_bind(i64::MAX);
                        return;
                    }
                    b.push("CASE c.site");
                    for (site, n) in &t.0 {
                        b.push(" WHEN ").push_bind(site.clone()).push(" THEN ").push_bind(*n);
                    }
                    b.push(" ELSE ").push_bind(i64::MAX).push(" END");
                }

                async fn items_by_id(
                    conn: &mut Conn,
                    ids: &[Uuid],
                    order: QueueOrder,
                ) -> StoreResult<Vec<QueueRow>> {
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut b = Builder::new(q::item_select());
                    b.push("c.id IN (");
                    let mut list = b.separated(", ");
                    for id in ids {
                        list.push_bind(*id);
                    }
                    b.push(")");
                    Self::push_order(&mut b, order, i64::try_from(ids.len()).unwrap_or(i64::MAX));
                    Ok(b.build_query_as().fetch_all(&mut *conn).await?)
                }

                async fn lock_commenter(conn: &mut Conn, id: Uuid) -> StoreResult<Commenter> {
                    sqlx::query_as(q::COMMENTER_LOCK)
                        .bind(id)
                        .fetch_optional(&mut *conn)
                        .await?
                        .ok_or(StoreError::NotFound)
                }

                /// Locks a comment, asks `target` (given its status and claim) where it goes,
                /// and moves it there: counters, trust, open reports, claim. The caller holds
                /// the author's row. Returns (row before, row after, reports resolved).
                async fn apply_decision(
                    conn: &mut Conn,
                    id: Uuid,
                    now: OffsetDateTime,
                    target: impl FnOnce(CommentStatus, Option<Uuid>, Option<i64>) -> StoreResult<CommentStatus>,
                ) -> StoreResult<(CommentRow, CommentRow, u64)> {
                    let (status, replies, parent, site, article, claimed_by, claim_until, mark): q::DecisionLocked =
                        sqlx::query_as(q::DECISION_LOCK)
                            .bind(id)
                            .fetch_optional(&mut *conn)
                            .await?
                            .ok_or(StoreError::NotFound)?;
                    let before_status = CommentStatus::parse(&status).unwrap_or(CommentStatus::Pending);
                    let to = target(before_status, claimed_by, claim_until)?;
                    let before = Self::fetch_comment(&mut *conn, id).await?;
                    let new_mark = trust_mark(to);
                    sqlx::query(q::DECISION_APPLY)
                        .bind(id)
                        .bind(to.as_str())
                        .bind(new_mark)
                        .execute(&mut *conn)
                        .await?;
                    let moves = sql::count_moves(Some(&status), to.as_str(), replies);
                    Self::move_counts(&mut *conn, &site, &article, parent, moves).await?;
                    let (approved, rejected) = trust_moves(mark.as_deref(), new_mark);
                    if (approved, rejected) != (0, 0) {
                        sqlx::query(q::TRUST_ADD)
                            .bind(before.author_id)
                            .bind(approved)
                            .bind(rejected)
                            .execute(&mut *conn)
                            .await?;
                    }
                    let resolved = sqlx::query(q::REPORTS_RESOLVE)
                        .bind(id)
                        .bind(now)
                        .execute(&mut *conn)
                        .await?
                        .rows_affected();
                    let after = Self::fetch_comment(&mut *conn, id).await?;
                    Ok((before, after, resolved))
                }
            }

            #[async_trait::async_trait]
            impl ModerationStore for $store {
                async fn queue_page(&self, query: &QueueQuery) -> StoreResult<Vec<QueueRow>> {
                    let mut b = Builder::new(q::item_select());
                    Self::push_queue_filter(&mut b, query);
                    Self::push_order(&mut b, query.order, query.limit);
                    Ok(b.build_query_as().fetch_all(&self.pool).await?)
                }

                async fn queue_counts(&self, thresholds: &ReportThresholds) -> StoreResult<Vec<QueueCount>> {
                    let rows: Vec<(String, String, i64, i64)> =
                        sqlx::query_as(q::COUNTS).fetch_all(&self.pool).await?;
                    let mut counts: Vec<QueueCount> = Vec::new();
                    for (site, status, open, n) in rows {
                        let queue = match Queue::parse(&status) {
                            Some(Queue::Reported) => {
                                let threshold = thresholds.0.iter().find(|(s, _)| *s == site).map(|(_, t)| *t);
                                if threshold.is_none_or(|t| open < t) {
                                    continue;
                                }
                                Queue::Reported
                            }
                            Some(queue) => queue,
                            None => continue,
                        };
                        match counts.iter_mut().find(|(s, qu, _)| *s == site && *qu == queue) {
                            Some(c) => c.2 += n,
                            None => counts.push((site, queue, n)),
                        }
                    }
                    Ok(counts)
                }

                async fn claim(
                    &self,
                    query: &QueueQuery,
                    actor: Uuid,
                    now_ms: i64,
                    until_ms: i64,
                ) -> StoreResult<Vec<QueueRow>> {
                    let mut tx = self.write_tx().await?;
                    let mut b = Builder::new("UPDATE comments SET claimed_by = ");
                    b.push_bind(actor)
                        .push(", claim_until_ms = ")
                        .push_bind(until_ms)
                        .push(" WHERE id IN (")
                        .push(q::CLAIM_SELECT);
                    Self::push_queue_filter(&mut b, query);
                    b.push(" AND (c.claimed_by IS NULL OR c.claim_until_ms <= ")
                        .push_bind(now_ms)
                        .push(")");
                    Self::push_order(&mut b, query.order, query.limit);
                    b.push($lock).push(") RETURNING id");
                    let ids: Vec<Uuid> = b.build_query_scalar().fetch_all(&mut *tx).await?;
                    let items = Self::items_by_id(&mut *tx, &ids, query.order).await?;
                    tx.commit().await?;
                    Ok(items)
                }

                async fn queue_item(&self, id: Uuid) -> StoreResult<Option<QueueRow>> {
                    let mut conn = self.pool.acquire().await?;
                    Ok(Self::items_by_id(&mut *conn, &[id], QueueOrder::Oldest).await?.pop())
                }

                async fn reports_of(&self, comments: &[Uuid], all: bool) -> StoreResult<Vec<ReportRow>> {
                    if comments.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut b = Builder::new(q::REPORTS_OPEN);
                    let mut list = b.separated(", ");
                    for id in comments {
                        list.push_bind(*id);
                    }
                    b.push(")");
                    if !all {
                        b.push(" AND resolved_at IS NULL");
                    }
                    b.push(" ORDER BY id");
                    Ok(b.build_query_as().fetch_all(&self.pool).await?)
                }

                async fn decide(&self, d: &Decision) -> StoreResult<Decided> {
                    let mut tx = self.write_tx().await?;
                    let author: Uuid = sqlx::query_scalar(q::COMMENT_AUTHOR)
                        .bind(d.comment)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    Self::lock_commenter(&mut *tx, author).await?;
                    let now_ms = unix_ms(d.now);
                    let mut overrode = None;
                    let target = |status: CommentStatus, claimed_by: Option<Uuid>, until: Option<i64>| {
                        if d.expected.is_some_and(|e| e != status) {
                            return Err(StoreError::Conflict("stale_status"));
                        }
                        let held = claimed_by.filter(|k| *k != d.actor.id && until.is_some_and(|u| u > now_ms));
                        if held.is_some() && !d.force {
                            return Err(StoreError::Conflict("claimed_by_other"));
                        }
                        overrode = held;
                        d.action
                            .target(status)
                            .ok_or(StoreError::Conflict("decision_not_applicable"))
                    };
                    let (before, after, resolved) = Self::apply_decision(&mut *tx, d.comment, d.now, target).await?;
                    let mut after_json = serde_json::json!({ "status": after.status });
                    if let Some(key) = overrode {
                        after_json["overrode_claim_of"] = serde_json::json!(key);
                    }
                    let audit = NewAudit {
                        action: format!("comment.{}", d.action.as_str()),
                        site: Some(after.site.clone()),
                        target_kind: "comment",
                        target_id: after.id.to_string(),
                        before: Some(serde_json::json!({ "status": before.status, "open_reports": resolved })),
                        after: Some(after_json),
                        reason: d.reason.map(|r| r.as_str().to_string()),
                        note: d.note.clone(),
                    };
                    Self::audit_in(&mut *tx, &d.actor, d.now, &audit).await?;
                    tx.commit().await?;
                    Ok(Decided {
                        before,
                        after,
                        reports_resolved: resolved,
                        overrode_claim_of: overrode,
                    })
                }

                async fn sanction(&self, s: &Sanction) -> StoreResult<Sanctioned> {
                    let mut tx = self.write_tx().await?;
                    let before = Self::lock_commenter(&mut *tx, s.commenter).await?;
                    let after: Commenter = sqlx::query_as(q::COMMENTER_SET_STATUS)
                        .bind(s.commenter)
                        .bind(s.status.as_str())
                        .bind(s.until)
                        .bind(&s.reason)
                        .fetch_one(&mut *tx)
                        .await?;
                    let standing = |c: &Commenter| {
                        let until = c
                            .status_until
                            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok());
                        serde_json::json!({ "status": c.status, "until": until, "reason": c.status_reason })
                    };
                    let mut rejected = Vec::new();
                    if let Some(since) = s.reject_since {
                        let recent: Vec<(Uuid, OffsetDateTime)> = sqlx::query_as(q::SWEEP)
                            .bind(s.commenter)
                            .bind(m::SANCTION_SWEEP_MAX)
                            .fetch_all(&mut *tx)
                            .await?;
                        for (id, _) in recent.into_iter().filter(|(_, at)| *at >= since) {
                            let (b, a, _) = Self::apply_decision(&mut *tx, id, s.now, |_, _, _| {
                                Ok(CommentStatus::Rejected)
                            })
                            .await?;
                            let audit = NewAudit {
                                action: "comment.reject".into(),
                                site: Some(a.site.clone()),
                                target_kind: "comment",
                                target_id: a.id.to_string(),
                                before: Some(serde_json::json!({ "status": b.status })),
                                after: Some(serde_json::json!({ "status": a.status })),
                                reason: Some("sanction".into()),
                                note: Some(s.reason.clone()),
                            };
                            Self::audit_in(&mut *tx, &s.actor, s.now, &audit).await?;
                            rejected.push((b.status(), a));
                        }
                    }
                    let mut after_json = standing(&after);
                    after_json["rejected_comments"] = serde_json::json!(rejected.len());
                    let audit = NewAudit {
                        action: format!("commenter.{}", s.status.as_str()),
                        site: Some(after.site.clone()),
                        target_kind: "commenter",
                        target_id: after.id.to_string(),
                        before: Some(standing(&before)),
                        after: Some(after_json),
                        reason: Some(s.reason.clone()),
                        note: None,
                    };
                    Self::audit_in(&mut *tx, &s.actor, s.now, &audit).await?;
                    tx.commit().await?;
                    Ok(Sanctioned { before, after, rejected })
                }

                async fn commenter_by_external_id(&self, site: &str, external_id: &str) -> StoreResult<Option<Commenter>> {
                    Ok(sqlx::query_as(q::COMMENTER_BY_EXTERNAL)
                        .bind(site)
                        .bind(external_id)
                        .fetch_optional(&self.pool)
                        .await?)
                }

                async fn commenter_status_counts(&self, commenter: Uuid) -> StoreResult<Vec<(String, i64)>> {
                    Ok(sqlx::query_as(q::STATUS_COUNTS).bind(commenter).fetch_all(&self.pool).await?)
                }

                async fn commenter_comments(&self, commenter: Uuid, limit: i64) -> StoreResult<Vec<CommentRow>> {
                    let mut b = Builder::new(format!(
                        "SELECT {} FROM comments c JOIN commenters a ON a.id = c.author_id WHERE c.author_id = ",
                        sql::COMMENT_COLUMNS
                    ));
                    b.push_bind(commenter).push(" ORDER BY c.id DESC LIMIT ").push_bind(limit.max(0));
                    Ok(b.build_query_as().fetch_all(&self.pool).await?)
                }
            }
        };
    };
}

pub(super) use impl_moderation_store;
