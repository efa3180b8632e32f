//! Faults: a shutdown flushes the view batch, and Redis going away and coming back (on a
//! `redis-server` the test starts itself, as `tests/counters/outage.rs` does).

use std::time::Duration;

use majlis::clock::Clock;
use majlis::startup::Application;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Auth, Backend, TestDatabase, assert_problem, spawn_with, test_settings};
use crate::on_both_backends;
use crate::own_redis::OwnRedis;
use crate::popularity::{BROWSER, PAST_CACHE, beacon, flush, list, pairs, ranked, views};

async fn a_graceful_shutdown_records_every_view_in_the_batch(backend: Backend) {
    let db = TestDatabase::create(&backend).await;
    let redis = match &backend {
        Backend::External { redis, .. } => redis.clone(),
        Backend::Embedded => None,
    };
    let mut settings = test_settings(&db.url, redis.as_deref());
    // Only the shutdown may flush: no timer, no full batch.
    settings.popularity.flush_interval_ms = 3_600_000;
    settings.popularity.flush_max_views = 1_000_000;
    let clock = Clock::default();
    let app = Application::build_with_clock(settings, clock.clone())
        .await
        .unwrap();
    let (state, handle) = (app.state().clone(), app.handle());
    let address = format!("http://127.0.0.1:{}", app.port());
    let running = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    for i in 0..25 {
        let res = client
            .post(format!("{address}/v1/sites/demo/articles/s1/views"))
            .header("User-Agent", BROWSER)
            .body(json!({ "visitor": format!("reader-{i}") }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
    let site_ranking = || {
        state
            .popularity
            .counters()
            .ranking("demo", "site", 2, clock.now(), 10)
    };
    assert_eq!(
        site_ranking().await.unwrap(),
        pairs(&[]),
        "nothing was flushed before the shutdown"
    );

    handle.stop(true).await;
    running.await.unwrap().unwrap();

    assert_eq!(site_ranking().await.unwrap(), pairs(&[("s1", 25)]));
    assert_eq!(
        state.metrics.views.with_label_values(&["demo", "counted"]).get(),
        25
    );
}

on_both_backends!(a_graceful_shutdown_records_every_view_in_the_batch);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_down_beacons_still_204_lists_come_from_cache_and_comments_post_and_views_wait() {
    if std::env::var("MAJLIS_TEST_REDIS_URL").map_or(true, |u| u.is_empty()) {
        eprintln!("note: MAJLIS_TEST_REDIS_URL is unset; skipping the popularity outage test");
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let Some(server) = OwnRedis::start(port) else {
        eprintln!("note: no redis-server on PATH; skipping the outage test");
        return;
    };
    server.connection().await;
    let db = std::sync::Arc::new(TestDatabase::create(&Backend::Embedded).await);
    let app = spawn_with(test_settings(&db.url, Some(&server.url())), Some(db)).await;
    views(&app, "before", 2).await;
    flush(&app).await;
    let day = "/v1/sites/demo/popular?window=24h";
    assert_eq!(ranked(&list(&app, day).await), pairs(&[("before", 2)]));
    list(&app, "/v1/sites/demo/articles/before/related").await;

    drop(server);
    views(&app, "during", 3).await;
    flush(&app).await;
    app.clock.advance(PAST_CACHE);

    let lost = || app.state.metrics.views_lost.with_label_values(&["demo"]).get();
    let lost_in_failed_call = lost();
    assert!(
        (1..=3).contains(&lost_in_failed_call),
        "the views of the call that failed are counted as lost: {lost_in_failed_call}"
    );
    // Once Redis is known to be down, views wait in the batch instead.
    views(&app, "kept", 2).await;
    flush(&app).await;
    assert_eq!(lost(), lost_in_failed_call, "views wait while Redis is down");
    assert!(
        app.state
            .metrics
            .backend_errors
            .with_label_values(&["redis"])
            .get()
            >= 1
    );
    assert_eq!(
        ranked(&list(&app, day).await),
        pairs(&[("before", 2)]),
        "the last list"
    );
    list(&app, "/v1/sites/demo/articles/before/related").await;
    // A scope nobody asked for yet (moderation's readership round computes the site's 1h).
    let never_computed = app
        .get("/v1/sites/demo/popular?window=7d&tag=never-asked", &Auth::None)
        .await;
    assert!(never_computed.headers().contains_key("retry-after"));
    assert_problem(
        never_computed,
        StatusCode::SERVICE_UNAVAILABLE,
        "service_unavailable",
    )
    .await;
    app.guest_comment("during", "التعليقات تعمل رغم توقف ريديس").await;

    let _server = OwnRedis::start(port).expect("restart redis-server");
    let recovered = async {
        loop {
            let res = beacon(
                &app,
                "demo",
                "after",
                &json!({"visitor": uuid::Uuid::now_v7()}).to_string(),
            )
            .await;
            assert_eq!(res.status(), StatusCode::NO_CONTENT);
            flush(&app).await;
            app.clock.advance(PAST_CACHE);
            let res = app.get(day, &Auth::None).await;
            if res.status() == StatusCode::OK {
                let body: serde_json::Value = res.json().await.unwrap();
                let got = ranked(&body);
                if got.iter().any(|(a, _)| a == "after") {
                    return got;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let got = tokio::time::timeout(Duration::from_secs(20), recovered)
        .await
        .expect("views never counted again after Redis came back");
    assert!(
        got.contains(&("kept".to_owned(), 2)),
        "the views kept during the outage are recorded: {got:?}"
    );
}
