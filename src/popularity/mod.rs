//! Popularity: view beacons, "most read" and related stories.
//!
//! A beacon becomes a `View` in an in-process batch (`batch.rs`), flushed to the view counters
//! at least every 250 ms or 1,000 views and on shutdown. The counters (`ViewCounters`) keep
//! hourly buckets per scope, all-time totals and co-reading; Redis (`redis.rs`) when
//! configured, so every instance counts into the same sets, else in process (`memory.rs`),
//! with the same semantics (`record.lua` is the flush script). Windows are unions of buckets, computed on first use and cached
//! briefly (`cache.rs`), never per request. `service.rs` ties it together; `related.rs`
//! ranks related stories; `bots.rs` tells crawlers from readers.

mod batch;
mod bots;
mod cache;
mod memory;
pub mod readership;
mod redis;
mod related;
mod service;

use async_trait::async_trait;
use time::OffsetDateTime;

pub use self::bots::Bots;
pub use self::memory::MemoryViews;
pub use self::redis::RedisViews;
pub use self::related::{CO_READ_WEIGHT, rank_related};
pub use self::service::{Popularity, PopularitySettings, SentList, Unavailable};
pub use crate::counters::BackendError;

/// One count per visitor and article per this many seconds.
pub const DEDUPE_SECS: i64 = 30 * 60;
/// Hourly buckets are kept for the longest window (its buckets) plus an hour.
pub const BUCKET_TTL_SECS: i64 = (Window::Week.buckets() + 1) * 3600;
/// Each visitor's recent articles, for co-reading: this many.
pub const RECENT_LEN: usize = 10;
/// What a visitor read is forgotten this long after their last counted view.
pub const READER_TTL_SECS: i64 = 24 * 3600;
/// A visitor's dedupe marks are kept with their recent articles, at most this many: a
/// reader of more articles than this in half an hour is a crawler, whose oldest reads may
/// count again rather than make every one of its views slower.
pub const READER_MARKS: usize = 100;
/// "Readers of this also read" keeps this many articles per article, for a week.
pub const CO_READ_CAP: usize = 200;
pub const CO_READ_TTL_SECS: i64 = 7 * 24 * 3600;

/// A window of the most-read rankings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Window {
    Hour,
    Day,
    Week,
}

impl Window {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "1h" => Some(Self::Hour),
            "24h" => Some(Self::Day),
            "7d" => Some(Self::Week),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::Day => "24h",
            Self::Week => "7d",
        }
    }

    /// Buckets a window's ranking adds up: its full hours plus the hour in progress, so "1h"
    /// is never nearly empty just after the top of an hour.
    pub const fn buckets(self) -> i64 {
        self.hours() + 1
    }

    pub const fn hours(self) -> i64 {
        match self {
            Self::Hour => 1,
            Self::Day => 24,
            Self::Week => 168,
        }
    }
}

/// What a ranking covers. Its key names the buckets (`site`, `sec:…`, `tag:…`, `story:…`):
/// the hour is appended after a last `:`, so distinct scopes never share a bucket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    Site,
    Section(String),
    Tag(String),
    Story(String),
}

impl Scope {
    pub fn key(&self) -> String {
        match self {
            Self::Site => "site".to_owned(),
            Self::Section(s) => format!("sec:{s}"),
            Self::Tag(t) => format!("tag:{t}"),
            Self::Story(s) => format!("story:{s}"),
        }
    }
}

/// One view, as the beacon saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub site: String,
    pub article: String,
    /// A keyed hash (hex): never the client's own id or address.
    pub visitor: String,
    /// Keys of the scopes it counts in (`Scope::key`), the site's always first; shared with
    /// the article's cached scopes, so a beacon copies no strings for them.
    pub scopes: std::sync::Arc<Vec<String>>,
    /// When the beacon arrived (the app's clock), which decides its hour bucket.
    pub at: OffsetDateTime,
}

/// The hour bucket of a moment: hours since the Unix epoch.
pub fn hour_of(at: OffsetDateTime) -> i64 {
    at.unix_timestamp().div_euclid(3600)
}

/// Articles with their counts, most first; ties by article id, so both back-ends agree.
pub type Ranking = Vec<(String, u64)>;

pub fn sort_ranking(ranking: &mut Ranking) {
    ranking.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

/// The `depth` most counted, sorted. Among equal counts at the cut, the larger ids stay:
/// that is Redis's order (`ZRANGE … REV` breaks ties by reverse byte order, and
/// `ZREMRANGEBYRANK` drops the smaller ids first), and the in-process counters keep it too.
pub fn keep_top(mut ranking: Ranking, depth: usize) -> Ranking {
    ranking.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
    ranking.truncate(depth);
    sort_ranking(&mut ranking);
    ranking
}

/// The view counters. Both implementations have the same semantics, and
/// `tests/popularity.rs` holds them to one contract.
#[async_trait]
pub trait ViewCounters: Send + Sync + 'static {
    /// Records the views in order; for each, whether it counted. A view does not count when
    /// the same visitor's view of the same article counted less than `DEDUPE_SECS` before
    /// (by the views' own times; among the visitor's last `READER_MARKS` articles). A
    /// counted view adds one to its hour bucket in each of its scopes and to the article's
    /// all-time total, and feeds co-reading: it pairs the article with each of the visitor's
    /// `RECENT_LEN` most recent other articles.
    async fn record(&self, views: &[View]) -> Result<Vec<bool>, BackendError>;
    /// The union of the `hours` buckets of `scope` ending with the hour of `now`: the `depth`
    /// most read articles, as `keep_top` keeps and sorts them.
    async fn ranking(
        &self,
        site: &str,
        scope: &str,
        hours: i64,
        now: OffsetDateTime,
        depth: usize,
    ) -> Result<Ranking, BackendError>;
    /// All-time views of each article (0 when never counted), in the order asked.
    async fn totals(&self, site: &str, articles: &[String]) -> Result<Vec<u64>, BackendError>;
    /// "Readers of this also read": articles read by the same visitors, with how often, the
    /// `depth` most first.
    async fn also_read(&self, site: &str, article: &str, depth: usize) -> Result<Ranking, BackendError>;
    /// Whether a call now is worth making: `false` while the backend is known to be down, so
    /// the flusher keeps its views for later instead of losing them to a call that fails.
    async fn ready(&self) -> bool {
        true
    }
    /// `redis` or `memory`.
    fn name(&self) -> &'static str;
}
