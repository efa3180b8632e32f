//! The SQL of the moderation store, the same text on both back-ends (see `sql.rs`).

/// **The `priority` order's key, in one place**: the filter's score (NULL, for comments judged
/// before scores were kept, counts as 0) plus 0.1, times one plus the article's current
/// readership (its share, 0 to 1, of the site's most read article's views in the last hour,
/// kept by `popularity::readership`). A held comment on the most read article weighs up to
/// twice as much (SPEC §5); the 0.1 lets readership order the clean comments that
/// pre-moderation holds with a score of 0. Ties go oldest first.
pub(super) const PRIORITY_KEY: &str = "(COALESCE(c.score, 0.0) + 0.1) * (1.0 + ar.readership)";

/// The select of a queue item; `WHERE` and the filters follow.
pub(super) fn item_select() -> String {
    format!(
        "SELECT {}, {PRIORITY_KEY} AS priority, ar.title AS article_title, ar.section AS article_section, \
         ar.url AS article_url, a.external_id AS author_external_id, a.is_guest AS author_is_guest, \
         a.status AS author_status, a.status_until AS author_status_until, \
         a.approved_count AS author_approved, a.rejected_count AS author_rejected, \
         {OPEN_REPORTS} AS open_reports, c.claimed_by, c.claim_until_ms, k.name AS claimed_by_name \
         FROM comments c JOIN commenters a ON a.id = c.author_id \
         JOIN articles ar ON ar.site = c.site AND ar.article_id = c.article_id \
         LEFT JOIN staff_keys k ON k.id = c.claimed_by WHERE ",
        super::sql::COMMENT_COLUMNS
    )
}

/// The candidates of a claim, for `UPDATE … WHERE id IN (…)`; `WHERE` and the filters follow.
pub(super) const CLAIM_SELECT: &str = "SELECT c.id FROM comments c JOIN articles ar ON ar.site = c.site AND ar.article_id = c.article_id WHERE ";

pub(super) const OPEN_REPORTS: &str =
    "(SELECT COUNT(*) FROM reports r WHERE r.comment_id = c.id AND r.resolved_at IS NULL)";
/// Starts the reported queue from the open reports (few) rather than every published comment.
pub(super) const HAS_OPEN_REPORTS: &str =
    " AND c.id IN (SELECT r.comment_id FROM reports r WHERE r.resolved_at IS NULL)";

/// Every non-empty queue of every site: the held statuses from `comments_queue_idx`, and the
/// published comments with open reports grouped by how many, which the caller compares with
/// each site's threshold (so the query needs none of them). The reported half starts from the
/// open reports and looks each comment up by key (a scalar subquery, which both databases run
/// as a probe), so its cost follows the open reports, not the size of `comments`.
pub(super) const COUNTS: &str = "SELECT c.site, c.status, 0 AS open_reports, COUNT(*) AS n FROM comments c \
     WHERE c.status IN ('pending', 'spam', 'rejected') GROUP BY c.site, c.status \
     UNION ALL \
     SELECT x.site, 'reported', x.n, COUNT(*) FROM (\
     SELECT (SELECT c.site FROM comments c WHERE c.id = o.comment_id AND c.status = 'published') AS site, o.n \
     FROM (SELECT comment_id, COUNT(*) AS n FROM reports WHERE resolved_at IS NULL GROUP BY comment_id) o\
     ) x WHERE x.site IS NOT NULL GROUP BY x.site, x.n";

/// Reports of a set of comments; the ids and `)` follow.
pub(super) const REPORTS_OPEN: &str = "SELECT id, comment_id, reporter_id, reason, note, created_at, resolved_at \
     FROM reports WHERE comment_id IN (";

/// The author of a comment, read before any lock: decisions take the commenter's row first,
/// as sanctions do, so the two never wait on each other in opposite orders.
pub(super) const COMMENT_AUTHOR: &str = "SELECT author_id FROM comments WHERE id = $1";
pub(super) const COMMENTER_LOCK: &str = "UPDATE commenters SET status = status WHERE id = $1 RETURNING *";
/// Reads what a decision needs and holds the row until commit.
pub(super) const DECISION_LOCK: &str = "UPDATE comments SET reply_count = reply_count WHERE id = $1 \
     RETURNING status, reply_count, parent_id, site, article_id, claimed_by, claim_until_ms, trust_mark";
pub(super) type DecisionLocked = (
    String,
    i64,
    Option<uuid::Uuid>,
    String,
    String,
    Option<uuid::Uuid>,
    Option<i64>,
    Option<String>,
);
pub(super) const DECISION_APPLY: &str = "UPDATE comments SET status = $2, trust_mark = $3, claimed_by = NULL, \
     claim_until_ms = NULL WHERE id = $1";
pub(super) const TRUST_ADD: &str = "UPDATE commenters SET approved_count = approved_count + $2, \
     rejected_count = rejected_count + $3 WHERE id = $1";
pub(super) const REPORTS_RESOLVE: &str =
    "UPDATE reports SET resolved_at = $2 WHERE comment_id = $1 AND resolved_at IS NULL";
pub(super) const COMMENTER_SET_STATUS: &str =
    "UPDATE commenters SET status = $2, status_until = $3, status_reason = $4 WHERE id = $1 RETURNING *";
/// A ban's clean-up: the commenter's latest live comments (their times are checked in Rust,
/// since SQLite would compare them as text).
pub(super) const SWEEP: &str = "SELECT id, created_at FROM comments WHERE author_id = $1 \
     AND status IN ('published', 'pending', 'spam') ORDER BY id DESC LIMIT $2";

pub(super) const COMMENTER_BY_EXTERNAL: &str =
    "SELECT * FROM commenters WHERE site = $1 AND external_id = $2";
pub(super) const STATUS_COUNTS: &str =
    "SELECT status, COUNT(*) FROM comments WHERE author_id = $1 GROUP BY status ORDER BY status";

pub(super) const AUDIT_INSERT: &str = "INSERT INTO audit_log (id, at, at_ms, actor_id, actor_name, action, site, \
     target_kind, target_id, before, after, reason, note) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
/// The audit page; filters follow as `AND …`, then the order.
pub(super) const AUDIT_SELECT: &str = "SELECT * FROM audit_log WHERE 1 = 1";
