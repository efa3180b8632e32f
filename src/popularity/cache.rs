//! A small cache of computed answers (window rankings, co-reading, article scopes), fresh for
//! a while by the app's clock. When a recomputation fails (Redis down), the last value is
//! served however old it is: a stale "most read" list beats an error.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

/// Keys come partly from query strings (`section=…`), so the map is bounded: past this many
/// entries (unless `bounded` says otherwise), stale ones go, and if that is not enough, all
/// of them.
const MAX_ENTRIES: usize = 10_000;

/// How long other callers wait on a recomputation in progress before trying their own.
const REFRESH_LEASE: Duration = Duration::seconds(5);

struct Entry<V> {
    value: Arc<V>,
    at: OffsetDateTime,
    /// A caller is recomputing this stale entry: the others take the stale value meanwhile,
    /// so an expiry costs one recomputation, not one per request in flight. A time rather
    /// than a flag, so a recomputation whose request was cancelled does not hold it forever.
    refreshing: Option<OffsetDateTime>,
}

pub struct TtlCache<K, V> {
    ttl: Duration,
    max_entries: usize,
    entries: Mutex<HashMap<K, Entry<V>>>,
}

impl<K: Eq + Hash + Clone, V> TtlCache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        Self::bounded(ttl, MAX_ENTRIES)
    }

    /// A cache of at most `max_entries`, for values too big to keep `MAX_ENTRIES` of.
    pub fn bounded(ttl: Duration, max_entries: usize) -> Self {
        Self {
            ttl,
            max_entries: max_entries.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn put(&self, key: K, value: V, now: OffsetDateTime) -> Arc<V> {
        let value = Arc::new(value);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.max_entries && !entries.contains_key(&key) {
            let ttl = self.ttl;
            entries.retain(|_, e| now - e.at < ttl);
            if entries.len() >= self.max_entries {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                value: value.clone(),
                at: now,
                refreshing: None,
            },
        );
        value
    }

    /// The fresh value, or a new one from `compute`; when `compute` fails, the last value if
    /// there is one, else the error.
    pub async fn get_or<E>(
        &self,
        key: K,
        now: OffsetDateTime,
        compute: impl Future<Output = Result<V, E>>,
    ) -> Result<Arc<V>, E> {
        {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(e) = entries.get_mut(&key) {
                let refreshing = e.refreshing.is_some_and(|t| now - t < REFRESH_LEASE);
                if (now - e.at < self.ttl && e.at <= now) || refreshing {
                    return Ok(e.value.clone());
                }
                e.refreshing = Some(now);
            }
        }
        match compute.await {
            Ok(v) => Ok(self.put(key, v, now)),
            Err(err) => {
                let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
                match entries.get_mut(&key) {
                    Some(e) => {
                        e.refreshing = None;
                        Ok(e.value.clone())
                    }
                    None => Err(err),
                }
            }
        }
    }
}
