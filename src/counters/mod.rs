//! State shared between instances: rate-limit buckets and the live event bus (the popularity
//! issue adds view counters). Two implementations, chosen once from `redis.url`: Redis, so
//! every instance sees the same buckets and events, and in-process, for the embedded default.

mod memory;
mod redis;

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

pub use self::memory::MemoryState;
pub use self::redis::{DEFAULT_NAMESPACE, RedisState};

/// A token bucket: `burst` tokens at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    pub burst: u32,
    pub per_minute: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed,
    /// Try again after this long.
    Limited(Duration),
}

/// Something that happened to a comment thread, fanned out to its SSE listeners on every
/// instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub site: String,
    pub article: String,
    /// `comment.created`, `comment.edited`, `comment.deleted`, `comment.liked`.
    pub kind: String,
    pub data: serde_json::Value,
}

#[derive(Debug, thiserror::Error)]
#[error("shared state backend error: {0}")]
pub struct BackendError(pub String);

#[async_trait]
pub trait SharedState: Send + Sync + 'static {
    /// Takes one token from each of `site`'s `buckets` in order, in one round trip, and stops
    /// at the first that is empty: its wait is the answer, and the buckets before it keep the
    /// token taken (as separate calls in a row would). Never fails: when the backend is
    /// unreachable, the implementation falls back to in-process buckets and counts the error.
    async fn take_tokens(&self, site: &str, buckets: &[(String, RateLimit)]) -> RateDecision;
    /// One bucket outside any site.
    async fn take_token(&self, key: &str, limit: RateLimit) -> RateDecision {
        self.take_tokens("", &[(key.to_owned(), limit)]).await
    }
    /// Counts one more occurrence of each of `site`'s `counters`, each in a window that starts
    /// with the key's first occurrence and lasts its duration; returns the counts so far, in
    /// order. All of them in one round trip (on Redis they share the site's hash slot, so this
    /// holds on a cluster too). Never fails: like `take_tokens`, it falls back to in-process
    /// counting while the backend is unreachable.
    async fn count_recent(&self, site: &str, counters: &[(String, Duration)]) -> Vec<u64>;
    /// Sends the event to the listeners of every instance (this one included).
    async fn publish(&self, event: &LiveEvent) -> Result<(), BackendError>;
    /// Events published from any instance, from now on.
    fn subscribe(&self) -> broadcast::Receiver<LiveEvent>;
    /// A cheap round trip, for `/readyz`.
    async fn ping(&self) -> Result<(), BackendError>;
    /// Which backend this is, for logs and metric labels (`redis`, `memory`).
    fn name(&self) -> &'static str;
}

/// Capacity of the per-instance event channel; a listener that falls this far behind skips
/// ahead (and is told so) rather than slowing everyone else.
pub const EVENT_CHANNEL_CAPACITY: usize = 1024;
