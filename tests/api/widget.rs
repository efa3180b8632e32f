//! The widget's assets (`/widget/embed.js`, `/widget/embed.css`) and the demo pages, which
//! seed the demo site on first use.

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};

use crate::helpers::{Auth, Backend, TestApp, spawn_app};
use crate::on_both_backends;

async fn asset(app: &TestApp, path: &str, if_none_match: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(format!("{}{path}", app.address));
    if let Some(tag) = if_none_match {
        req = req.header(IF_NONE_MATCH, tag);
    }
    req.send().await.expect("request")
}

fn header(res: &reqwest::Response, name: reqwest::header::HeaderName) -> &str {
    res.headers()
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

async fn the_widget_assets_are_served_with_their_type_a_strong_etag_and_long_caching(backend: Backend) {
    let app = spawn_app(&backend).await;
    for (path, mime, marker) in [
        ("/widget/embed.js", "text/javascript", "attachShadow"),
        ("/widget/embed.css", "text/css", ":host"),
    ] {
        // Act
        let res = asset(&app, path, None).await;

        // Assert: the bytes, their type, a strong validator, a day of caching.
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(header(&res, CONTENT_TYPE).starts_with(mime), "{path}");
        let etag = header(&res, ETAG).to_string();
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "strong ETag, got {etag}"
        );
        let cache = header(&res, CACHE_CONTROL).to_string();
        assert!(
            cache.contains("public") && cache.contains("max-age=86400"),
            "{cache}"
        );
        assert!(res.text().await.expect("body").contains(marker), "{path}");

        // A browser holding these bytes (strong or weak form, alone or in a list) gets a 304.
        for tag in [etag.clone(), format!("W/{etag}"), format!("\"other\", {etag}")] {
            let res = asset(&app, path, Some(&tag)).await;
            assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{path} with {tag}");
            assert_eq!(header(&res, ETAG), etag);
            assert!(res.bytes().await.expect("body").is_empty());
        }
        // HEAD answers the headers alone.
        let res = app
            .client
            .head(format!("{}{path}", app.address))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::OK, "HEAD {path}");
        assert_eq!(header(&res, ETAG), etag);
        // Other bytes: the asset again.
        let res = asset(&app, path, Some("\"stale\"")).await;
        assert_eq!(res.status(), StatusCode::OK, "{path} with a stale tag");
    }
}

async fn thread(app: &TestApp, article: &str) -> Value {
    let res = app
        .get(
            &format!("/v1/sites/demo/articles/{article}/comments?limit=100"),
            &Auth::None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("json")
}

async fn the_demo_pages_embed_the_widget_and_seed_the_demo_site_once(backend: Backend) {
    // Arrange: nothing seeded before the first page view.
    let app = spawn_app(&backend).await;
    assert_eq!(thread(&app, "muscat-talks").await["total"], 0);

    // Act
    let ar = app.get("/demo", &Auth::None).await;
    let en = app.get("/demo/en", &Auth::None).await;

    // Assert: the pages, right to left and left to right, with the widget's one tag.
    assert_eq!(ar.status(), StatusCode::OK);
    assert!(header(&ar, CONTENT_TYPE).starts_with("text/html"));
    let ar = ar.text().await.expect("html");
    assert!(ar.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(ar.contains(r#"data-article="muscat-talks" data-lang="ar""#));
    assert!(
        ar.contains(r#"data-majlis-widget="most-read""#) && ar.contains(r#"data-majlis-widget="related""#)
    );
    assert!(ar.contains(r#"<script src="/widget/embed.js" async></script>"#));
    let en = en.text().await.expect("html");
    assert!(en.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(en.contains(r#"data-article="muscat-talks-en" data-lang="en""#));

    // The seeded threads: Arabic comments with replies (one shown behind "more replies").
    let ar_thread = thread(&app, "muscat-talks").await;
    assert_eq!(ar_thread["total"], 12, "{ar_thread}");
    let first = ar_thread["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .find(|c| c["reply_count"] == 5)
        .expect("a comment with five replies");
    assert_eq!(first["replies"].as_array().expect("replies").len(), 3);
    assert_eq!(first["like_count"], 4);
    assert_eq!(thread(&app, "muscat-talks-en").await["total"], 5);
    let article = app
        .state
        .store
        .article("demo", "muscat-talks-en")
        .await
        .expect("read");
    let article = article.expect("the English page");
    assert_eq!(article.section.as_deref(), Some("politics"));
    assert_eq!(article.story.as_deref(), Some("regional-talks"));

    // Seeding again (a restart, another request) adds nothing.
    app.get("/demo", &Auth::None).await;
    assert_eq!(thread(&app, "muscat-talks").await["total"], 12);
}

async fn instances_seeding_at_the_same_time_seed_once(backend: Backend) {
    // Arrange: two seeders racing on one fresh database, as two instances on their first request.
    let app = spawn_app(&backend).await;
    let store = app.state.store.as_ref();
    let now = app.clock.now();

    // Act
    let (a, b) = tokio::join!(
        majlis::demo::ensure_seeded(store, now),
        majlis::demo::ensure_seeded(store, now)
    );

    // Assert
    a.expect("first seeder");
    b.expect("second seeder");
    assert_eq!(thread(&app, "muscat-talks").await["total"], 12);
    assert_eq!(thread(&app, "muscat-talks-en").await["total"], 5);
}

async fn the_author_is_told_in_the_articles_language(backend: Backend) {
    // Arrange: the seeded demo site (Arabic) has an English article page.
    let app = spawn_app(&backend).await;
    app.get("/demo", &Auth::None).await;
    let insult = json!({"body": "يا ابن الكلب", "author_name": "غاضب"});
    let words_en = "Your comment was not published: it contains words that are not allowed here.";
    let words_ar = "لم يُنشر تعليقك لأنه يحتوي على كلمات غير مسموح بها هنا.";

    for (article, expected) in [("muscat-talks-en", words_en), ("muscat-talks", words_ar)] {
        // Act
        let res = app
            .post_comment("demo", article, &Auth::None, insult.clone())
            .await;

        // Assert
        assert_eq!(res.status(), StatusCode::CREATED);
        let created: Value = res.json().await.expect("json");
        assert_eq!(created["status"], "rejected", "{created}");
        assert_eq!(created["moderation_message"], expected, "on {article}");
    }

    // An edit that is rejected is explained in the article's language too.
    let (first, guest) = app
        .guest_comment("muscat-talks-en", "A calm and fair report.")
        .await;
    let id = first["id"].as_str().expect("id");
    let res = app
        .request(reqwest::Method::PATCH, &format!("/v1/comments/{id}"), &guest)
        .json(&json!({"body": "يا ابن الكلب"}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    let edited: Value = res.json().await.expect("json");
    assert_eq!(edited["moderation_message"], words_en, "{edited}");
}

on_both_backends!(
    the_author_is_told_in_the_articles_language,
    the_widget_assets_are_served_with_their_type_a_strong_etag_and_long_caching,
    the_demo_pages_embed_the_widget_and_seed_the_demo_site_once,
    instances_seeding_at_the_same_time_seed_once,
);
