//! `Popularity`: the beacons' batch and its flusher, the cached windows, and the article
//! scopes a view counts in. One per process, in `AppState`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Deserialize;
use time::OffsetDateTime;
use tokio::task::JoinHandle;

use super::batch::{Batch, Pushed};
use super::cache::TtlCache;
use super::{Bots, Ranking, Scope, View, ViewCounters, Window};
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::storage::Store;

/// Articles kept per cached window: enough for `limit` ≤ 50 after exclusions and for the
/// related-stories candidates.
pub const RANKING_DEPTH: usize = 200;
/// Views per round trip to the counters (see `flush`).
pub const FLUSH_CHUNK: usize = 500;
/// How long an article's scopes (section, tags, story) are reused for its views: a CMS
/// update reaches the counting within this long.
const SCOPES_TTL_SECS: i64 = 60;
/// How long a list as sent (`popular`, `related`, `most-commented`) is reused for the same URL: readers of a
/// front page all ask for the same few lists, and building one costs a store query or two.
const LIST_TTL_SECS: i64 = 5;
/// Lists kept: each is at most ~10 KB (50 articles), so this bounds them to ~10 MB.
const MAX_LISTS: usize = 1_000;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct PopularitySettings {
    /// The batch is flushed at least this often (milliseconds)…
    pub flush_interval_ms: u64,
    /// …or as soon as this many views wait.
    pub flush_max_views: usize,
    /// Window rankings and co-reading are recomputed after this long (seconds, ≤ 30).
    pub cache_secs: i64,
}

impl Default for PopularitySettings {
    fn default() -> Self {
        Self {
            flush_interval_ms: 250,
            flush_max_views: 1000,
            cache_secs: 30,
        }
    }
}

/// A list as sent: its JSON body and `ETag`.
pub struct SentList {
    /// The list's JSON, plain and gzip-compressed.
    pub body: crate::encoded::Encoded,
    pub etag: String,
}

/// The counters failed and nothing was cached: `503` with `Retry-After`.
#[derive(Debug, thiserror::Error)]
#[error("popularity counters unavailable")]
pub struct Unavailable;

impl From<Unavailable> for ApiError {
    fn from(_: Unavailable) -> Self {
        Self::Unavailable
    }
}

pub struct Popularity {
    counters: Arc<dyn ViewCounters>,
    batch: Batch,
    /// Held through a whole flush, so `flush()` returns only once every view taken before
    /// it is recorded, whoever took it.
    flushing: tokio::sync::Mutex<()>,
    rankings: TtlCache<(String, String, Window), Ranking>,
    co_reads: TtlCache<(String, String), Ranking>,
    scopes: TtlCache<(String, String), Vec<String>>,
    /// Lists as sent, by URL (path and query): their JSON and `ETag`.
    pub lists: TtlCache<String, SentList>,
    bots: Bots,
    metrics: Metrics,
    flush_interval: Duration,
    stopping: AtomicBool,
    flusher: Mutex<Option<JoinHandle<()>>>,
}

impl Popularity {
    pub fn new(counters: Arc<dyn ViewCounters>, metrics: Metrics, settings: &PopularitySettings) -> Self {
        let ttl = time::Duration::seconds(settings.cache_secs.clamp(0, 30));
        Self {
            counters,
            batch: Batch::new(settings.flush_max_views),
            flushing: tokio::sync::Mutex::new(()),
            rankings: TtlCache::new(ttl),
            co_reads: TtlCache::new(ttl),
            scopes: TtlCache::new(time::Duration::seconds(SCOPES_TTL_SECS)),
            lists: TtlCache::bounded(ttl.min(time::Duration::seconds(LIST_TTL_SECS)), MAX_LISTS),
            bots: Bots::builtin(),
            metrics,
            flush_interval: Duration::from_millis(settings.flush_interval_ms.max(1)),
            stopping: AtomicBool::new(false),
            flusher: Mutex::new(None),
        }
    }

    /// Starts the flusher task.
    pub fn start(self: &Arc<Self>) {
        let this = self.clone();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(this.flush_interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = this.batch.wake.notified() => {}
                }
                if this.stopping.load(Ordering::Acquire) {
                    return;
                }
                this.flush().await;
            }
        });
        *self.flusher.lock().unwrap_or_else(PoisonError::into_inner) = Some(task);
    }

    /// Stops the flusher and flushes what is left: called once the server has stopped
    /// taking requests, so no beacon that got its `204` is left behind.
    pub async fn shutdown(&self) {
        self.stopping.store(true, Ordering::Release);
        self.batch.wake.notify_one();
        let task = self.flusher.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(task) = task {
            let _ = task.await;
        }
        self.flush().await;
        // Views still waiting (the counters are down) go with the process.
        self.count_lost(&self.batch.take());
    }

    pub fn counters(&self) -> &dyn ViewCounters {
        self.counters.as_ref()
    }

    pub fn is_bot(&self, user_agent: Option<&str>) -> bool {
        self.bots.is_bot(user_agent)
    }

    pub fn count_bot(&self, site: &str) {
        self.metrics.views.with_label_values(&[site, "bot"]).inc();
    }

    /// The scope keys an article's views count in: the site, then its section, tags and
    /// story as the store knows them. An article the store does not know counts in the site
    /// only (beacons never create articles), and so does any article while the database is
    /// unreachable: a beacon must not fail.
    pub async fn scopes_of(
        &self,
        store: &dyn Store,
        site: &str,
        article: &str,
        now: OffsetDateTime,
    ) -> Arc<Vec<String>> {
        let key = (site.to_owned(), article.to_owned());
        let lookup = async {
            let article = store.article(site, article).await?;
            let mut scopes = vec![Scope::Site.key()];
            if let Some(a) = article {
                scopes.extend(a.section.clone().map(|s| Scope::Section(s).key()));
                scopes.extend(a.tag_list().into_iter().map(|t| Scope::Tag(t).key()));
                scopes.extend(a.story.map(|s| Scope::Story(s).key()));
            }
            Ok::<_, crate::storage::StoreError>(scopes)
        };
        self.scopes
            .get_or(key, now, lookup)
            .await
            .unwrap_or_else(|_| Arc::new(vec![Scope::Site.key()]))
    }

    /// Queues a view for the next flush.
    pub fn add(&self, view: View) {
        if let Pushed::Dropped(view) = self.batch.push(view) {
            self.metrics.views_lost.with_label_values(&[&view.site]).inc();
        }
    }

    /// Records every waiting view, counting the outcome per site. A backlog (Redis slow for
    /// a moment) goes in chunks of `FLUSH_CHUNK`, one round trip each: one script call over
    /// tens of thousands of views would hold Redis for longer than the call's deadline, and
    /// a timed-out call cannot tell which views it recorded. While the counters are known to
    /// be down, views wait in the batch (up to `MAX_PENDING`) rather than being lost: only
    /// the views of a call that failed are.
    pub async fn flush(&self) {
        let _flushing = self.flushing.lock().await;
        let views = self.batch.take();
        let mut done = 0;
        while done < views.len() {
            if !self.counters.ready().await {
                let dropped = self.batch.requeue(views[done..].to_vec());
                self.count_lost(&dropped);
                return;
            }
            let end = (done + FLUSH_CHUNK).min(views.len());
            self.record(&views[done..end]).await;
            done = end;
        }
    }

    fn count_lost(&self, views: &[View]) {
        let mut per_site: HashMap<&str, u64> = HashMap::new();
        for v in views {
            *per_site.entry(&v.site).or_default() += 1;
        }
        for (site, n) in per_site {
            self.metrics.views_lost.with_label_values(&[site]).inc_by(n);
        }
    }

    async fn record(&self, views: &[View]) {
        #[allow(clippy::cast_precision_loss, reason = "a chunk is far below 2^52")]
        self.metrics.view_flush_batch_size.observe(views.len() as f64);
        let mut outcomes: HashMap<(&str, &'static str), u64> = HashMap::new();
        match self.counters.record(views).await {
            Ok(counted) => {
                for (v, counted) in views.iter().zip(counted) {
                    let label = if counted { "counted" } else { "duplicate" };
                    *outcomes.entry((&v.site, label)).or_default() += 1;
                }
                for ((site, label), n) in outcomes {
                    self.metrics.views.with_label_values(&[site, label]).inc_by(n);
                }
            }
            Err(err) => {
                // The backend counted its own error; what is lost is counted here.
                tracing::warn!(error = %err, views = views.len(), "view batch lost");
                self.count_lost(views);
            }
        }
    }

    /// The window's ranking of `scope`, from the cache when fresh; a failed recomputation
    /// serves the last one, and `Unavailable` only when there is none.
    pub async fn ranking(
        &self,
        site: &str,
        scope: &Scope,
        window: Window,
        now: OffsetDateTime,
    ) -> Result<Arc<Ranking>, Unavailable> {
        let scope_key = scope.key();
        let compute = self
            .counters
            .ranking(site, &scope_key, window.buckets(), now, RANKING_DEPTH);
        self.rankings
            .get_or((site.to_owned(), scope_key.clone(), window), now, compute)
            .await
            .map_err(|_| Unavailable)
    }

    /// "Readers of this also read", cached like the rankings.
    pub async fn also_read(
        &self,
        site: &str,
        article: &str,
        now: OffsetDateTime,
    ) -> Result<Arc<Ranking>, Unavailable> {
        let compute = self.counters.also_read(site, article, RANKING_DEPTH);
        self.co_reads
            .get_or((site.to_owned(), article.to_owned()), now, compute)
            .await
            .map_err(|_| Unavailable)
    }
}
