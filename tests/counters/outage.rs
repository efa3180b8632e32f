//! Redis going away and coming back, on a `redis-server` the test starts itself.

use std::time::Duration;

use majlis::counters::{RateDecision, RateLimit, RedisState, SharedState};
use majlis::metrics::Metrics;

use super::own_redis::OwnRedis;
use super::{event, receive, redis_url, unique};

#[tokio::test]
async fn a_redis_outage_falls_back_to_local_buckets_and_events_resume() {
    if redis_url().is_none() {
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let Some(server) = OwnRedis::start(port) else {
        eprintln!("note: no redis-server on PATH; skipping the outage test");
        return;
    };
    server.connection().await;
    let metrics = Metrics::new().expect("metrics");
    let state = RedisState::connect(&server.url(), metrics.clone())
        .await
        .expect("connect");
    let mut rx = state.subscribe();

    drop(server);
    let key = unique("outage");
    let limit = RateLimit {
        burst: 1,
        per_minute: 1,
    };
    let first = tokio::time::timeout(Duration::from_secs(3), state.take_token(&key, limit)).await;
    let second = state.take_token(&key, limit).await;

    assert_eq!(
        first.expect("take_token hung during the outage"),
        RateDecision::Allowed
    );
    assert!(
        matches!(second, RateDecision::Limited(_)),
        "the fallback bucket did not limit: {second:?}"
    );
    assert!(
        state.publish(&event("lost")).await.is_err(),
        "publish succeeded with Redis down"
    );
    assert!(
        metrics.backend_errors.with_label_values(&["redis"]).get() >= 2,
        "errors were not counted"
    );

    let _server = OwnRedis::start(port).expect("restart redis-server");
    let resumed = event(&unique("resumed"));
    let recovered = async {
        loop {
            if state.publish(&resumed).await.is_ok() && receive(&mut rx, &resumed).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), recovered)
        .await
        .expect("events never resumed");
}
