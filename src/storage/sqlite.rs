//! SQLite, the embedded default: one file, no server, one writer at a time.

use std::str::FromStr as _;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    pool: sqlx::SqlitePool,
}

impl SqliteStore {
    /// Opens (creating the file and its folder if missing) a pool of at most
    /// `max_connections`; does not migrate.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .context("parsing database.url")?
            .create_if_missing(true)
            // WAL: readers do not wait for the writer, and the writer does not wait for them.
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode NORMAL is safe against corruption; a power cut may lose the last
            // commits, which is the usual trade for not syncing on every one.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Writers queue for the lock instead of failing at once.
            .busy_timeout(Duration::from_secs(5));
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if let Some(dir) = options
            .get_filename()
            .parent()
            .filter(|d| !in_memory && !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).with_context(|| format!("creating the folder {}", dir.display()))?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .with_context(|| format!("opening {url}"))?;
        Ok(Self { pool })
    }
}

// BEGIN IMMEDIATE takes the write lock at the start. A deferred transaction that reads and
// then writes fails with SQLITE_BUSY (not waiting out busy_timeout) when another writer
// committed in between; every transaction here writes, so none needs to start deferred.
super::sql::impl_store!(
    SqliteStore,
    sqlx::Sqlite,
    begin = "BEGIN IMMEDIATE",
    migrator = MIGRATOR,
    // SQLite has no data-modifying `WITH`; its transactions cost no round trips anyway.
    top_level_insert = None
);
super::filter::impl_filter_store!(SqliteStore);
super::privacy::impl_privacy_store!(SqliteStore, sqlx::Sqlite);
super::moderation_impl::impl_moderation_store!(SqliteStore, sqlx::Sqlite, lock = "");
super::moderation_audit_impl::impl_audit_store!(SqliteStore, sqlx::Sqlite);
super::popularity::impl_popularity_store!(SqliteStore, sqlx::Sqlite);
