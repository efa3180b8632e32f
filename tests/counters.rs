//! One contract suite for every `SharedState`: the in-process state always, Redis when
//! `MAJLIS_TEST_REDIS_URL` is set (e.g. `redis://127.0.0.1:6379`). Keys and articles carry a
//! fresh id per test, so tests (and concurrent runs on the same Redis) never share a bucket.

// A failed `expect` here is a failed test, with its message.
#![allow(clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use majlis::counters::{LiveEvent, MemoryState, RateDecision, RateLimit, RedisState, SharedState};
use majlis::metrics::Metrics;
use majlis::redis_link::{Target, Timeouts};
use tokio::sync::broadcast;

// A crate root resolves `mod` next to itself; keep the module beside its suite instead.
#[path = "counters/cluster_failover.rs"]
mod cluster_failover;
#[path = "counters/outage.rs"]
mod outage;
#[path = "support/own_redis.rs"]
mod own_redis;

const REDIS_URL_VAR: &str = "MAJLIS_TEST_REDIS_URL";
/// How long a published event may take to arrive.
const DELIVERY: Duration = Duration::from_secs(3);

fn redis_url() -> Option<String> {
    let url = std::env::var(REDIS_URL_VAR).ok().filter(|url| !url.is_empty());
    if url.is_none() {
        eprintln!("note: {REDIS_URL_VAR} is unset; skipping the Redis back-end");
    }
    url
}

async fn redis_state(url: &str) -> Arc<dyn SharedState> {
    let metrics = Metrics::new().expect("metrics");
    Arc::new(
        RedisState::connect(url, metrics)
            .await
            .expect("connect to the test Redis"),
    )
}

/// Every back-end under test, named for assertion messages.
async fn backends() -> Vec<(&'static str, Arc<dyn SharedState>)> {
    let mut all: Vec<(&'static str, Arc<dyn SharedState>)> = vec![("memory", Arc::new(MemoryState::new()))];
    if let Some(url) = redis_url() {
        all.push(("redis", redis_state(&url).await));
    }
    all
}

fn unique(what: &str) -> String {
    format!("test:{what}:{}", uuid::Uuid::now_v7().simple())
}

fn event(article: &str) -> LiveEvent {
    LiveEvent {
        site: "example.com".to_owned(),
        article: article.to_owned(),
        kind: "comment.created".to_owned(),
        data: serde_json::json!({ "id": 1, "body": "مرحبا" }),
    }
}

/// Waits for `expected`, skipping events published by other tests on the same channel.
async fn receive(rx: &mut broadcast::Receiver<LiveEvent>, expected: &LiveEvent) -> Result<(), String> {
    let wait = async {
        loop {
            match rx.recv().await {
                Ok(event) if &event == expected => return Ok(()),
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return Err("channel closed".to_owned()),
            }
        }
    };
    tokio::time::timeout(DELIVERY, wait)
        .await
        .map_err(|_| "event not delivered".to_owned())?
}

#[tokio::test]
async fn a_bucket_allows_its_burst_then_limits_with_a_retry_after() {
    for (name, state) in backends().await {
        let key = unique("burst");
        let limit = RateLimit {
            burst: 3,
            per_minute: 6,
        };

        for i in 0..3 {
            assert_eq!(
                state.take_token(&key, limit).await,
                RateDecision::Allowed,
                "{name}: token {i}"
            );
        }
        let decision = state.take_token(&key, limit).await;

        let RateDecision::Limited(wait) = decision else {
            panic!("{name}: the token after the burst was {decision:?}");
        };
        assert!(
            wait > Duration::ZERO,
            "{name}: retry-after {wait:?} is not positive"
        );
        // One token every 10 s: the wait can be no longer than that.
        assert!(
            wait <= Duration::from_secs(10),
            "{name}: retry-after {wait:?} is too long"
        );
        assert!(
            wait <= Duration::from_secs(60),
            "{name}: retry-after {wait:?} exceeds a minute"
        );
    }
}

#[tokio::test]
async fn a_limited_caller_is_allowed_again_after_its_retry_after() {
    for (name, state) in backends().await {
        let key = unique("refill");
        // One token every 100 ms.
        let limit = RateLimit {
            burst: 1,
            per_minute: 600,
        };
        assert_eq!(
            state.take_token(&key, limit).await,
            RateDecision::Allowed,
            "{name}"
        );
        let RateDecision::Limited(wait) = state.take_token(&key, limit).await else {
            panic!("{name}: a second immediate token was allowed");
        };

        tokio::time::sleep(wait + Duration::from_millis(20)).await;

        assert_eq!(
            state.take_token(&key, limit).await,
            RateDecision::Allowed,
            "{name}: after {wait:?}"
        );
    }
}

#[tokio::test]
async fn different_keys_have_independent_buckets() {
    for (name, state) in backends().await {
        let (spent, fresh) = (unique("spent"), unique("fresh"));
        let limit = RateLimit {
            burst: 2,
            per_minute: 1,
        };
        for _ in 0..2 {
            state.take_token(&spent, limit).await;
        }
        assert!(
            matches!(state.take_token(&spent, limit).await, RateDecision::Limited(_)),
            "{name}"
        );

        assert_eq!(
            state.take_token(&fresh, limit).await,
            RateDecision::Allowed,
            "{name}"
        );
    }
}

#[tokio::test]
async fn buckets_taken_together_stop_at_the_first_empty_one() {
    for (name, state) in backends().await {
        let (first, second, third) = (unique("first"), unique("second"), unique("third"));
        let one = RateLimit {
            burst: 1,
            per_minute: 1,
        };
        let roomy = RateLimit {
            burst: 10,
            per_minute: 60,
        };
        let buckets = |middle: RateLimit| {
            [
                (first.clone(), roomy),
                (second.clone(), middle),
                (third.clone(), roomy),
            ]
        };
        assert_eq!(
            state.take_tokens("s", &buckets(one)).await,
            RateDecision::Allowed,
            "{name}"
        );
        let limited = state.take_tokens("s", &buckets(one)).await;
        assert!(
            matches!(limited, RateDecision::Limited(wait) if wait > Duration::from_secs(50)),
            "{name}: the second bucket is empty for about a minute: {limited:?}"
        );
        // The first bucket gave a token to both calls, the third only to the first: with a
        // burst of 10, eight more for the first and nine for the third.
        let more = |key: &String, n: usize| {
            let state = state.clone();
            let key = key.clone();
            async move {
                let mut allowed = 0;
                for _ in 0..n {
                    if state.take_tokens("s", &[(key.clone(), roomy)]).await == RateDecision::Allowed {
                        allowed += 1;
                    }
                }
                allowed
            }
        };
        assert_eq!(more(&first, 10).await, 8, "{name}: first bucket");
        assert_eq!(more(&third, 10).await, 9, "{name}: third bucket");
        // Another site's buckets of the same names are full.
        assert_eq!(
            state.take_tokens("t", &buckets(one)).await,
            RateDecision::Allowed,
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_published_event_reaches_a_subscriber() {
    for (name, state) in backends().await {
        let event = event(&unique("article"));
        // Nobody listening yet is not an error.
        state
            .publish(&event)
            .await
            .unwrap_or_else(|e| panic!("{name}: publish with no listener: {e}"));
        let mut rx = state.subscribe();

        state
            .publish(&event)
            .await
            .unwrap_or_else(|e| panic!("{name}: publish: {e}"));

        receive(&mut rx, &event)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[tokio::test]
async fn every_back_end_answers_ping_and_names_itself() {
    for (name, state) in backends().await {
        state.ping().await.unwrap_or_else(|e| panic!("{name}: ping: {e}"));
        assert_eq!(state.name(), name);
    }
}

#[tokio::test]
async fn two_redis_instances_share_a_bucket() {
    let Some(url) = redis_url() else { return };
    let (first, second) = (redis_state(&url).await, redis_state(&url).await);
    let key = unique("shared");
    let limit = RateLimit {
        burst: 2,
        per_minute: 1,
    };

    for _ in 0..2 {
        assert_eq!(first.take_token(&key, limit).await, RateDecision::Allowed);
    }

    assert!(matches!(
        second.take_token(&key, limit).await,
        RateDecision::Limited(_)
    ));
}

#[tokio::test]
async fn redis_namespaces_keep_buckets_windows_and_events_apart() {
    let Some(url) = redis_url() else { return };
    let namespace = |name: &str| format!("test-{name}-{}:", uuid::Uuid::now_v7().simple());
    let connect = |ns: String| {
        let url = url.clone();
        async move {
            RedisState::connect_in(&url, &ns, Metrics::new().expect("metrics"))
                .await
                .expect("connect")
        }
    };
    let (a, b) = (connect(namespace("a")).await, connect(namespace("b")).await);
    let limit = RateLimit {
        burst: 1,
        per_minute: 1,
    };
    assert_eq!(a.take_token("same", limit).await, RateDecision::Allowed);
    assert!(matches!(
        a.take_token("same", limit).await,
        RateDecision::Limited(_)
    ));
    assert_eq!(
        b.take_token("same", limit).await,
        RateDecision::Allowed,
        "b has its own bucket"
    );

    let seen = [("seen".to_string(), Duration::from_secs(60))];
    assert_eq!(a.count_recent("s", &seen).await, [1]);
    assert_eq!(a.count_recent("s", &seen).await, [2]);
    assert_eq!(b.count_recent("s", &seen).await, [1], "b has its own window");

    let mut b_events = b.subscribe();
    a.publish(&event("namespaced")).await.expect("publish");
    let crossed = tokio::time::timeout(Duration::from_millis(500), b_events.recv()).await;
    assert!(
        crossed.is_err(),
        "an event of namespace a reached namespace b: {crossed:?}"
    );
}

#[tokio::test]
async fn a_window_counter_counts_until_its_window_ends() {
    for (name, state) in backends().await {
        let key = unique("window");
        let window = [(key, Duration::from_millis(300))];
        assert_eq!(state.count_recent("s", &window).await, [1], "{name}");
        assert_eq!(state.count_recent("s", &window).await, [2], "{name}");
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            state.count_recent("s", &window).await,
            [1],
            "{name}: a new window"
        );
    }
}

#[tokio::test]
async fn window_counters_asked_together_count_each_key_in_its_own_window() {
    for (name, state) in backends().await {
        let (short, long, other) = (unique("short"), unique("long"), unique("other"));
        let both = [
            (short.clone(), Duration::from_millis(300)),
            (long.clone(), Duration::from_secs(60)),
        ];
        assert_eq!(state.count_recent("s", &both).await, [1, 1], "{name}");
        assert_eq!(state.count_recent("s", &both).await, [2, 2], "{name}");
        // The same key under another site is another counter.
        let elsewhere = [
            (short.clone(), Duration::from_secs(60)),
            (other, Duration::from_secs(60)),
        ];
        assert_eq!(state.count_recent("t", &elsewhere).await, [1, 1], "{name}");
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            state.count_recent("s", &both).await,
            [1, 3],
            "{name}: the short window ended, the long one goes on"
        );
        assert!(state.count_recent("s", &[]).await.is_empty(), "{name}");
    }
}

#[tokio::test]
async fn two_redis_instances_receive_each_others_events() {
    let Some(url) = redis_url() else { return };
    let (first, second) = (redis_state(&url).await, redis_state(&url).await);
    let (mut first_rx, mut second_rx) = (first.subscribe(), second.subscribe());
    let (from_first, from_second) = (event(&unique("first")), event(&unique("second")));

    first.publish(&from_first).await.expect("publish from the first");
    second
        .publish(&from_second)
        .await
        .expect("publish from the second");

    // Each also hears itself, exactly as listeners on other instances do; `receive` skips
    // other events, so check each receiver in publication order.
    receive(&mut first_rx, &from_first)
        .await
        .expect("the first hears itself");
    receive(&mut first_rx, &from_second)
        .await
        .expect("the first hears the second");
    receive(&mut second_rx, &from_first)
        .await
        .expect("the second hears the first");
    receive(&mut second_rx, &from_second)
        .await
        .expect("the second hears itself");
}

#[tokio::test]
async fn a_redis_bucket_expires_once_it_is_full_again() {
    let Some(url) = redis_url() else { return };
    let state = redis_state(&url).await;
    let key = unique("expiry");
    // One token every 10 s: after one token the bucket is full again within 10 s.
    state
        .take_token(
            &key,
            RateLimit {
                burst: 5,
                per_minute: 6,
            },
        )
        .await;

    // Through the service's own link, so the test reads the key on a cluster too. A bucket
    // outside any site has an empty hash tag (`{}`), which Redis ignores.
    let timeouts = Timeouts {
        response: Duration::from_secs(1),
        connection: Duration::from_secs(1),
    };
    let mut conn = Target::parse(&url)
        .expect("test Redis URL")
        .connect(timeouts)
        .await
        .expect("connection");
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("majlis:rl:{{}}:{key}"))
        .query_async(&mut conn)
        .await
        .expect("PTTL");

    assert!((1..=10_000).contains(&ttl), "PTTL was {ttl}");
}

#[tokio::test]
async fn an_unreachable_redis_fails_at_connect_without_hanging() {
    let metrics = Metrics::new().expect("metrics");

    let outcome = tokio::time::timeout(
        Duration::from_secs(10),
        RedisState::connect("redis://127.0.0.1:1", metrics),
    )
    .await;

    let result = outcome.expect("connect hung instead of failing");
    assert!(result.is_err(), "connect to a closed port succeeded");
}
