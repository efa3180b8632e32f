//! The retention job, once at start-up and then every hour: forgets the address hashes of
//! comments older than `privacy.ip_hash_retention_days`, and drops idempotency keys older than
//! a day (a client retries a lost answer within seconds; the keys only grow otherwise). Every
//! instance runs it; each purge is one idempotent statement, so instances racing each other do
//! no harm.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::storage::{Store, StoreResult};

const EVERY: Duration = Duration::from_secs(3600);
/// How long a retry with the same `Idempotency-Key` answers the first comment.
pub const IDEMPOTENCY_KEYS_KEPT: time::Duration = time::Duration::hours(24);

/// One purge at the clock's current time; answers how many hashes were forgotten.
pub async fn purge_ip_hashes(store: &dyn Store, clock: &Clock, retention_days: u32) -> StoreResult<u64> {
    if retention_days == 0 {
        return Ok(0);
    }
    let before = clock.now() - time::Duration::days(i64::from(retention_days));
    store.purge_ip_hashes(before).await
}

/// Drops the idempotency keys past `IDEMPOTENCY_KEYS_KEPT`; answers how many.
pub async fn purge_idempotency_keys(store: &dyn Store, clock: &Clock) -> StoreResult<u64> {
    store
        .purge_idempotency_keys(clock.now() - IDEMPOTENCY_KEYS_KEPT)
        .await
}

pub fn spawn_retention(store: Arc<dyn Store>, clock: Clock, retention_days: u32) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            match purge_ip_hashes(store.as_ref(), &clock, retention_days).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "address hashes past their retention forgotten"),
                Err(e) => tracing::warn!(error = %e, "address hash purge failed; retrying in an hour"),
            }
            match purge_idempotency_keys(store.as_ref(), &clock).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "idempotency keys older than a day dropped"),
                Err(e) => tracing::warn!(error = %e, "idempotency key purge failed; retrying in an hour"),
            }
        }
    });
}
