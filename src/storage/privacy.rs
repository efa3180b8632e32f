//! Personal data the service keeps only as long as it needs: the keyed hashes of posters'
//! addresses are dropped after the retention period (`privacy.ip_hash_retention_days`).

use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;

#[async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Forgets the address hash of every comment created before `before`; answers how many.
    async fn purge_ip_hashes(&self, before: OffsetDateTime) -> StoreResult<u64>;
}

/// By id (UUIDv7, creation order) rather than by time, as `filter::SINCE` does: SQLite would
/// compare times as text.
pub(super) const PURGE_IP_HASHES: &str =
    "UPDATE comments SET ip_hash = NULL WHERE ip_hash IS NOT NULL AND id < $1";

macro_rules! impl_privacy_store {
    ($store:ident) => {
        #[async_trait::async_trait]
        impl $crate::storage::PrivacyStore for $store {
            async fn purge_ip_hashes(
                &self,
                before: time::OffsetDateTime,
            ) -> $crate::storage::StoreResult<u64> {
                let done = sqlx::query(super::privacy::PURGE_IP_HASHES)
                    .bind(super::filter::first_id_at(before))
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

pub(super) use impl_privacy_store;
