//! The view counters in Redis, shared by every instance.
//!
//! Layout, under the namespace (`redis.namespace`, default `majlis:`), per site `S`:
//! - `pop:{S}:h:<scope>:<hour>`: sorted set, article → views in that hour (hours since the
//!   epoch); scopes `site`, `sec:<section>`, `tag:<tag>`, `story:<story>`. Expires after
//!   the longest window plus an hour.
//! - `pop:{S}:total`: hash, article → all-time views.
//! - `pop:{S}:reader:<visitor>`: string, what the visitor read, most recent first: one line
//!   `<until> <article>` per article, `until` being the app-clock second until which another
//!   view of it does not count. The first `RECENT_LEN` lines feed co-reading; older lines stay
//!   while they still dedupe, `READER_MARKS` at most. Expires a day after the last counted
//!   view. One key read and written per view: the cheapest dedupe Redis offers here, for a
//!   first-time reader a `GET` that misses and a `SET … EX`.
//! - `pop:{S}:co:<article>`: sorted set, article → readers who read both (bounded).
//! - `pop:{S}:settled:<scope>:<first>:<last>`: sorted set, the union of a window's buckets
//!   from hour `first` to hour `last`, which take no more views; made by the first ranking
//!   that needs it and reused by every instance for the rest of the hour. (A view that
//!   arrives more than an hour late, after a long Redis outage, still lands in its bucket,
//!   but reaches the windows only when the next hour's union is made.)
//!
//! Every key of a site carries the hash tag `{S}`, so on Redis Cluster a site's keys share
//! one slot: the batch script below builds key names inside Lua (it cannot list them in
//! KEYS ahead of time), which Cluster only tolerates when they hash to the slot of the key it
//! was routed by. A flush therefore sends one script call per site, all at once. The other
//! multi-key script, the window union in `ranking`, lists its keys and touches one site's only.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use async_trait::async_trait;
use futures_util::future::try_join_all;
use redis::Script;
use time::OffsetDateTime;
use tokio::time::{Instant, timeout};

use super::{
    BUCKET_TTL_SECS, BackendError, CO_READ_CAP, CO_READ_TTL_SECS, DEDUPE_SECS, READER_MARKS, READER_TTL_SECS,
    RECENT_LEN, Ranking, View, ViewCounters, hour_of, sort_ranking,
};
use crate::metrics::Metrics;
use crate::redis_link::{Commands, Target, Timeouts};

const CALL_DEADLINE: Duration = Duration::from_secs(1);
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(1);
/// After a failure, calls fail at once for this long: an outage costs one slow flush a
/// second, not a stalled flusher and a warning per request.
const COOLDOWN: Duration = Duration::from_secs(1);

/// Records a batch of one site's views in one round trip. The reader's lines hold app-clock
/// times, so a view counts by the views' own times, as in process, and tests can move the
/// clock. Bucket and co-read expiries are set once per touched key. Its arguments are
/// listed at the top of `record.lua`.
const RECORD_SCRIPT: &str = include_str!("record.lua");

/// A window's ranking: its settled hours unioned once per hour and kept, then that union and
/// the live hours. Its arguments are listed at the top of `ranking.lua`.
const RANKING_SCRIPT: &str = include_str!("ranking.lua");
/// Buckets that may still take views: the hour in progress, and the one before it for views
/// a flush delivers after the turn of the hour.
const LIVE_HOURS: i64 = 2;
/// A settled union serves the hour in which it was made: its name changes with the next.
const SETTLED_TTL_SECS: i64 = 3600 + 60;

pub struct RedisViews {
    commands: Commands,
    record: Script,
    ranking: Script,
    namespace: String,
    metrics: Metrics,
    down_until: Mutex<Option<Instant>>,
    /// The last call failed: `ready` pings before anything else is sent.
    failed: AtomicBool,
}

impl RedisViews {
    /// Connects and checks that Redis answers; a configured Redis that is down at start-up
    /// is a deployment error.
    pub async fn connect(url: &str, namespace: &str, metrics: Metrics) -> anyhow::Result<Self> {
        let timeouts = Timeouts {
            response: RESPONSE_TIMEOUT,
            connection: CONNECTION_TIMEOUT,
        };
        let mut commands = timeout(CALL_DEADLINE, Target::parse(url)?.connect(timeouts))
            .await
            .context("could not connect to Redis in time")??;
        within(redis::cmd("PING").query_async::<String>(&mut commands))
            .await
            .context("Redis did not answer PING")?;
        Ok(Self {
            commands,
            record: Script::new(RECORD_SCRIPT),
            ranking: Script::new(RANKING_SCRIPT),
            namespace: namespace.to_owned(),
            metrics,
            down_until: Mutex::new(None),
            failed: AtomicBool::new(false),
        })
    }

    fn prefix(&self, site: &str) -> String {
        format!("{}pop:{{{site}}}:", self.namespace)
    }

    /// Runs a call unless Redis failed less than `COOLDOWN` ago; counts a failure once.
    async fn call<T>(
        &self,
        what: &str,
        call: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, BackendError> {
        let cooling = self
            .down_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some_and(|until| Instant::now() < until);
        if cooling {
            return Err(BackendError("Redis failed less than a second ago".to_owned()));
        }
        let result = within(call).await;
        match &result {
            Ok(_) => self.failed.store(false, Ordering::Release),
            Err(err) => {
                self.metrics.backend_errors.with_label_values(&["redis"]).inc();
                tracing::warn!(error = %err, call = what, "Redis call failed");
                self.failed.store(true, Ordering::Release);
                *self.down_until.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(Instant::now() + COOLDOWN);
            }
        }
        result
    }
}

#[async_trait]
impl ViewCounters for RedisViews {
    async fn record(&self, views: &[View]) -> Result<Vec<bool>, BackendError> {
        // One script call per site (see the module comment).
        let mut by_site: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, v) in views.iter().enumerate() {
            by_site.entry(&v.site).or_default().push(i);
        }
        if by_site.is_empty() {
            return Ok(Vec::new());
        }
        // Sites hash to different slots, so on a cluster one pipeline could not carry them
        // all: each site's call goes on its own, all at once (over one multiplexed
        // connection per node, so one server still gets them back to back).
        let calls = by_site.iter().map(|(site, indexes)| {
            let prefix = self.prefix(site);
            let mut invocation = self.record.key(format!("{prefix}total"));
            invocation
                .arg(&prefix)
                .arg(DEDUPE_SECS)
                .arg(BUCKET_TTL_SECS)
                .arg(RECENT_LEN)
                .arg(READER_MARKS)
                .arg(READER_TTL_SECS)
                .arg(CO_READ_TTL_SECS)
                .arg(CO_READ_CAP);
            // Each article with its scopes once, numbered from 1 in order of first view.
            let mut numbers: HashMap<(&str, &[String]), usize> = HashMap::new();
            let mut listed = Vec::new();
            let numbered: Vec<(usize, &View)> = indexes
                .iter()
                .map(|&i| {
                    let v = &views[i];
                    let next = numbers.len() + 1;
                    let number = *numbers
                        .entry((&v.article, v.scopes.as_slice()))
                        .or_insert_with(|| {
                            listed.push(v);
                            next
                        });
                    (number, v)
                })
                .collect();
            invocation.arg(listed.len());
            for v in listed {
                invocation
                    .arg(&v.article)
                    .arg(v.scopes.len())
                    .arg(v.scopes.as_slice());
            }
            for (number, v) in numbered {
                invocation.arg(v.at.unix_timestamp()).arg(&v.visitor).arg(number);
            }
            let mut conn = self.commands.clone();
            // EVALSHA; a server that has not seen the script yet (first flush, a restart,
            // a failover) gets it loaded once and the call sent again.
            async move { invocation.invoke_async::<Vec<i64>>(&mut conn).await }
        });
        let answers = self.call("record views", try_join_all(calls)).await?;
        let mut counted = vec![false; views.len()];
        for ((_, indexes), answer) in by_site.iter().zip(answers) {
            for (&i, flag) in indexes.iter().zip(answer) {
                counted[i] = flag == 1;
            }
        }
        Ok(counted)
    }

    async fn ranking(
        &self,
        site: &str,
        scope: &str,
        hours: i64,
        now: OffsetDateTime,
        depth: usize,
    ) -> Result<Ranking, BackendError> {
        let prefix = self.prefix(site);
        let last = hour_of(now);
        let first = last - hours + 1;
        // The last LIVE_HOURS buckets still take views; the others are settled.
        let settled_last = (last - LIVE_HOURS).max(first - 1);
        let bucket = |h: i64| format!("{prefix}h:{scope}:{h}");
        // A scratch key of the same slot, unique to this call, gone at the end of it.
        let scratch = format!("{prefix}union:{}", uuid::Uuid::now_v7().simple());
        let settled = format!("{prefix}settled:{scope}:{first}:{settled_last}");
        let live: Vec<String> = (settled_last + 1..=last).map(bucket).collect();
        let mut invocation = self.ranking.prepare_invoke();
        invocation.key(&scratch).key(&settled).key(&live);
        for h in first..=settled_last {
            invocation.key(bucket(h));
        }
        invocation
            .arg(live.len())
            .arg(depth.saturating_sub(1))
            .arg(SETTLED_TTL_SECS);
        let mut conn = self.commands.clone();
        let members: Vec<(String, f64)> = self.call("ranking", invocation.invoke_async(&mut conn)).await?;
        Ok(to_ranking(members))
    }

    async fn totals(&self, site: &str, articles: &[String]) -> Result<Vec<u64>, BackendError> {
        if articles.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.commands.clone();
        let values: Vec<Option<u64>> = self
            .call(
                "totals",
                redis::cmd("HMGET")
                    .arg(format!("{}total", self.prefix(site)))
                    .arg(articles)
                    .query_async(&mut conn),
            )
            .await?;
        Ok(values.into_iter().map(Option::unwrap_or_default).collect())
    }

    async fn also_read(&self, site: &str, article: &str, depth: usize) -> Result<Ranking, BackendError> {
        let mut conn = self.commands.clone();
        let members: Vec<(String, f64)> = self
            .call(
                "also read",
                redis::cmd("ZRANGE")
                    .arg(format!("{}co:{article}", self.prefix(site)))
                    .arg(0)
                    .arg(depth.saturating_sub(1))
                    .arg("REV")
                    .arg("WITHSCORES")
                    .query_async(&mut conn),
            )
            .await?;
        Ok(to_ranking(members))
    }

    async fn ready(&self) -> bool {
        if !self.failed.load(Ordering::Acquire) {
            return true;
        }
        let mut conn = self.commands.clone();
        self.call("ping", redis::cmd("PING").query_async::<String>(&mut conn))
            .await
            .is_ok()
    }

    fn name(&self) -> &'static str {
        "redis"
    }
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "counts are whole and small"
)]
fn to_ranking(members: Vec<(String, f64)>) -> Ranking {
    let mut ranking: Ranking = members.into_iter().map(|(a, n)| (a, n.max(0.0) as u64)).collect();
    sort_ranking(&mut ranking);
    ranking
}

async fn within<T>(call: impl Future<Output = redis::RedisResult<T>>) -> Result<T, BackendError> {
    match timeout(CALL_DEADLINE, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(BackendError(err.to_string())),
        Err(_) => Err(BackendError(format!("no answer within {CALL_DEADLINE:?}"))),
    }
}
