//! The retention job: forgets the address hashes of comments older than
//! `privacy.ip_hash_retention_days`, once at start-up and then every hour. Every instance runs
//! it; the purge is one idempotent `UPDATE`, so instances racing each other do no harm.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::storage::{Store, StoreResult};

const EVERY: Duration = Duration::from_secs(3600);

/// One purge at the clock's current time; answers how many hashes were forgotten.
pub async fn purge_ip_hashes(store: &dyn Store, clock: &Clock, retention_days: u32) -> StoreResult<u64> {
    if retention_days == 0 {
        return Ok(0);
    }
    let before = clock.now() - time::Duration::days(i64::from(retention_days));
    store.purge_ip_hashes(before).await
}

pub fn spawn_ip_hash_purge(store: Arc<dyn Store>, clock: Clock, retention_days: u32) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            match purge_ip_hashes(store.as_ref(), &clock, retention_days).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "address hashes past their retention forgotten"),
                Err(e) => tracing::warn!(error = %e, "address hash purge failed; retrying in an hour"),
            }
        }
    });
}
