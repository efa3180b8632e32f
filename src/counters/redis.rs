//! Shared state in Redis, so every instance sees the same rate-limit buckets and live events.
//!
//! Commands go through one `redis_link::Commands` (one server or a cluster; multiplexed,
//! reconnecting, cheap to clone). Every call touches one key, or keys of one site under the
//! site's hash tag, so it runs unchanged on Redis Cluster. Events arrive on a dedicated pub/sub
//! connection owned by a background task, which relays them into a local broadcast channel and
//! resubscribes, forever, when the connection drops (on a cluster, to the next listed node: a
//! `PUBLISH` anywhere reaches every node).
//! Every failed Redis call is counted in `majlis_backend_errors_total{backend="redis"}` here,
//! so callers must not count it again.

use std::sync::atomic::AtomicUsize;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use async_trait::async_trait;
use futures_util::StreamExt as _;
use redis::aio::PubSub;
use redis::{Msg, Script};
use tokio::sync::broadcast;
use tokio::task::AbortHandle;
use tokio::time::{Instant, sleep, timeout};

use super::{
    BackendError, EVENT_CHANNEL_CAPACITY, LiveEvent, MemoryState, RateDecision, RateLimit, SharedState,
};
use crate::metrics::Metrics;
use crate::redis_link::{Commands, Target, Timeouts};

/// Every key and the event channel start with the namespace (`redis.namespace`, default
/// `majlis:`), so several deployments (or test runs) can share one Redis.
pub const DEFAULT_NAMESPACE: &str = "majlis:";
const EVENTS_CHANNEL: &str = "events";
const BUCKET_PREFIX: &str = "rl:";
/// `count_recent` windows: `INCR` counters that expire when their window ends.
const WINDOW_PREFIX: &str = "win:";

/// A request waits at most this long for any one Redis call, reconnection included: the
/// manager's own timeouts bound each attempt, this bounds their sum.
const CALL_DEADLINE: Duration = Duration::from_secs(1);
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(1);
/// After a failed rate-limit call, requests use the in-process buckets for this long without
/// trying Redis, so an outage costs one slow request a second rather than every request, and
/// logs one warning a second rather than one per request.
const FALLBACK_COOLDOWN: Duration = Duration::from_secs(1);

const RESUBSCRIBE_MIN_DELAY: Duration = Duration::from_millis(100);
const RESUBSCRIBE_MAX_DELAY: Duration = Duration::from_secs(5);
/// A silently dead connection (a half-open TCP session, a failover) never ends the message
/// stream, so the subscriber pings this often and resubscribes when the ping fails.
const SUBSCRIPTION_HEALTH_CHECK: Duration = Duration::from_secs(15);

/// GCRA over the server's clock, so instances with skewed clocks still agree. Each key holds
/// its bucket's theoretical arrival time (TAT) in microseconds and expires when the bucket is
/// full again, which is when it would behave exactly like a missing key. The buckets are
/// taken in order; the first empty one ends the call (the ones before keep their token).
/// ARGV: microseconds per token and burst, per key. Returns 0 when every bucket allowed,
/// else the milliseconds to wait (at least 1).
const GCRA_SCRIPT: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local tolerance = interval * (tonumber(ARGV[2 * i]) - 1)
  local tat = now
  local stored = redis.call('GET', key)
  if stored then tat = math.max(tonumber(stored), now) end
  local allow_at = tat - tolerance
  if allow_at > now then
    return math.ceil((allow_at - now) / 1000)
  end
  local new_tat = tat + interval
  -- '%.0f': the default number-to-string conversion keeps only 14 significant digits.
  redis.call('SET', key, string.format('%.0f', new_tat),
    'PX', math.max(1, math.ceil((new_tat - now) / 1000)))
end
return 0
";

pub struct RedisState {
    commands: Commands,
    gcra: Script,
    events: broadcast::Sender<LiveEvent>,
    fallback: MemoryState,
    /// Until when `take_tokens` and `count_recent` skip Redis after a failure (see
    /// `FALLBACK_COOLDOWN`).
    fallback_until: Mutex<Option<Instant>>,
    metrics: Metrics,
    subscriber: AbortHandle,
    namespace: String,
}

impl RedisState {
    /// Connects, checks Redis answers, and subscribes to the event channel before returning,
    /// so an event published by anyone after this returns reaches this instance. Fails when
    /// Redis is unreachable: a configured Redis that is down at start-up is a deployment error.
    pub async fn connect(url: &str, metrics: Metrics) -> anyhow::Result<Self> {
        Self::connect_in(url, DEFAULT_NAMESPACE, metrics).await
    }

    /// As `connect`, with every key and the channel under `namespace`.
    pub async fn connect_in(url: &str, namespace: &str, metrics: Metrics) -> anyhow::Result<Self> {
        let channel = format!("{namespace}{EVENTS_CHANNEL}");
        let target = Target::parse(url)?;
        let timeouts = Timeouts {
            response: RESPONSE_TIMEOUT,
            connection: CONNECTION_TIMEOUT,
        };
        let mut commands = timeout(CALL_DEADLINE * 3, target.connect(timeouts))
            .await
            .context("could not connect to Redis in time")??;
        within(
            CALL_DEADLINE,
            redis::cmd("PING").query_async::<String>(&mut commands),
        )
        .await
        .context("Redis did not answer PING")?;
        let rotation = AtomicUsize::new(0);
        let pubsub = within(CALL_DEADLINE * 3, target.subscribe(&channel, &rotation))
            .await
            .context("could not subscribe to Redis events")?;

        let (events, _) = broadcast::channel(EVENT_CHANNEL_CAPACITY);
        let subscriber = tokio::spawn(relay_events(
            target,
            rotation,
            channel,
            pubsub,
            events.clone(),
            metrics.clone(),
        ))
        .abort_handle();
        Ok(Self {
            commands,
            gcra: Script::new(GCRA_SCRIPT),
            events,
            fallback: MemoryState::new(),
            fallback_until: Mutex::new(None),
            metrics,
            subscriber,
            namespace: namespace.to_string(),
        })
    }

    async fn take_remote_tokens(
        &self,
        site: &str,
        buckets: &[(String, RateLimit)],
    ) -> Result<RateDecision, BackendError> {
        let mut invocation = self.gcra.prepare_invoke();
        for (key, limit) in buckets {
            // `{site}` is the keys' hash tag: one script, one slot. Zero limits count as one,
            // as in `MemoryState`.
            invocation
                .key(format!("{}{BUCKET_PREFIX}{{{site}}}:{key}", self.namespace))
                .arg(60_000_000 / u64::from(limit.per_minute.max(1)))
                .arg(limit.burst.max(1));
        }
        let mut conn = self.commands.clone();
        let wait_ms: u64 = within(CALL_DEADLINE, invocation.invoke_async(&mut conn)).await?;
        Ok(match wait_ms {
            0 => RateDecision::Allowed,
            ms => RateDecision::Limited(Duration::from_millis(ms)),
        })
    }

    fn in_fallback(&self) -> bool {
        let until = self.fallback_until.lock().unwrap_or_else(PoisonError::into_inner);
        until.is_some_and(|until| Instant::now() < until)
    }

    fn count_failure(&self, call: &str, err: &BackendError) {
        self.metrics.backend_errors.with_label_values(&["redis"]).inc();
        tracing::warn!(error = %err, call, "Redis call failed");
    }
}

impl Drop for RedisState {
    fn drop(&mut self) {
        self.subscriber.abort();
    }
}

#[async_trait]
impl SharedState for RedisState {
    async fn take_tokens(&self, site: &str, buckets: &[(String, RateLimit)]) -> RateDecision {
        if buckets.is_empty() || self.in_fallback() {
            return self.fallback.take_tokens_now(site, buckets);
        }
        match self.take_remote_tokens(site, buckets).await {
            Ok(decision) => decision,
            Err(err) => {
                self.count_failure("rate limit (using in-process buckets)", &err);
                *self.fallback_until.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(Instant::now() + FALLBACK_COOLDOWN);
                self.fallback.take_tokens_now(site, buckets)
            }
        }
    }

    async fn count_recent(&self, site: &str, counters: &[(String, Duration)]) -> Vec<u64> {
        if counters.is_empty() || self.in_fallback() {
            return self.fallback.count_recent_now(site, counters);
        }
        let mut conn = self.commands.clone();
        // INCR and PEXPIRE NX per key (the window starts with the first occurrence), every key
        // in one transaction: one round trip. `{site}` is the keys' hash tag.
        let mut pipe = redis::pipe();
        pipe.atomic();
        for (key, window) in counters {
            let key = format!("{}{WINDOW_PREFIX}{{{site}}}:{key}", self.namespace);
            pipe.incr(&key, 1u64)
                .cmd("PEXPIRE")
                .arg(&key)
                .arg(u64::try_from(window.as_millis()).unwrap_or(u64::MAX))
                .arg("NX")
                .ignore();
        }
        match within(CALL_DEADLINE, pipe.query_async::<Vec<u64>>(&mut conn)).await {
            Ok(counts) => counts,
            Err(err) => {
                self.count_failure("window counters (counting in process)", &err);
                *self.fallback_until.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(Instant::now() + FALLBACK_COOLDOWN);
                self.fallback.count_recent_now(site, counters)
            }
        }
    }

    async fn publish(&self, event: &LiveEvent) -> Result<(), BackendError> {
        let payload = serde_json::to_string(event).map_err(|e| BackendError(e.to_string()))?;
        let mut conn = self.commands.clone();
        // No local send: this instance receives its own event through its subscription.
        within(
            CALL_DEADLINE,
            redis::cmd("PUBLISH")
                .arg(format!("{}{EVENTS_CHANNEL}", self.namespace))
                .arg(payload)
                .query_async::<i64>(&mut conn),
        )
        .await
        .map(|_receivers| ())
        .inspect_err(|err| self.count_failure("publish", err))
    }

    fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.events.subscribe()
    }

    async fn ping(&self) -> Result<(), BackendError> {
        let mut conn = self.commands.clone();
        within(CALL_DEADLINE, redis::cmd("PING").query_async::<String>(&mut conn))
            .await
            .map(|_pong| ())
            .inspect_err(|err| self.count_failure("ping", err))
    }

    fn name(&self) -> &'static str {
        "redis"
    }
}

/// Runs a Redis call with a deadline, folding both failures into one error.
async fn within<T>(
    deadline: Duration,
    call: impl Future<Output = redis::RedisResult<T>>,
) -> Result<T, BackendError> {
    match timeout(deadline, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(BackendError(err.to_string())),
        Err(_) => Err(BackendError(format!("no answer within {deadline:?}"))),
    }
}

/// The subscriber task: relays events until the connection is lost, then resubscribes with
/// exponential backoff, forever. Events published while it is disconnected are lost, as with
/// any Redis pub/sub; listeners only miss live updates, never stored data.
async fn relay_events(
    target: Target,
    rotation: AtomicUsize,
    channel: String,
    first: PubSub,
    events: broadcast::Sender<LiveEvent>,
    metrics: Metrics,
) {
    let errors = metrics.backend_errors.with_label_values(&["redis"]);
    let mut pubsub = Some(first);
    let mut delay = RESUBSCRIBE_MIN_DELAY;
    loop {
        let connection = match pubsub.take() {
            Some(connection) => connection,
            None => match within(CALL_DEADLINE * 3, target.subscribe(&channel, &rotation)).await {
                Ok(connection) => {
                    tracing::info!("resubscribed to Redis events");
                    connection
                }
                Err(err) => {
                    errors.inc();
                    tracing::warn!(error = %err, retry_in = ?delay, "could not resubscribe to Redis events");
                    sleep(delay).await;
                    delay = (delay * 2).min(RESUBSCRIBE_MAX_DELAY);
                    continue;
                }
            },
        };
        let started = Instant::now();
        let reason = relay_until_lost(connection, &events).await;
        errors.inc();
        tracing::warn!(reason, "Redis event subscription lost; resubscribing");
        // Only a subscription that held for a while resets the backoff, so a connection that
        // is accepted and then dropped at once is not retried in a tight loop.
        if started.elapsed() > RESUBSCRIBE_MAX_DELAY {
            delay = RESUBSCRIBE_MIN_DELAY;
        }
        sleep(delay).await;
        delay = (delay * 2).min(RESUBSCRIBE_MAX_DELAY);
    }
}

/// Relays messages until the connection closes or stops answering pings; returns why.
async fn relay_until_lost(pubsub: PubSub, events: &broadcast::Sender<LiveEvent>) -> String {
    let (mut sink, mut stream) = pubsub.split();
    let mut health = tokio::time::interval_at(
        Instant::now() + SUBSCRIPTION_HEALTH_CHECK,
        SUBSCRIPTION_HEALTH_CHECK,
    );
    health.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            message = stream.next() => match message {
                Some(message) => relay(&message, events),
                None => return "connection closed".to_owned(),
            },
            _ = health.tick() => {
                if let Err(err) = within(CALL_DEADLINE, sink.ping::<redis::Value>()).await {
                    return format!("health check failed: {err}");
                }
            }
        }
    }
}

fn relay(message: &Msg, events: &broadcast::Sender<LiveEvent>) {
    match serde_json::from_slice::<LiveEvent>(message.get_payload_bytes()) {
        // `send` fails only when nobody is listening, which is not an error for a fan-out.
        Ok(event) => {
            let _ = events.send(event);
        }
        // Another version of the service, or a stray publisher: skip it, keep the rest.
        Err(err) => tracing::warn!(error = %err, "ignoring an undecodable Redis event"),
    }
}
