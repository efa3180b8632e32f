//! Rate limits on posting: a bucket per commenter and one per IP address (SPEC §4 signals,
//! §9). The `strict` test site allows a burst of 2 comments per commenter and 3 per IP.

#![allow(clippy::expect_used, reason = "a test fails loudly on what it did not expect")]

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Auth, Backend, assert_problem, spawn_app};
use crate::on_both_backends;

/// Checks a `429` and its `Retry-After` (whole seconds, at least one); returns the seconds.
async fn assert_rate_limited(res: Response) -> u64 {
    let retry_after = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .expect("a Retry-After header on a 429");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let secs: u64 = retry_after
        .parse()
        .unwrap_or_else(|_| panic!("Retry-After {retry_after:?} is not seconds"));
    assert!(secs >= 1, "Retry-After {secs} must be at least 1");
    secs
}

async fn a_commenter_over_their_burst_is_told_to_wait(backend: Backend) {
    // Arrange: a guest posts twice on `strict` (comment burst 2).
    let app = spawn_app(&backend).await;
    let first = app
        .post_comment(
            "strict",
            "r1",
            &Auth::None,
            json!({"body": "واحد", "author_name": "زائر"}),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("json");
    let guest = Auth::Guest(first["guest_token"].as_str().expect("guest token").to_string());
    let second = app
        .post_comment("strict", "r1", &guest, json!({"body": "اثنان"}))
        .await;
    assert_eq!(second.status(), StatusCode::CREATED);

    // Act
    let third = app
        .post_comment("strict", "r1", &guest, json!({"body": "ثلاثة"}))
        .await;

    // Assert: refused with a wait of about one token's refill (one a minute), and not stored.
    let secs = assert_rate_limited(third).await;
    assert!(secs <= 60, "one token refills within a minute, not {secs} s");
    assert_eq!(app.thread("strict", "r1", "", &Auth::None).await["total"], 2);
}

async fn new_guests_from_one_address_share_the_ip_bucket(backend: Backend) {
    // Arrange: three different new guests from the same address (IP burst 3).
    let app = spawn_app(&backend).await;
    for i in 0..3 {
        let res = app
            .post_comment(
                "strict",
                "r2",
                &Auth::None,
                json!({"body": format!("زائر {i}"), "author_name": "زائر"}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "guest {i} is within the IP burst"
        );
    }

    // Act: a fourth new guest, whose own bucket is untouched.
    let fourth = app
        .post_comment(
            "strict",
            "r2",
            &Auth::None,
            json!({"body": "رابع", "author_name": "زائر"}),
        )
        .await;

    // Assert
    assert_rate_limited(fourth).await;
    assert_eq!(app.thread("strict", "r2", "", &Auth::None).await["total"], 3);
}

async fn a_generous_site_is_not_limited_by_another_sites_buckets(backend: Backend) {
    // Arrange: exhaust the IP bucket on `strict`.
    let app = spawn_app(&backend).await;
    for i in 0..4 {
        app.post_comment(
            "strict",
            "r3",
            &Auth::None,
            json!({"body": format!("x{i}"), "author_name": "زائر"}),
        )
        .await;
    }
    let limited = app
        .post_comment(
            "strict",
            "r3",
            &Auth::None,
            json!({"body": "y", "author_name": "زائر"}),
        )
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);

    // Act: the same address on `demo`.
    let res = app
        .post_comment(
            "demo",
            "r3",
            &Auth::None,
            json!({"body": "z", "author_name": "زائر"}),
        )
        .await;

    // Assert: buckets are per site.
    assert_eq!(res.status(), StatusCode::CREATED);
}

on_both_backends!(
    a_commenter_over_their_burst_is_told_to_wait,
    new_guests_from_one_address_share_the_ip_bucket,
    a_generous_site_is_not_limited_by_another_sites_buckets,
);
