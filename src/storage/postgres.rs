//! PostgreSQL, for production and for more than one instance.

use std::time::Duration;

use anyhow::Context as _;
use sqlx::postgres::PgPoolOptions;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

pub struct PgStore {
    pool: sqlx::PgPool,
}

impl PgStore {
    /// Connects a pool of at most `max_connections`; does not migrate.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        // The URL may hold a password: keep it out of the error.
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            // A request waiting longer than this for a connection is better answered 503.
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Self { pool })
    }
}

// Plain BEGIN: READ COMMITTED, with rows taken by the writes themselves (see sql.rs).
super::sql::impl_store!(
    PgStore,
    sqlx::Postgres,
    begin = "BEGIN",
    migrator = MIGRATOR,
    top_level_insert = Some(super::sql::TOP_LEVEL_INSERT)
);
super::filter::impl_filter_store!(PgStore);
super::privacy::impl_privacy_store!(PgStore, sqlx::Postgres);
super::moderation_impl::impl_moderation_store!(
    PgStore,
    sqlx::Postgres,
    lock = " FOR UPDATE OF c SKIP LOCKED"
);
super::moderation_audit_impl::impl_audit_store!(PgStore, sqlx::Postgres);
super::popularity::impl_popularity_store!(PgStore, sqlx::Postgres);
