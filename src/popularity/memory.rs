//! The view counters in process, for the embedded default: the same buckets, totals and
//! co-reading as Redis, in maps behind one mutex. Expiry is by the views' own times (the
//! app's clock), pruned at most once a minute rather than on every view.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{
    BUCKET_TTL_SECS, BackendError, CO_READ_CAP, CO_READ_TTL_SECS, DEDUPE_SECS, RECENT_LEN, RECENT_TTL_SECS,
    Ranking, View, ViewCounters, hour_of, keep_top,
};

const PRUNE_EVERY_SECS: i64 = 60;

type SiteKey = (String, String);

#[derive(Default)]
struct Inner {
    /// (site, visitor, article) → until when another view does not count.
    seen: HashMap<(String, String, String), i64>,
    /// (site, scope, hour) → article → views.
    buckets: HashMap<(String, String, i64), HashMap<String, u64>>,
    totals: HashMap<SiteKey, u64>,
    /// (site, visitor) → recent articles (most recent first), and when the list expires.
    recent: HashMap<SiteKey, (VecDeque<String>, i64)>,
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
        let seen_key = (v.site.clone(), v.visitor.clone(), v.article.clone());
        if self.seen.get(&seen_key).is_some_and(|until| *until > now) {
            return false;
        }
        self.seen.insert(seen_key, now + DEDUPE_SECS);
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
        self.co_read(v, now);
        true
    }

    fn co_read(&mut self, v: &View, now: i64) {
        let (recent, expires) = self
            .recent
            .entry((v.site.clone(), v.visitor.clone()))
            .or_insert_with(|| (VecDeque::new(), now));
        if *expires <= now {
            recent.clear();
        }
        let others: Vec<String> = recent.iter().filter(|a| **a != v.article).cloned().collect();
        recent.retain(|a| *a != v.article);
        recent.push_front(v.article.clone());
        recent.truncate(RECENT_LEN);
        *expires = now + RECENT_TTL_SECS;
        for other in others {
            self.co_add(&v.site, &v.article, &other, now);
            self.co_add(&v.site, &other, &v.article, now);
        }
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
        self.seen.retain(|_, until| *until > now);
        self.buckets.retain(|(_, _, hour), _| *hour >= oldest_hour);
        self.recent.retain(|_, (_, expires)| *expires > now);
        self.co.retain(|_, (_, expires)| *expires > now);
    }
}

#[async_trait]
impl ViewCounters for MemoryViews {
    async fn record(&self, views: &[View]) -> Result<Vec<bool>, BackendError> {
        let mut inner = self.lock();
        // By the batch's earliest view: pruning by a later one could forget a dedupe mark
        // that an earlier view of the same batch still needs.
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
