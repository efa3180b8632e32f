//! "Most read" and "most commented": windows that roll over with the hour, scope filters,
//! exclusions, limits, and HTTP caching.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Auth, Backend, assert_problem, spawn_app};
use crate::on_both_backends;
use crate::popularity::{HOUR, PAST_CACHE, flush, list, pairs, publisher, ranked, register, views};

async fn windows_are_the_last_hours_and_roll_over(backend: Backend) {
    let app = spawn_app(&backend).await;
    views(&app, "morning", 3).await;
    flush(&app).await;
    app.clock.advance(2 * HOUR);
    views(&app, "noon", 1).await;
    flush(&app).await;

    let hour = list(&app, "/v1/sites/demo/popular?window=1h").await;
    let day = list(&app, "/v1/sites/demo/popular?window=24h").await;

    assert_eq!(hour["window"], "1h");
    assert_eq!(ranked(&hour), pairs(&[("noon", 1)]));
    assert_eq!(ranked(&day), pairs(&[("morning", 3), ("noon", 1)]));

    app.clock.advance(24 * HOUR);
    let day = list(&app, "/v1/sites/demo/popular?window=24h").await;
    let week = list(&app, "/v1/sites/demo/popular?window=7d").await;
    assert_eq!(
        ranked(&day),
        pairs(&[("noon", 1)]),
        "the morning left the 24h window"
    );
    assert_eq!(ranked(&week), pairs(&[("morning", 3), ("noon", 1)]));

    app.clock.advance(7 * 24 * HOUR);
    let week = list(&app, "/v1/sites/demo/popular?window=7d").await;
    assert_eq!(ranked(&week), pairs(&[]));
}

async fn a_section_tag_or_story_narrows_the_list_and_metadata_comes_along(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = publisher(&app).await;
    let meta = |title: &str, section: &str, tags: &[&str], story: &str| {
        json!({"title": title, "url": format!("https://news.example/{title}"), "section": section,
               "tags": tags, "story": story, "published_at": "2026-03-01T08:00:00Z"})
    };
    register(&app, &key, "a", meta("a", "sport", &["cup"], "final")).await;
    register(&app, &key, "b", meta("b", "economy", &["oil"], "budget")).await;
    register(&app, &key, "c", meta("c", "sport", &["league"], "derby")).await;
    views(&app, "a", 2).await;
    views(&app, "b", 3).await;
    views(&app, "c", 1).await;
    flush(&app).await;

    let site = list(&app, "/v1/sites/demo/popular").await;
    let sport = list(&app, "/v1/sites/demo/popular?section=sport").await;
    let cup = list(&app, "/v1/sites/demo/popular?tag=cup").await;
    let budget = list(&app, "/v1/sites/demo/popular?story=budget").await;
    let empty = list(&app, "/v1/sites/demo/popular?section=culture").await;

    assert_eq!(ranked(&site), pairs(&[("b", 3), ("a", 2), ("c", 1)]));
    assert_eq!(ranked(&sport), pairs(&[("a", 2), ("c", 1)]));
    assert_eq!(ranked(&cup), pairs(&[("a", 2)]));
    assert_eq!(ranked(&budget), pairs(&[("b", 3)]));
    assert_eq!(ranked(&empty), pairs(&[]));
    let a = &sport["articles"][0];
    assert_eq!(a["title"], "a");
    assert_eq!(a["url"], "https://news.example/a");
    assert_eq!(a["section"], "sport");
    assert_eq!(a["story"], "final");
    assert_eq!(a["published_at"], "2026-03-01T08:00:00Z");
    assert_eq!(a["comments"], 0);
}

async fn exclude_and_limit_shape_the_list_and_bad_parameters_are_refused(backend: Backend) {
    let app = spawn_app(&backend).await;
    for (i, article) in ["p1", "p2", "p3", "p4"].iter().enumerate() {
        views(&app, article, 4 - i).await;
    }
    flush(&app).await;

    let top2 = list(&app, "/v1/sites/demo/popular?limit=2").await;
    let without = list(&app, "/v1/sites/demo/popular?exclude=p1,p3&limit=50").await;

    assert_eq!(ranked(&top2), pairs(&[("p1", 4), ("p2", 3)]));
    assert_eq!(ranked(&without), pairs(&[("p2", 3), ("p4", 1)]));
    let many = (0..51).map(|i| format!("x{i}")).collect::<Vec<_>>().join(",");
    let invalid = [
        "limit=0".to_owned(),
        "limit=51".to_owned(),
        "limit=-1".to_owned(),
        "window=2h".to_owned(),
        "section=".to_owned(),
        format!("section={}", "s".repeat(101)),
        "exclude=a%20b".to_owned(),
        format!("exclude={many}"),
    ];
    for query in invalid {
        let res = app
            .get(&format!("/v1/sites/demo/popular?{query}"), &Auth::None)
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    for (query, code) in [
        ("section=a&tag=b", "conflicting_scope"),
        ("limit=ten", "invalid_query"),
        ("sort=new", "invalid_query"),
    ] {
        let res = app
            .get(&format!("/v1/sites/demo/popular?{query}"), &Auth::None)
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, code).await;
    }
    let res = app.get("/v1/sites/nosuch/popular", &Auth::None).await;
    assert_problem(res, StatusCode::NOT_FOUND, "site_not_found").await;
}

async fn lists_carry_an_etag_and_answer_304_while_unchanged(backend: Backend) {
    let app = spawn_app(&backend).await;
    views(&app, "e1", 2).await;
    flush(&app).await;
    let path = "/v1/sites/demo/popular?window=24h";

    let first = app.get(path, &Auth::None).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let cache_control = first.headers()["cache-control"].to_str().unwrap().to_owned();
    let again = app
        .request(reqwest::Method::GET, path, &Auth::None)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();

    assert_eq!(first.status(), StatusCode::OK);
    assert!(etag.starts_with('"') && etag.len() > 2, "{etag}");
    let max_age: u32 = cache_control
        .strip_prefix("public, max-age=")
        .and_then(|s| s.parse().ok())
        .expect("public, max-age=N");
    assert!(max_age <= 30, "{cache_control}");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());

    views(&app, "e2", 1).await;
    flush(&app).await;
    app.clock.advance(PAST_CACHE);
    let changed = app
        .request(reqwest::Method::GET, path, &Auth::None)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK, "a changed list is sent again");
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
}

async fn a_browser_gets_the_list_compressed_with_a_weak_etag_that_still_answers_304(backend: Backend) {
    let app = spawn_app(&backend).await;
    views(&app, "z1", 2).await;
    flush(&app).await;
    let path = "/v1/sites/demo/popular?window=24h";
    let get = |encoding: &'static str, if_none_match: Option<String>| {
        let mut req = app
            .request(reqwest::Method::GET, path, &Auth::None)
            .header("Accept-Encoding", encoding);
        if let Some(tag) = if_none_match {
            req = req.header("If-None-Match", tag);
        }
        async move { req.send().await.expect("request") }
    };
    let header = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or("").to_owned())
    };

    let plain = get("identity", None).await;
    let plain_etag = header(&plain, "etag").expect("etag");
    let plain_body = plain.bytes().await.expect("body");
    let zipped = get("gzip, deflate, br", None).await;
    let zipped_etag = header(&zipped, "etag").expect("etag");
    let encoding = header(&zipped, "content-encoding");
    let vary = header(&zipped, "vary");
    let zipped_body = zipped.bytes().await.expect("body");
    let revalidated = get("gzip, deflate, br", Some(zipped_etag.clone())).await;

    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert!(vary.is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));
    let mut decoded = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&zipped_body[..]), &mut decoded)
        .expect("gzip");
    assert_eq!(decoded, plain_body, "the same list in both forms");
    assert_eq!(
        zipped_etag,
        format!("W/{plain_etag}"),
        "the compressed form's validator is weak"
    );
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert!(revalidated.bytes().await.expect("body").is_empty());
}

async fn most_commented_counts_the_windows_published_comments(backend: Backend) {
    let app = spawn_app(&backend).await;
    app.guest_comment("old", "تعليق قديم على الخبر").await;
    app.clock.advance(2 * HOUR);
    for text in ["أول تعليق على هذا الخبر", "تعليق ثان على الخبر نفسه"]
    {
        app.guest_comment("busy", text).await;
    }
    app.guest_comment("quiet", "تعليق وحيد هنا").await;
    views(&app, "busy", 2).await;
    flush(&app).await;

    let hour = list(&app, "/v1/sites/demo/most-commented?window=1h").await;
    let day = list(&app, "/v1/sites/demo/most-commented").await;

    let comments = |l: &serde_json::Value| -> Vec<(String, i64)> {
        l["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["article"].as_str().unwrap().to_owned(),
                    a["comments"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(hour["window"], "1h");
    assert_eq!(comments(&hour), [("busy".to_owned(), 2), ("quiet".to_owned(), 1)]);
    assert_eq!(hour["articles"][0]["views"], 2);
    assert_eq!(day["window"], "24h");
    assert_eq!(comments(&day).len(), 3);
    let res = app
        .get("/v1/sites/demo/most-commented?window=1y", &Auth::None)
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

/// A list as sent is reused for the same URL a few seconds (the server builds it once for a
/// burst of readers), so a CMS edit shows in it within that time, not at once.
async fn a_list_is_reused_for_a_few_seconds_then_rebuilt(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = publisher(&app).await;
    let meta = |title: &str| json!({"title": title, "section": "sport"});
    register(&app, &key, "a", meta("before")).await;
    views(&app, "a", 2).await;
    flush(&app).await;
    let path = "/v1/sites/demo/popular?section=sport";

    let first = list(&app, path).await;
    register(&app, &key, "a", meta("after")).await;
    let soon = list(&app, path).await;
    let other_url = list(&app, "/v1/sites/demo/popular?section=sport&limit=5").await;
    app.clock.advance(std::time::Duration::from_secs(6));
    let later = list(&app, path).await;

    assert_eq!(first["articles"][0]["title"], "before");
    assert_eq!(soon, first, "the same URL within 5 s gets the list as sent");
    assert_eq!(
        other_url["articles"][0]["title"], "after",
        "another URL is built anew"
    );
    assert_eq!(later["articles"][0]["title"], "after", "rebuilt after 5 s");
    assert_eq!(ranked(&later), pairs(&[("a", 2)]));
}

on_both_backends!(
    a_list_is_reused_for_a_few_seconds_then_rebuilt,
    windows_are_the_last_hours_and_roll_over,
    a_section_tag_or_story_narrows_the_list_and_metadata_comes_along,
    exclude_and_limit_shape_the_list_and_bad_parameters_are_refused,
    lists_carry_an_etag_and_answer_304_while_unchanged,
    a_browser_gets_the_list_compressed_with_a_weak_etag_that_still_answers_304,
    most_commented_counts_the_windows_published_comments,
);
