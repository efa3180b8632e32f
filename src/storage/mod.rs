//! Persistence: the `Store` trait and its two implementations, PostgreSQL (production) and
//! SQLite (the embedded default), chosen once at start-up from `database.url`.
//!
//! Both implementations run the same SQL text (`sql.rs`), generated for each driver by one
//! macro, so the back-ends cannot drift; `tests/storage_contract.rs` runs one contract
//! suite against both. Every change that touches more than one row runs in one transaction.

mod filter;
mod model;
pub mod moderation;
mod moderation_audit;
mod moderation_audit_impl;
mod moderation_impl;
mod moderation_sql;
mod popularity;
mod postgres;
mod privacy;
mod sql;
mod sqlite;

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

pub use filter::{FilterStore, LexiconRow, PastComment, SiteModels};
pub use model::*;
pub use moderation::{
    Decided, Decision, ModerationStore, QueueCount, QueueQuery, QueueRow, ReportRow, ReportThresholds,
    Sanction, Sanctioned,
};
pub use moderation_audit::{Actor, AuditQuery, AuditRow, AuditStore, NewAudit};
pub use popularity::PopularityStore;
pub use postgres::PgStore;
pub use privacy::{CommenterData, Erased, LikeGiven, PrivacyStore, ReportFiled};
pub use sqlite::SqliteStore;

use crate::domain::{CommenterStatus, Cursor, Sort};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row a change depends on does not exist (or no longer does).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was hit; the text names it (`already_reported`, `key_hash_taken`…).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The database cannot be reached right now: a `503` with `Retry-After`.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => Self::Unavailable(e),
            sqlx::Error::Database(ref db) if db.code().is_some_and(|c| is_unavailable_state(&c)) => {
                Self::Unavailable(e)
            }
            ref db if sqlite_busy(db) => Self::Unavailable(e),
            other => Self::Other(anyhow::Error::new(other)),
        }
    }
}

/// SQLSTATE classes that mean "the server is going away or not there yet", not "this query is
/// wrong": `08` connection exceptions and `57` operator intervention (`57P01` is what every
/// open connection gets when PostgreSQL is stopped or restarted, `57P03` while it starts).
/// SQLSTATEs have five characters; SQLite's numeric codes never do, so they never match.
fn is_unavailable_state(code: &str) -> bool {
    code.len() == 5 && (code.starts_with("08") || code.starts_with("57"))
}

/// SQLite's "database is locked" after `busy_timeout`: the embedded back-end runs one writer
/// at a time, and a writer that waited its whole timeout behind others is a busy database
/// (`503` with `Retry-After`), not a bug.
fn sqlite_busy(e: &sqlx::Error) -> bool {
    // The primary result code; extended ones (BUSY_RECOVERY, BUSY_SNAPSHOT…) carry it in the low byte.
    const SQLITE_BUSY: i32 = 5;
    e.as_database_error()
        .filter(|d| d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some())
        .and_then(|d| d.code())
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| code & 0xff == SQLITE_BUSY)
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What the service keeps. Times are passed in by the caller (from the app's clock), never
/// taken from the database, so tests control them and both back-ends agree.
#[async_trait]
pub trait Store:
    FilterStore + ModerationStore + AuditStore + PrivacyStore + PopularityStore + Send + Sync + 'static
{
    /// Applies the migrations of this back-end.
    async fn migrate(&self) -> StoreResult<()>;
    /// A cheap round trip, for `/readyz`.
    async fn ping(&self) -> StoreResult<()>;
    /// The value stored under `name`, storing `generated` first if there is none.
    /// Concurrent callers all get the same, first-stored value.
    async fn local_secret(&self, name: &str, generated: &str) -> StoreResult<String>;
    async fn close(&self);

    // Articles
    async fn article(&self, site: &str, article: &str) -> StoreResult<Option<Article>>;
    /// The article, created with empty metadata if the service has never heard of it.
    async fn ensure_article(&self, site: &str, article: &str, now: OffsetDateTime) -> StoreResult<Article>;
    /// Creates or updates; absent fields of the patch keep their value.
    async fn put_article(
        &self,
        site: &str,
        article: &str,
        patch: &ArticlePatch,
        now: OffsetDateTime,
    ) -> StoreResult<Article>;
    /// Published comment counts; articles without comments are absent.
    async fn comment_counts(&self, site: &str, articles: &[String]) -> StoreResult<Vec<(String, i64)>>;

    // Commenters
    async fn commenter(&self, id: Uuid) -> StoreResult<Option<Commenter>>;
    /// Finds `(site, external_id)` or creates it; an SSO login refreshes name and avatar.
    async fn upsert_commenter(&self, new: &NewCommenter, now: OffsetDateTime) -> StoreResult<Commenter>;
    async fn set_commenter_status(
        &self,
        id: Uuid,
        status: CommenterStatus,
        until: Option<OffsetDateTime>,
        reason: Option<&str>,
    ) -> StoreResult<Commenter>;

    // Comments
    /// Inserts the comment; when it is published, bumps the article's count and the parent's
    /// reply count in the same transaction. With an idempotency key, a second insert under
    /// the same `(commenter, key)` returns the first comment instead (`Replayed`).
    async fn insert_comment(
        &self,
        new: &NewComment,
        idempotency: Option<&Idempotency>,
    ) -> StoreResult<Inserted>;
    async fn comment(&self, id: Uuid) -> StoreResult<Option<CommentRow>>;
    /// Top-level comments of an article visible to `viewer` (published, tombstones with
    /// replies, and the viewer's own pending ones), `limit` of them after `after`.
    async fn list_thread(&self, q: &ThreadQuery) -> StoreResult<Vec<CommentRow>>;
    /// Direct replies, oldest first: the first `per_parent` of each parent in `parents`.
    async fn first_replies(
        &self,
        parents: &[Uuid],
        per_parent: i64,
        viewer: Option<Uuid>,
    ) -> StoreResult<Vec<CommentRow>>;
    /// Direct replies of one parent, oldest first, `limit` of them after `after`.
    async fn replies_page(
        &self,
        parent: Uuid,
        after: Option<Uuid>,
        limit: i64,
        viewer: Option<Uuid>,
    ) -> StoreResult<Vec<CommentRow>>;
    /// Which of `comments` the commenter likes.
    async fn liked_by(&self, commenter: Uuid, comments: &[Uuid]) -> StoreResult<Vec<Uuid>>;
    /// Replaces body, status and verdict; moves counts if the status changes.
    async fn edit_comment(&self, edit: &CommentEdit) -> StoreResult<CommentRow>;
    /// Marks the comment `deleted` (a tombstone: body kept for moderators, hidden from readers).
    async fn delete_comment(&self, id: Uuid, now: OffsetDateTime) -> StoreResult<CommentRow>;
    /// Adds or removes the commenter's like; returns the new like count. Idempotent.
    async fn set_like(
        &self,
        comment: Uuid,
        commenter: Uuid,
        liked: bool,
        now: OffsetDateTime,
    ) -> StoreResult<i64>;
    /// Records a report; `Conflict("already_reported")` for a second one by the same commenter.
    async fn insert_report(&self, report: &NewReport) -> StoreResult<()>;

    // Staff keys
    async fn insert_staff_key(&self, key: &NewStaffKey) -> StoreResult<StaffKey>;
    /// The key with this SHA-256 hash, revoked or not.
    async fn staff_key_by_hash(&self, hash: &str) -> StoreResult<Option<StaffKey>>;
    async fn revoke_staff_key(&self, id: Uuid, now: OffsetDateTime) -> StoreResult<()>;
    async fn list_staff_keys(&self) -> StoreResult<Vec<StaffKey>>;
}

/// Connects to `url` (`postgres://…` or `sqlite://…`) and migrates.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    let store: std::sync::Arc<dyn Store> =
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            std::sync::Arc::new(PgStore::connect(url, max_connections).await?)
        } else if url.starts_with("sqlite:") {
            std::sync::Arc::new(SqliteStore::connect(url, max_connections).await?)
        } else {
            anyhow::bail!("database.url must start with postgres:// or sqlite:");
        };
    store.migrate().await?;
    Ok(store)
}

/// Keyset query for a thread page.
#[derive(Debug, Clone)]
pub struct ThreadQuery {
    pub site: String,
    pub article: String,
    pub sort: Sort,
    pub after: Option<Cursor>,
    pub limit: i64,
    pub viewer: Option<Uuid>,
}

#[cfg(test)]
mod tests {
    use super::is_unavailable_state;

    #[test]
    fn shutdown_and_connection_states_are_unavailable_and_query_errors_are_not() {
        for code in ["57P01", "57P03", "08006", "08001"] {
            assert!(is_unavailable_state(code), "{code}");
        }
        // A unique violation, a syntax error, SQLite's BUSY and a made-up short code.
        for code in ["23505", "42601", "5", "517", "57"] {
            assert!(!is_unavailable_state(code), "{code}");
        }
    }
}
