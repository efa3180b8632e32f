//! The view counters in process, for the embedded default: the same buckets, totals and
//! co-reading as Redis, in maps behind one mutex. Expiry is by the views' own times (the
//! app's clock), pruned at most once a minute rather than on every view.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{
    BUCKET_TTL_SECS, BackendError, CO_READ_CAP, CO_READ_TTL_SECS, DEDUPE_SECS, READER_MARKS, READER_TTL_SECS,
    RECENT_LEN, Ranking, View, ViewCounters, hour_of, keep_top,
};

const PRUNE_EVERY_SECS: i64 = 60;

type SiteKey = (String, String);

/// What one visitor has read, as Redis keeps it in `reader:<visitor>`.
#[derive(Default)]
struct Reader {
    /// Articles, most recent first, each with until when another view of it does not
    /// count: the first `RECENT_LEN` feed co-reading, the rest stay while they still dedupe;
    /// at most `READER_MARKS`.
    marks: VecDeque<(String, i64)>,
    expires: i64,
}

#[derive(Default)]
struct Inner {
    /// (site, visitor) → what they read.
    readers: HashMap<SiteKey, Reader>,
    /// (site, scope, hour) → article → views.
    buckets: HashMap<(String, String, i64), HashMap<String, u64>>,
    totals: HashMap<SiteKey, u64>,
    /// (site, article) → co-read articles, and when the set expires.
    co: HashMap<SiteKey, (HashMap<String, u64>, i64)>,
    pruned_at: i64,
}

#[derive(Default)]
pub struct MemoryViews {
    inner: Mutex<Inner>,
}

impl MemoryViews {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    fn record_one(&mut self, v: &View) -> bool {
        let now = v.at.unix_timestamp();
        let Some(others) = self.read(v, now) else {
            return false;
        };
        let hour = hour_of(v.at);
        for scope in v.scopes.iter() {
            *self
                .buckets
                .entry((v.site.clone(), scope.clone(), hour))
                .or_default()
                .entry(v.article.clone())
                .or_default() += 1;
        }
        *self
            .totals
            .entry((v.site.clone(), v.article.clone()))
            .or_default() += 1;
        for other in others {
            self.co_add(&v.site, &v.article, &other, now);
            self.co_add(&v.site, &other, &v.article, now);
        }
        true
    }

    /// Notes the view in its reader: `None` when it is deduped, else the recent articles
    /// it pairs with (the same steps as `record.lua`).
    fn read(&mut self, v: &View, now: i64) -> Option<Vec<String>> {
        let reader = self
            .readers
            .entry((v.site.clone(), v.visitor.clone()))
            .or_default();
        if reader.expires <= now {
            reader.marks.clear();
        }
        if reader
            .marks
            .iter()
            .any(|(article, until)| *article == v.article && *until > now)
        {
            return None;
        }
        let others: Vec<String> = reader
            .marks
            .iter()
            .take(RECENT_LEN)
            .filter(|(article, _)| *article != v.article)
            .map(|(article, _)| article.clone())
            .collect();
        let mut position = 0;
        reader.marks.retain(|(article, until)| {
            let keep = *article != v.article && (position < RECENT_LEN || *until > now);
            position += 1;
            keep
        });
        reader.marks.truncate(READER_MARKS - 1);
        reader.marks.push_front((v.article.clone(), now + DEDUPE_SECS));
        reader.expires = now + READER_TTL_SECS;
        Some(others)
    }

    fn co_add(&mut self, site: &str, article: &str, other: &str, now: i64) {
        let (set, expires) = self
            .co
            .entry((site.to_owned(), article.to_owned()))
            .or_insert_with(|| (HashMap::new(), now));
        if *expires <= now {
            set.clear();
        }
        *expires = now + CO_READ_TTL_SECS;
        *set.entry(other.to_owned()).or_default() += 1;
        if set.len() > CO_READ_CAP {
            // Drop the least co-read, as ZREMRANGEBYRANK does on Redis.
            let all: Ranking = set.drain().collect();
            set.extend(keep_top(all, CO_READ_CAP));
        }
    }

    fn prune(&mut self, now: i64) {
        if now - self.pruned_at < PRUNE_EVERY_SECS {
            return;
        }
        self.pruned_at = now;
        let oldest_hour = (now - BUCKET_TTL_SECS).div_euclid(3600);
        self.readers.retain(|_, reader| reader.expires > now);
        self.buckets.retain(|(_, _, hour), _| *hour >= oldest_hour);
        self.co.retain(|_, (_, expires)| *expires > now);
    }
}

#[async_trait]
impl ViewCounters for MemoryViews {
    async fn record(&self, views: &[View]) -> Result<Vec<bool>, BackendError> {
        let mut inner = self.lock();
        // By the batch's earliest view: pruning by a later one could forget a reader that
        // an earlier view of the same batch still needs.
        if let Some(first) = views.iter().map(|v| v.at).min() {
            inner.prune(first.unix_timestamp());
        }
        Ok(views.iter().map(|v| inner.record_one(v)).collect())
    }

    async fn ranking(
        &self,
        site: &str,
        scope: &str,
        hours: i64,
        now: OffsetDateTime,
        depth: usize,
    ) -> Result<Ranking, BackendError> {
        let inner = self.lock();
        let last = hour_of(now);
        let mut union: HashMap<&str, u64> = HashMap::new();
        let mut key = (site.to_owned(), scope.to_owned(), 0);
        for hour in last - hours + 1..=last {
            key.2 = hour;
            for (article, n) in inner.buckets.get(&key).into_iter().flatten() {
                *union.entry(article).or_default() += n;
            }
        }
        Ok(keep_top(
            union.into_iter().map(|(a, n)| (a.to_owned(), n)).collect(),
            depth,
        ))
    }

    async fn totals(&self, site: &str, articles: &[String]) -> Result<Vec<u64>, BackendError> {
        let inner = self.lock();
        Ok(articles
            .iter()
            .map(|a| {
                inner
                    .totals
                    .get(&(site.to_owned(), a.clone()))
                    .copied()
                    .unwrap_or(0)
            })
            .collect())
    }

    async fn also_read(&self, site: &str, article: &str, depth: usize) -> Result<Ranking, BackendError> {
        let inner = self.lock();
        let all: Ranking = inner
            .co
            .get(&(site.to_owned(), article.to_owned()))
            .map(|(set, _)| set.iter().map(|(a, n)| (a.clone(), *n)).collect())
            .unwrap_or_default();
        Ok(keep_top(all, depth))
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}
