//! What the popularity endpoints read from the database: article metadata for a list of ids
//! in one query, and the most commented articles of a window. Same SQL on both back-ends.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{Article, StoreResult};

#[async_trait]
pub trait PopularityStore: Send + Sync {
    /// The articles of `site` among `ids` that the store knows, in no particular order.
    async fn articles_by_ids(&self, site: &str, ids: &[String]) -> StoreResult<Vec<Article>>;
    /// Articles with the most published comments created at or after `since`, with those
    /// counts, most first (ties by article id), at most `limit`.
    async fn most_commented(
        &self,
        site: &str,
        since: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<(String, i64)>>;
    /// Replaces the site's readership shares (0 to 1; absent articles get 0), in one
    /// transaction, for moderation's `priority` order.
    async fn set_readership(&self, site: &str, shares: &[(String, f64)]) -> StoreResult<()>;
}

/// Followed by the bound ids and `)`.
pub(super) const BY_IDS_OPEN: &str = "SELECT * FROM articles WHERE site = ";
pub(super) const BY_IDS_IN: &str = " AND article_id IN (";
/// Served by `comments_published_recent_idx` (0004_popularity): the partial index holds
/// published comments only, by (site, created_at). Both back-ends compare `created_at` as
/// the type they store it in; SQLite keeps the app's UTC times as text of one fixed format,
/// which sorts as the times do.
pub(super) const MOST_COMMENTED: &str = "SELECT article_id, COUNT(*) AS n FROM comments \
     WHERE site = $1 AND status = 'published' AND created_at >= $2 \
     GROUP BY article_id ORDER BY n DESC, article_id LIMIT $3";

pub(super) const READERSHIP_RESET: &str =
    "UPDATE articles SET readership = 0 WHERE site = $1 AND readership <> 0";
pub(super) const READERSHIP_SET: &str =
    "UPDATE articles SET readership = $3 WHERE site = $1 AND article_id = $2";

macro_rules! impl_popularity_store {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::PopularityStore for $store {
            async fn articles_by_ids(
                &self,
                site: &str,
                ids: &[String],
            ) -> $crate::storage::StoreResult<Vec<$crate::storage::Article>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut q = sqlx::QueryBuilder::<$db>::new(super::popularity::BY_IDS_OPEN);
                q.push_bind(site).push(super::popularity::BY_IDS_IN);
                let mut list = q.separated(", ");
                for id in ids {
                    list.push_bind(id);
                }
                q.push(")");
                Ok(q.build_query_as().fetch_all(&self.pool).await?)
            }

            async fn most_commented(
                &self,
                site: &str,
                since: time::OffsetDateTime,
                limit: i64,
            ) -> $crate::storage::StoreResult<Vec<(String, i64)>> {
                Ok(sqlx::query_as(super::popularity::MOST_COMMENTED)
                    .bind(site)
                    .bind(since)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn set_readership(
                &self,
                site: &str,
                shares: &[(String, f64)],
            ) -> $crate::storage::StoreResult<()> {
                let mut tx = self.write_tx().await?;
                sqlx::query(super::popularity::READERSHIP_RESET)
                    .bind(site)
                    .execute(&mut *tx)
                    .await?;
                for (article, share) in shares {
                    sqlx::query(super::popularity::READERSHIP_SET)
                        .bind(site)
                        .bind(article)
                        .bind(share)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(super) use impl_popularity_store;
