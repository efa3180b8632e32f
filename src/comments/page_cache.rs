//! Serialized thread pages for anonymous readers, kept in process (SPEC §10: a warm comment
//! page should cost little more than sending bytes from memory).
//!
//! Only pages without a viewer are cached: a signed-in reader's page carries their own pending
//! comments and likes. Invalidation is by article generation: every page key includes the
//! article's current generation, and a write to the article gives it a new one, so older pages
//! are never read again (they age out). A reader that fetched its generation before a write and
//! its rows after stores a page under the old generation, where nobody looks: a page can be
//! wasted, never served stale.
//!
//! Pages are kept as they are sent, plain and gzip-compressed (`Encoded`), so a browser's
//! request (which always accepts gzip) costs no compression.
//!
//! A page is built once however many readers miss it at the same moment: the hot article's
//! page is missed by every reader at once after each new comment and at expiry, and each
//! building it (its queries, serialization and compression) stalled the whole server for
//! tens of milliseconds under load. The readers that miss a page while it is being built wait
//! for that build (`get_or_build`).
//!
//! Writes on this instance bump the generation before their live event goes out
//! (`live::publish`); writes on other instances arrive as the same live events, through Redis
//! pub/sub, and bump it here. If this instance misses events (Redis down, or a listener that
//! fell behind) the time-to-live bounds how stale a page can be.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use actix_web::web::Bytes;
use moka::sync::Cache;
use tokio::sync::OnceCell;
use tokio::sync::broadcast::error::RecvError;

use crate::counters::SharedState;
use crate::domain::Sort;
use crate::encoded::Encoded;

/// Longest life of a page whose invalidation was missed.
const TIME_TO_LIVE: Duration = Duration::from_secs(30);
/// Bytes of serialized pages kept.
const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;
/// Articles whose generation is remembered; a forgotten one gets a fresh generation (a miss).
const ARTICLES: u64 = 200_000;

/// One cached page: the article at one generation, one sort, cursor and size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    site: String,
    article: String,
    generation: u64,
    sort: Sort,
    cursor: Option<String>,
    limit: i64,
}

pub struct PageCache {
    pages: Cache<PageKey, Encoded>,
    generations: Cache<(String, String), u64>,
    next_generation: AtomicU64,
    /// Builds in progress, by page.
    building: Mutex<HashMap<PageKey, Arc<OnceCell<Encoded>>>>,
}

impl Default for PageCache {
    fn default() -> Self {
        Self {
            pages: Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|_, page: &Encoded| page.weight())
                .time_to_live(TIME_TO_LIVE)
                .build(),
            generations: Cache::builder().max_capacity(ARTICLES).build(),
            next_generation: AtomicU64::new(0),
            building: Mutex::new(HashMap::new()),
        }
    }
}

impl PageCache {
    /// The key of a page as of now. Take it before reading the rows.
    pub fn key(&self, site: &str, article: &str, sort: Sort, cursor: Option<&str>, limit: i64) -> PageKey {
        let id = (site.to_owned(), article.to_owned());
        let generation = self.generations.get_with(id, || self.fresh_generation());
        PageKey {
            site: site.to_owned(),
            article: article.to_owned(),
            generation,
            sort,
            cursor: cursor.map(str::to_owned),
            limit,
        }
    }

    #[cfg(test)]
    fn get(&self, key: &PageKey) -> Option<Encoded> {
        self.pages.get(key)
    }

    #[cfg(test)]
    fn insert(&self, key: PageKey, page: Encoded) {
        self.pages.insert(key, page);
    }

    /// The cached page, or the one `build` serializes, cached. One build per page at a time:
    /// a reader that misses a page while another builds it waits for that build. When a build
    /// fails (or its reader goes away), its reader gets the error and a waiting reader builds
    /// in turn.
    pub async fn get_or_build<E, F>(&self, key: PageKey, build: F) -> Result<Encoded, E>
    where
        F: Future<Output = Result<Bytes, E>>,
    {
        if let Some(page) = self.pages.get(&key) {
            return Ok(page);
        }
        let flight = Flight::join(self, &key);
        flight
            .cell
            .get_or_try_init(|| async {
                // A build that ended between the miss above and joining its flight.
                if let Some(page) = self.pages.get(&key) {
                    return Ok(page);
                }
                let page = Encoded::new(build.await?);
                self.pages.insert(key.clone(), page.clone());
                Ok(page)
            })
            .await
            .cloned()
    }

    fn flights(&self) -> MutexGuard<'_, HashMap<PageKey, Arc<OnceCell<Encoded>>>> {
        self.building.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every cached page of the article is out of date.
    pub fn invalidate(&self, site: &str, article: &str) {
        self.generations
            .insert((site.to_owned(), article.to_owned()), self.fresh_generation());
    }

    fn fresh_generation(&self) -> u64 {
        self.next_generation.fetch_add(1, Ordering::Relaxed)
    }

    /// Follows the live events of every instance and invalidates the articles they name.
    pub fn spawn_invalidator(self: Arc<Self>, shared: &dyn SharedState) {
        let mut events = shared.subscribe();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(event) => self.invalidate(&event.site, &event.article),
                    // Events were missed: which articles changed is unknown.
                    Err(RecvError::Lagged(_)) => self.generations.invalidate_all(),
                    Err(RecvError::Closed) => break,
                }
            }
        });
    }
}

/// A reader's place in the build of a page. The first reader to leave (answered, failed or
/// cancelled by its client going away) ends the flight; readers after that find the page
/// cached, or start a new build.
struct Flight<'a> {
    cache: &'a PageCache,
    key: &'a PageKey,
    cell: Arc<OnceCell<Encoded>>,
}

impl<'a> Flight<'a> {
    fn join(cache: &'a PageCache, key: &'a PageKey) -> Self {
        let cell = cache.flights().entry(key.clone()).or_default().clone();
        Self { cache, key, cell }
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let mut flights = self.cache.flights();
        if flights
            .get(self.key)
            .is_some_and(|cell| Arc::ptr_eq(cell, &self.cell))
        {
            flights.remove(self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    #[test]
    fn a_write_to_the_article_hides_its_pages_and_no_other() {
        let cache = PageCache::default();
        let page = |article: &str| cache.key("demo", article, Sort::Newest, None, 20);
        cache.insert(page("a"), cached(b"a1"));
        cache.insert(page("b"), cached(b"b1"));
        assert_eq!(plain(cache.get(&page("a"))), Some(Bytes::from_static(b"a1")));

        cache.invalidate("demo", "a");

        assert_eq!(plain(cache.get(&page("a"))), None);
        assert_eq!(plain(cache.get(&page("b"))), Some(Bytes::from_static(b"b1")));
    }

    #[test]
    fn a_page_read_before_a_write_is_stored_where_nobody_looks() {
        let cache = PageCache::default();
        let before = cache.key("demo", "a", Sort::Top, Some("c"), 5);
        cache.invalidate("demo", "a");
        cache.insert(before.clone(), cached(b"stale"));

        assert!(
            cache
                .get(&cache.key("demo", "a", Sort::Top, Some("c"), 5))
                .is_none()
        );
    }

    #[tokio::test]
    async fn readers_missing_a_page_at_once_wait_for_one_build() {
        let cache = PageCache::default();
        let builds = AtomicUsize::new(0);
        let key = cache.key("demo", "hot", Sort::Newest, None, 100);
        let reader = || async {
            cache
                .get_or_build(key.clone(), async {
                    builds.fetch_add(1, Ordering::SeqCst);
                    // The build takes a while: the other readers miss the page meanwhile.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok::<_, ()>(Bytes::from_static(b"page"))
                })
                .await
        };

        let pages = futures_util::future::join_all((0..16).map(|_| reader())).await;

        assert_eq!(builds.load(Ordering::SeqCst), 1);
        assert!(
            pages
                .iter()
                .all(|p| p.as_ref().map(|p| &p.plain[..]) == Ok(&b"page"[..]))
        );
        assert_eq!(plain(cache.get(&key)), Some(Bytes::from_static(b"page")));
    }

    #[tokio::test]
    async fn a_failed_build_is_its_readers_error_and_the_next_reader_builds() {
        let cache = PageCache::default();
        let key = cache.key("demo", "a", Sort::Newest, None, 20);
        let failing = cache.get_or_build(key.clone(), async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Err("database down")
        });
        let waiting = async {
            // Joins the failing build's flight, then builds itself.
            tokio::time::sleep(Duration::from_millis(5)).await;
            cache
                .get_or_build(key.clone(), async { Ok::<_, &str>(Bytes::from_static(b"page")) })
                .await
        };

        let (failed, built) = tokio::join!(failing, waiting);

        assert_eq!(failed.map(|p| p.plain), Err("database down"));
        assert_eq!(built.map(|p| p.plain), Ok(Bytes::from_static(b"page")));
        assert_eq!(plain(cache.get(&key)), Some(Bytes::from_static(b"page")));
    }

    #[tokio::test]
    async fn a_reader_gone_mid_build_leaves_no_flight_behind() {
        let cache = PageCache::default();
        let key = cache.key("demo", "a", Sort::Newest, None, 20);
        let slow = cache.get_or_build(key.clone(), async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok::<_, ()>(Bytes::from_static(b"page"))
        });

        // The client went away: its request's future is dropped mid-build.
        assert!(
            tokio::time::timeout(Duration::from_millis(10), slow)
                .await
                .is_err()
        );

        assert!(cache.flights().is_empty());
        let built = cache
            .get_or_build(key.clone(), async { Ok::<_, ()>(Bytes::from_static(b"page")) })
            .await;
        assert_eq!(built.map(|p| p.plain), Ok(Bytes::from_static(b"page")));
        assert!(cache.flights().is_empty());
    }

    fn cached(bytes: &'static [u8]) -> Encoded {
        Encoded::new(Bytes::from_static(bytes))
    }

    fn plain(page: Option<Encoded>) -> Option<Bytes> {
        page.map(|p| p.plain)
    }
}
