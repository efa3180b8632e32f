//! Personal data: the keyed hashes of posters' addresses are dropped after the retention period
//! (`privacy.ip_hash_retention_days`), and a commenter's data can be exported and erased
//! (SPEC §9, admin only). Idempotency keys are dropped after a day, like any retention.

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Actor, CommentRow, Commenter, StoreResult};

/// A like, as its giver's export lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LikeGiven {
    pub comment_id: Uuid,
    pub created_at: OffsetDateTime,
}

/// A report, as its reporter's export lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportFiled {
    pub comment_id: Uuid,
    pub reason: String,
    pub note: Option<String>,
    pub created_at: OffsetDateTime,
}

/// Everything stored about one commenter.
#[derive(Debug, Clone)]
pub struct CommenterData {
    pub commenter: Commenter,
    pub comments: Vec<CommentRow>,
    pub likes: Vec<LikeGiven>,
    pub reports: Vec<ReportFiled>,
}

/// What an erasure changed: each comment that was erased, with its status before.
#[derive(Debug, Clone, Default)]
pub struct Erased {
    pub comments: Vec<(String, CommentRow)>,
}

#[async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Forgets the address hash of every comment created before `before`; answers how many.
    async fn purge_ip_hashes(&self, before: OffsetDateTime) -> StoreResult<u64>;
    /// Drops the idempotency keys of comments created before `before`; answers how many.
    async fn purge_idempotency_keys(&self, before: OffsetDateTime) -> StoreResult<u64>;
    /// The commenter's row, comments (every status, oldest first), likes and reports.
    async fn commenter_data(&self, id: Uuid) -> StoreResult<Option<CommenterData>>;
    /// In one transaction: every comment of the commenter becomes a tombstone without body,
    /// verdict or address hash (counts moved as for a deletion); their report notes are
    /// cleared, their idempotency keys dropped; the commenter's name and avatar are emptied; an
    /// audit row without personal data. Likes and reports stay, pointing at the anonymous row.
    /// The external id stays: it is the host site's own account id (or a random guest id),
    /// it keeps a ban in force, and the same login must map to the same row (SSO commenter
    /// ids are derived from it).
    /// `NotFound` for an unknown commenter; erasing twice changes nothing the second time.
    async fn erase_commenter(&self, id: Uuid, actor: &Actor, now: OffsetDateTime) -> StoreResult<Erased>;
}

/// By id (UUIDv7, creation order) rather than by time, as `filter::SINCE` does: SQLite would
/// compare times as text.
pub(super) const PURGE_IP_HASHES: &str =
    "UPDATE comments SET ip_hash = NULL WHERE ip_hash IS NOT NULL AND id < $1";
/// By the comment's id, for the same reason.
pub(super) const PURGE_IDEMPOTENCY_KEYS: &str = "DELETE FROM idempotency_keys WHERE comment_id < $1";
pub(super) const COMMENT_IDS: &str = "SELECT id FROM comments WHERE author_id = $1 ORDER BY id DESC";
pub(super) const LIKES: &str =
    "SELECT comment_id, created_at FROM likes WHERE commenter_id = $1 ORDER BY created_at, comment_id";
pub(super) const REPORTS: &str = "SELECT comment_id, reason, note, created_at FROM reports \
     WHERE reporter_id = $1 ORDER BY id";
pub(super) const ERASE_BODIES: &str = "UPDATE comments SET body = '', masked_body = NULL, verdict = NULL, \
     ip_hash = NULL, claimed_by = NULL WHERE author_id = $1";
pub(super) const ERASE_REPORT_NOTES: &str = "UPDATE reports SET note = NULL WHERE reporter_id = $1";
pub(super) const ERASE_IDEMPOTENCY: &str = "DELETE FROM idempotency_keys WHERE commenter_id = $1";
pub(super) const ERASE_COMMENTER: &str =
    "UPDATE commenters SET name = '', avatar = NULL, status_reason = NULL WHERE id = $1";

macro_rules! impl_privacy_store {
    ($store:ident, $db:ty) => {
        const _: () = {
            use time::OffsetDateTime;
            use uuid::Uuid;
            use $crate::storage::privacy as p;
            use $crate::storage::{
                Actor, CommenterData, Erased, ModerationStore, NewAudit, PrivacyStore, Store, StoreError,
                StoreResult, sql,
            };

            #[async_trait::async_trait]
            impl PrivacyStore for $store {
                async fn purge_ip_hashes(&self, before: OffsetDateTime) -> StoreResult<u64> {
                    let done = sqlx::query(p::PURGE_IP_HASHES)
                        .bind(super::filter::first_id_at(before))
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected())
                }

                async fn purge_idempotency_keys(&self, before: OffsetDateTime) -> StoreResult<u64> {
                    let done = sqlx::query(p::PURGE_IDEMPOTENCY_KEYS)
                        .bind(super::filter::first_id_at(before))
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected())
                }

                async fn commenter_data(&self, id: Uuid) -> StoreResult<Option<CommenterData>> {
                    let Some(commenter) = self.commenter(id).await? else {
                        return Ok(None);
                    };
                    // Every one, in one query (the history view's, newest first).
                    let mut comments = self.commenter_comments(id, i64::MAX).await?;
                    comments.reverse();
                    let likes = sqlx::query_as(p::LIKES)
                        .bind(id)
                        .fetch_all(&self.pool)
                        .await?;
                    let reports = sqlx::query_as(p::REPORTS)
                        .bind(id)
                        .fetch_all(&self.pool)
                        .await?;
                    Ok(Some(CommenterData {
                        commenter,
                        comments,
                        likes,
                        reports,
                    }))
                }

                async fn erase_commenter(
                    &self,
                    id: Uuid,
                    actor: &Actor,
                    now: OffsetDateTime,
                ) -> StoreResult<Erased> {
                    let mut tx = self.write_tx().await?;
                    let commenter = Self::lock_commenter(&mut *tx, id).await?;
                    let ids: Vec<Uuid> = sqlx::query_scalar(p::COMMENT_IDS)
                        .bind(id)
                        .fetch_all(&mut *tx)
                        .await?;
                    // Newest first: a reply is erased before its parent, so the parent's reply
                    // count is current when its own visibility is decided.
                    let mut befores = Vec::with_capacity(ids.len());
                    for comment in &ids {
                        let (before, replies, parent, site, article): sql::Locked =
                            sqlx::query_as(sql::COMMENT_LOCK)
                                .bind(comment)
                                .fetch_optional(&mut *tx)
                                .await?
                                .ok_or(StoreError::NotFound)?;
                        if before != "deleted" {
                            sqlx::query(sql::COMMENT_DELETE)
                                .bind(comment)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                            let moves = sql::count_moves(Some(&before), "deleted", replies);
                            Self::move_counts(&mut *tx, &site, &article, parent, moves).await?;
                        }
                        befores.push(before);
                    }
                    for query in [p::ERASE_BODIES, p::ERASE_REPORT_NOTES, p::ERASE_IDEMPOTENCY] {
                        sqlx::query(query).bind(id).execute(&mut *tx).await?;
                    }
                    sqlx::query(p::ERASE_COMMENTER)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    let audit = NewAudit {
                        action: "commenter.erase".into(),
                        site: Some(commenter.site.clone()),
                        target_kind: "commenter",
                        target_id: id.to_string(),
                        before: Some(serde_json::json!({ "comments": ids.len() })),
                        after: Some(serde_json::json!({ "erased": true })),
                        ..NewAudit::default()
                    };
                    Self::audit_in(&mut *tx, actor, now, &audit).await?;
                    let mut erased = Erased::default();
                    for (before, comment) in befores.into_iter().zip(&ids) {
                        erased
                            .comments
                            .push((before, Self::fetch_comment(&mut *tx, *comment).await?));
                    }
                    tx.commit().await?;
                    Ok(erased)
                }
            }
        };
    };
}

pub(super) use impl_privacy_store;
