//! The moderation store: queues, claims, decisions, sanctions and the audit log. Like the rest
//! of the store, one SQL text (`moderation_sql.rs`) serves both back-ends, written once by
//! `impl_moderation_store!` (`moderation_impl.rs`); only the claim's row lock differs.

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Actor, CommentRow, Commenter, StoreResult};
use crate::domain::{CommentStatus, CommenterStatus};
use crate::moderation::{DecisionAction, Queue, QueueCursor, QueueOrder, RejectReason};

/// Each site's report threshold (`sites.*.report_threshold`): the reported queue holds
/// published comments with at least this many open reports.
#[derive(Debug, Clone, Default)]
pub struct ReportThresholds(pub Vec<(String, i64)>);

/// A queue page, or the candidates of a claim.
#[derive(Debug, Clone)]
pub struct QueueQuery {
    pub queue: Queue,
    pub order: QueueOrder,
    pub site: Option<String>,
    pub article: Option<String>,
    pub section: Option<String>,
    pub after: Option<QueueCursor>,
    pub limit: i64,
    pub thresholds: ReportThresholds,
}

/// A queue item: the comment, its article, its author's standing, open reports and claim.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRow {
    #[sqlx(flatten)]
    pub comment: CommentRow,
    /// The priority key the page is ordered by (`moderation_sql::PRIORITY_KEY`).
    pub priority: f64,
    pub article_title: Option<String>,
    pub article_section: Option<String>,
    pub article_url: Option<String>,
    pub author_external_id: String,
    pub author_is_guest: bool,
    pub author_status: String,
    pub author_status_until: Option<OffsetDateTime>,
    pub author_approved: i64,
    pub author_rejected: i64,
    pub open_reports: i64,
    pub claimed_by: Option<Uuid>,
    pub claimed_by_name: Option<String>,
    /// Unix milliseconds; a claim whose time has passed is no claim.
    pub claim_until_ms: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub id: Uuid,
    pub comment_id: Uuid,
    pub reporter_id: Uuid,
    pub reason: String,
    pub note: Option<String>,
    pub created_at: OffsetDateTime,
    pub resolved_at: Option<OffsetDateTime>,
}

/// Queue sizes: `(site, queue, count)`.
pub type QueueCount = (String, Queue, i64);

#[derive(Debug, Clone)]
pub struct Decision {
    pub comment: Uuid,
    pub action: DecisionAction,
    /// Refuse (`Conflict("stale_status")`) unless the comment is still in this status.
    pub expected: Option<CommentStatus>,
    /// Decide even when another moderator holds the claim (audited).
    pub force: bool,
    pub reason: Option<RejectReason>,
    pub note: Option<String>,
    pub actor: Actor,
    pub now: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Decided {
    pub before: CommentRow,
    pub after: CommentRow,
    pub reports_resolved: u64,
    /// The staff key whose live claim this decision overrode.
    pub overrode_claim_of: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct Sanction {
    pub commenter: Uuid,
    pub status: CommenterStatus,
    pub until: Option<OffsetDateTime>,
    pub reason: String,
    /// Also reject the commenter's live comments created at or after this time.
    pub reject_since: Option<OffsetDateTime>,
    pub actor: Actor,
    pub now: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Sanctioned {
    pub before: Commenter,
    pub after: Commenter,
    /// The comments rejected with it: (status before, row after).
    pub rejected: Vec<(CommentStatus, CommentRow)>,
}

/// At most this many of a commenter's latest comments are looked at by a ban's clean-up: a
/// bounded transaction, and more than any burst a spammer gets through the rate limits.
pub const SANCTION_SWEEP_MAX: i64 = 500;

#[async_trait]
pub trait ModerationStore: Send + Sync {
    async fn queue_page(&self, q: &QueueQuery) -> StoreResult<Vec<QueueRow>>;
    /// Every non-empty queue of every site, in one grouped query.
    async fn queue_counts(&self, thresholds: &ReportThresholds) -> StoreResult<Vec<QueueCount>>;
    /// Claims up to `q.limit` items nobody holds (or whose claim expired) for `actor` until
    /// `until_ms`. Concurrent claimers never get the same item.
    async fn claim(
        &self,
        q: &QueueQuery,
        actor: Uuid,
        now_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Vec<QueueRow>>;
    /// One comment as a queue item, whatever its status.
    async fn queue_item(&self, id: Uuid) -> StoreResult<Option<QueueRow>>;
    /// Reports of these comments, oldest first; only the open ones unless `all`.
    async fn reports_of(&self, comments: &[Uuid], all: bool) -> StoreResult<Vec<ReportRow>>;
    /// In one transaction: status and counters, the author's trust, the comment's open
    /// reports resolved, the claim released, and an audit row.
    async fn decide(&self, d: &Decision) -> StoreResult<Decided>;
    /// In one transaction: the commenter's status, an audit row, and with `reject_since`
    /// their recent live comments rejected (each audited).
    async fn sanction(&self, s: &Sanction) -> StoreResult<Sanctioned>;
    async fn commenter_by_external_id(&self, site: &str, external_id: &str)
    -> StoreResult<Option<Commenter>>;
    /// `(status, count)` of a commenter's comments.
    async fn commenter_status_counts(&self, commenter: Uuid) -> StoreResult<Vec<(String, i64)>>;
    /// A commenter's latest comments, newest first.
    async fn commenter_comments(&self, commenter: Uuid, limit: i64) -> StoreResult<Vec<CommentRow>>;
}
/// Unix milliseconds of a moment (what lease and audit-time comparisons use).
pub fn unix_ms(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The trust mark a comment in `status` gives its author; see `comments.trust_mark`.
pub(super) fn trust_mark(status: CommentStatus) -> Option<&'static str> {
    match status {
        CommentStatus::Published => Some("approved"),
        CommentStatus::Rejected | CommentStatus::Spam => Some("rejected"),
        CommentStatus::Pending | CommentStatus::Deleted => None,
    }
}

/// How moving a comment's trust mark from `before` to `after` moves its author's
/// `(approved_count, rejected_count)`.
pub(super) fn trust_moves(before: Option<&str>, after: Option<&str>) -> (i64, i64) {
    let count = |m: Option<&str>, which: &str| i64::from(m == Some(which));
    (
        count(after, "approved") - count(before, "approved"),
        count(after, "rejected") - count(before, "rejected"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_decision_moves_trust_instead_of_adding_to_both() {
        assert_eq!(trust_moves(None, Some("approved")), (1, 0));
        assert_eq!(trust_moves(Some("rejected"), Some("approved")), (1, -1));
        assert_eq!(trust_moves(Some("rejected"), Some("rejected")), (0, 0));
        assert_eq!(trust_mark(CommentStatus::Spam), Some("rejected"));
    }
}
