//! The filter's run-time state: moderators' word-list entries and each site's learned models.
//! Like the rest of the store, one SQL text serves both back-ends (`impl_filter_store!`).

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::StoreResult;

/// A site's learned models as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SiteModels {
    /// 1 for the first save, one more for each save after it.
    pub revision: i64,
    pub abuse: Vec<u8>,
    pub spam: Vec<u8>,
}

/// A word-list entry added at run time.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LexiconRow {
    pub id: Uuid,
    pub site: Option<String>,
    pub term: String,
    pub lang: String,
    pub allow: bool,
    pub severity: String,
    pub action: String,
    pub mode: String,
    pub morph: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub removed_by: Option<String>,
    pub removed_at: Option<OffsetDateTime>,
}

/// A comment as the backtest replays it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PastComment {
    pub id: Uuid,
    pub body: String,
    pub status: String,
}

#[async_trait]
pub trait FilterStore: Send + Sync {
    /// Active entries of every scope.
    async fn lexicon_entries(&self) -> StoreResult<Vec<LexiconRow>>;
    async fn insert_lexicon_entry(&self, row: &LexiconRow) -> StoreResult<()>;
    /// Marks the entry removed; `NotFound` when it does not exist or is already removed.
    async fn remove_lexicon_entry(&self, id: Uuid, by: &str, now: OffsetDateTime) -> StoreResult<LexiconRow>;
    /// Grows with every change: instances rebuild their matchers when it moves.
    async fn lexicon_version(&self) -> StoreResult<i64>;
    /// The revision of the site's learned models, if it has any: cheap to poll.
    async fn site_models_revision(&self, site: &str) -> StoreResult<Option<i64>>;
    /// The site's learned models, if it has any.
    async fn site_models(&self, site: &str) -> StoreResult<Option<SiteModels>>;
    /// Saves the site's models as the revision after `after` (`None`: the site has none yet).
    /// `false`, and nothing written, when the stored revision is no longer `after`: another
    /// writer saved first, so read the models again and redo the change on them.
    async fn save_site_models(
        &self,
        site: &str,
        abuse: &[u8],
        spam: &[u8],
        after: Option<i64>,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Comments of a site created since `since`, newest first, at most `limit`.
    async fn comments_since(
        &self,
        site: &str,
        since: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<PastComment>>;
}

pub(super) const ENTRIES: &str = "SELECT * FROM lexicon_entries WHERE removed_at IS NULL ORDER BY id";
pub(super) const ENTRY_INSERT: &str = "INSERT INTO lexicon_entries \
     (id, site, term, lang, allow, severity, action, mode, morph, created_by, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
pub(super) const ENTRY_REMOVE: &str = "UPDATE lexicon_entries SET removed_by = $2, removed_at = $3 \
     WHERE id = $1 AND removed_at IS NULL RETURNING *";
pub(super) const VERSION: &str = "SELECT COUNT(*) + COUNT(removed_at) FROM lexicon_entries";
pub(super) const MODELS_REVISION: &str = "SELECT revision FROM site_models WHERE site = $1";
pub(super) const MODELS_GET: &str = "SELECT revision, abuse, spam FROM site_models WHERE site = $1";
pub(super) const MODELS_INSERT: &str = "INSERT INTO site_models (site, abuse, spam, updated_at, revision) \
     VALUES ($1, $2, $3, $4, 1) ON CONFLICT (site) DO NOTHING";
pub(super) const MODELS_UPDATE: &str = "UPDATE site_models SET abuse = $2, spam = $3, updated_at = $4, \
     revision = revision + 1 WHERE site = $1 AND revision = $5";
/// Ordered by id (UUIDv7, time order) and bounded by the id of `since` rather than a time
/// comparison, which SQLite would make on text.
pub(super) const SINCE: &str = "SELECT id, body, status FROM comments WHERE site = $1 AND id >= $2 \
     AND status <> 'deleted' ORDER BY id DESC LIMIT $3";

/// The smallest UUIDv7 of a moment: every comment created at or after it has a larger id.
pub(super) fn first_id_at(at: OffsetDateTime) -> Uuid {
    let ms = u64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    bytes[6] = 0x70;
    bytes[8] = 0x80;
    Uuid::from_bytes(bytes)
}

macro_rules! impl_filter_store {
    ($store:ident) => {
        #[async_trait::async_trait]
        impl $crate::storage::FilterStore for $store {
            async fn lexicon_entries(
                &self,
            ) -> $crate::storage::StoreResult<Vec<$crate::storage::LexiconRow>> {
                Ok(sqlx::query_as(super::filter::ENTRIES)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn insert_lexicon_entry(
                &self,
                r: &$crate::storage::LexiconRow,
            ) -> $crate::storage::StoreResult<()> {
                sqlx::query(super::filter::ENTRY_INSERT)
                    .bind(r.id)
                    .bind(&r.site)
                    .bind(&r.term)
                    .bind(&r.lang)
                    .bind(r.allow)
                    .bind(&r.severity)
                    .bind(&r.action)
                    .bind(&r.mode)
                    .bind(&r.morph)
                    .bind(&r.created_by)
                    .bind(r.created_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn remove_lexicon_entry(
                &self,
                id: uuid::Uuid,
                by: &str,
                now: time::OffsetDateTime,
            ) -> $crate::storage::StoreResult<$crate::storage::LexiconRow> {
                sqlx::query_as(super::filter::ENTRY_REMOVE)
                    .bind(id)
                    .bind(by)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or($crate::storage::StoreError::NotFound)
            }

            async fn lexicon_version(&self) -> $crate::storage::StoreResult<i64> {
                Ok(sqlx::query_scalar(super::filter::VERSION)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn site_models_revision(&self, site: &str) -> $crate::storage::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar(super::filter::MODELS_REVISION)
                    .bind(site)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn site_models(
                &self,
                site: &str,
            ) -> $crate::storage::StoreResult<Option<$crate::storage::SiteModels>> {
                Ok(sqlx::query_as(super::filter::MODELS_GET)
                    .bind(site)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn save_site_models(
                &self,
                site: &str,
                abuse: &[u8],
                spam: &[u8],
                after: Option<i64>,
                now: time::OffsetDateTime,
            ) -> $crate::storage::StoreResult<bool> {
                let sql = if after.is_some() {
                    super::filter::MODELS_UPDATE
                } else {
                    super::filter::MODELS_INSERT
                };
                let query = sqlx::query(sql).bind(site).bind(abuse).bind(spam).bind(now);
                let query = match after {
                    Some(revision) => query.bind(revision),
                    None => query,
                };
                Ok(query.execute(&self.pool).await?.rows_affected() == 1)
            }

            async fn comments_since(
                &self,
                site: &str,
                since: time::OffsetDateTime,
                limit: i64,
            ) -> $crate::storage::StoreResult<Vec<$crate::storage::PastComment>> {
                Ok(sqlx::query_as(super::filter::SINCE)
                    .bind(site)
                    .bind(super::filter::first_id_at(since))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

pub(super) use impl_filter_store;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_id_of_a_moment_sorts_before_ids_made_after_it() {
        let now = OffsetDateTime::now_utc();
        let bound = first_id_at(now - time::Duration::milliseconds(1));
        let later = Uuid::now_v7();
        assert!(bound < later);
        assert!(first_id_at(now + time::Duration::seconds(5)) > later);
    }
}
