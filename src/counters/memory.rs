//! The in-process shared state: right for a single instance (the embedded default), and the
//! fallback the Redis implementation uses while Redis is unreachable.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};
use tokio::sync::broadcast;

use super::{BackendError, EVENT_CHANNEL_CAPACITY, LiveEvent, RateDecision, RateLimit, SharedState};

/// How many `take_token` calls between sweeps of idle keys. A sweep walks every key of every
/// limiter, so it should be rare, but often enough that a flood of one-off keys (client
/// addresses) is forgotten within minutes.
const SWEEP_EVERY: u64 = 4096;

pub struct MemoryState {
    /// One keyed limiter per distinct limit: governor fixes the quota per limiter, and the
    /// service has only a handful of limits, so the map stays tiny.
    limiters: Mutex<HashMap<RateLimit, Arc<DefaultKeyedRateLimiter<String>>>>,
    calls: AtomicU64,
    events: broadcast::Sender<LiveEvent>,
    /// `count_recent` windows: key → (count, when the window ends).
    windows: Mutex<HashMap<String, (u64, Instant)>>,
}

impl MemoryState {
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(EVENT_CHANNEL_CAPACITY);
        Self {
            limiters: Mutex::new(HashMap::new()),
            calls: AtomicU64::new(0),
            events,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// The bucket logic without the trait's boxed future, for the Redis fallback.
    pub(super) fn take_tokens_now(&self, site: &str, buckets: &[(String, RateLimit)]) -> RateDecision {
        for (key, limit) in buckets {
            let limiter = self.limiter(*limit);
            if self.calls.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
                self.sweep();
            }
            if let Err(not_until) = limiter.check_key(&format!("{site}:{key}")) {
                return RateDecision::Limited(not_until.wait_time_from(limiter.clock().now()));
            }
        }
        RateDecision::Allowed
    }

    /// The window counters without the trait's boxed future, for the Redis fallback.
    pub(super) fn count_recent_now(&self, site: &str, counters: &[(String, Duration)]) -> Vec<u64> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if self.calls.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            windows.retain(|_, (_, ends)| *ends > now);
        }
        counters
            .iter()
            .map(|(key, window)| {
                let entry = windows
                    .entry(format!("{site}:{key}"))
                    .or_insert((0, now + *window));
                if entry.1 <= now {
                    *entry = (0, now + *window);
                }
                entry.0 += 1;
                entry.0
            })
            .collect()
    }

    fn limiter(&self, limit: RateLimit) -> Arc<DefaultKeyedRateLimiter<String>> {
        // A poisoned lock only means another thread panicked while inserting; the map itself
        // is still consistent, so keep using it rather than failing every request.
        let mut limiters = self.limiters.lock().unwrap_or_else(PoisonError::into_inner);
        limiters
            .entry(limit)
            .or_insert_with(|| Arc::new(DefaultKeyedRateLimiter::keyed(quota(limit))))
            .clone()
    }

    /// Forgets keys whose buckets are full again: they behave exactly like absent keys.
    fn sweep(&self) {
        let limiters: Vec<_> = self
            .limiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        for limiter in limiters {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

impl Default for MemoryState {
    fn default() -> Self {
        Self::new()
    }
}

/// `burst` tokens at once, one more every `60 s / per_minute`. A zero in either field would be
/// a bucket that never allows anything (or never refills), which no configuration means, so
/// both are treated as at least one.
fn quota(limit: RateLimit) -> Quota {
    let per_minute = NonZeroU32::new(limit.per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(limit.burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(per_minute).allow_burst(burst)
}

#[async_trait]
impl SharedState for MemoryState {
    async fn take_tokens(&self, site: &str, buckets: &[(String, RateLimit)]) -> RateDecision {
        self.take_tokens_now(site, buckets)
    }

    async fn count_recent(&self, site: &str, counters: &[(String, Duration)]) -> Vec<u64> {
        self.count_recent_now(site, counters)
    }

    async fn publish(&self, event: &LiveEvent) -> Result<(), BackendError> {
        // `send` fails only when nobody is listening, which is not an error for a fan-out.
        let _ = self.events.send(event.clone());
        Ok(())
    }

    fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.events.subscribe()
    }

    async fn ping(&self) -> Result<(), BackendError> {
        Ok(())
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}
