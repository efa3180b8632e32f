//! The storage contract: one suite, written once over `Arc<dyn Store>`, run against SQLite
//! always and against PostgreSQL when `MAJLIS_TEST_DATABASE_URL` names a server where the
//! user may create databases (e.g. `postgres://postgres@127.0.0.1:5432/test`). Every test
//! gets its own database (a temp file, or a `majlis_t_<uuid>` database), removed afterwards
//! even when the test fails.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on the first unexpected error"
)]

#[path = "storage_contract/contract.rs"]
mod comments_contract;
#[path = "storage_contract/filter.rs"]
mod filter_contract;
#[path = "storage_contract/moderation.rs"]
mod moderation_contract;
#[path = "storage_contract/popularity.rs"]
mod popularity_contract;

/// Every contract function, whichever file it is written in.
mod contract {
    pub use super::comments_contract::*;
    pub use super::filter_contract::*;
    pub use super::moderation_contract::*;
    pub use super::popularity_contract::*;
}

use std::path::PathBuf;
use std::sync::Arc;

use majlis::storage::{self, Store};
use sqlx::{AssertSqlSafe, Connection as _, PgConnection};
use uuid::Uuid;

const PG_ENV: &str = "MAJLIS_TEST_DATABASE_URL";

/// A fresh SQLite file; deleted (with its WAL files) on drop.
struct SqliteDb {
    store: Arc<dyn Store>,
    path: PathBuf,
}

impl SqliteDb {
    async fn new() -> Self {
        // A folder that does not exist yet: the store creates it.
        let dir = std::env::temp_dir().join(format!("majlis_t_{}", Uuid::now_v7().simple()));
        let path = dir.join("store.db");
        let store = storage::connect(&format!("sqlite://{}", path.display()), 4)
            .await
            .unwrap();
        Self { store, path }
    }
}

impl Drop for SqliteDb {
    fn drop(&mut self) {
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A fresh PostgreSQL database, dropped with the value.
struct PgDb {
    store: Arc<dyn Store>,
    // Declared after `store`, so dropped after it.
    _database: DropDatabase,
}

impl PgDb {
    /// `None` (after a note) when no server is configured.
    async fn new() -> Option<Self> {
        let Ok(admin_url) = std::env::var(PG_ENV) else {
            eprintln!("note: {PG_ENV} is unset; skipping the PostgreSQL run of this test");
            return None;
        };
        let name = format!("majlis_t_{}", Uuid::now_v7().simple());
        let mut admin = PgConnection::connect(&admin_url).await.unwrap();
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        // Armed before anything else can fail, so the database is dropped even then.
        let database = DropDatabase { admin_url, name };
        let store = storage::connect(&database.url(), 4).await.unwrap();
        Some(Self {
            store,
            _database: database,
        })
    }
}

/// Drops the database `name` when dropped.
struct DropDatabase {
    admin_url: String,
    name: String,
}

impl DropDatabase {
    /// The admin URL with its database replaced by this one.
    fn url(&self) -> String {
        let url = self.admin_url.as_str();
        let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        match query {
            Some(q) => format!("{server}/{}?{q}", self.name),
            None => format!("{server}/{}", self.name),
        }
    }
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime (or while unwinding out of it), where blocking on
        // async work is not allowed: drop the database from a thread with its own runtime.
        // WITH (FORCE) ends the store's connections, which may still be open after a panic.
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let mut admin = PgConnection::connect(&url).await?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::query(AssertSqlSafe(sql)).execute(&mut admin).await?;
                admin.close().await
            })
            .map_err(std::io::Error::other)
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop test database {}: {dropped:?}", self.name);
        }
    }
}

/// One `#[tokio::test]` per contract function and back-end: `sqlite::name`, `postgres::name`.
macro_rules! contract_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = super::SqliteDb::new().await;
                    super::contract::$name(db.store.clone()).await;
                    db.store.close().await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = super::PgDb::new().await else { return };
                    super::contract::$name(db.store.clone()).await;
                    db.store.close().await;
                }
            )*
        }
    };
}

contract_tests!(
    migrations_can_run_twice,
    local_secret_keeps_the_first_value,
    ensure_article_creates_empty_metadata_once,
    put_article_keeps_absent_fields,
    upsert_commenter_finds_the_identity_and_refreshes_its_profile,
    commenter_status_is_stored,
    every_sort_pages_without_duplicates_or_gaps,
    pending_comments_are_visible_only_to_their_author,
    tombstones_stay_while_they_have_visible_replies,
    counts_follow_deletion_chains_and_status_changes,
    first_replies_are_the_oldest_few_per_parent,
    replies_page_continues_after_the_cursor,
    an_idempotency_key_replays_the_first_comment,
    concurrent_retries_with_one_key_post_once,
    likes_are_idempotent,
    a_commenter_reports_a_comment_once,
    comment_counts_list_only_articles_with_comments,
    staff_keys_are_found_by_hash_and_revoked,
    missing_rows_are_not_found,
    lexicon_entries_are_listed_until_removed_and_every_change_moves_the_version,
    site_models_are_kept_per_site_and_saved_revision_by_revision,
    comments_since_a_time_are_replayed_newest_first,
    priority_pages_by_score_then_age_without_duplicates_or_gaps,
    a_decision_moves_status_counts_trust_reports_and_audits_in_one_step,
    claims_never_overlap_and_expire_with_their_lease,
    a_ban_can_reject_recent_comments_in_the_same_step,
    queue_counts_group_by_site_and_honour_the_report_threshold,
    the_audit_log_filters_by_site_actor_action_time_and_pages_newest_first,
    articles_are_read_by_ids_in_one_call,
    most_commented_counts_published_comments_of_the_window,
);
