//! Related stories: same story first, then shared tags, then the section, then what the
//! article's readers also read, then the site; co-reading boosts within a tier; never the
//! article itself.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Auth, Backend, TestApp, assert_problem, spawn_app};
use crate::on_both_backends;
use crate::popularity::{beacon, flush, list, publisher, ranked, register, views};

fn meta(section: &str, tags: &[&str], story: Option<&str>) -> Value {
    json!({"title": "t", "section": section, "tags": tags, "story": story})
}

/// One reader reading each of `articles`, in order.
async fn reader(app: &TestApp, visitor: &str, articles: &[&str]) {
    for article in articles {
        let res = beacon(app, "demo", article, &json!({ "visitor": visitor }).to_string()).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
}

fn order(list: &Value) -> Vec<String> {
    ranked(list).into_iter().map(|(a, _)| a).collect()
}

async fn related_stories_come_by_story_then_tags_then_section_then_site(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = publisher(&app).await;
    register(&app, &key, "base", meta("sport", &["cup", "var"], Some("final"))).await;
    register(&app, &key, "same-story", meta("economy", &[], Some("final"))).await;
    register(&app, &key, "same-tag", meta("economy", &["var"], None)).await;
    register(&app, &key, "same-section", meta("sport", &[], None)).await;
    register(&app, &key, "elsewhere", meta("culture", &[], None)).await;
    views(&app, "base", 30).await;
    views(&app, "same-story", 1).await;
    views(&app, "same-tag", 5).await;
    views(&app, "same-section", 10).await;
    views(&app, "elsewhere", 20).await;
    flush(&app).await;

    let related = list(&app, "/v1/sites/demo/articles/base/related").await;
    let two = list(&app, "/v1/sites/demo/articles/base/related?limit=2").await;

    assert_eq!(related["window"], "24h");
    assert_eq!(
        order(&related),
        ["same-story", "same-tag", "same-section", "elsewhere"]
    );
    assert_eq!(related["articles"][1]["views"], 5);
    assert_eq!(order(&two), ["same-story", "same-tag"]);
}

async fn readers_who_read_both_lift_an_article_within_its_tier(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = publisher(&app).await;
    register(&app, &key, "base", meta("sport", &["cup"], None)).await;
    register(&app, &key, "co-read", meta("economy", &["cup"], None)).await;
    register(&app, &key, "busier", meta("economy", &["cup"], None)).await;
    // 3 readers read base then co-read; busier has more views, from other readers.
    for visitor in ["r1", "r2", "r3"] {
        reader(&app, visitor, &["base", "co-read"]).await;
    }
    views(&app, "busier", 8).await;
    flush(&app).await;

    let related = list(&app, "/v1/sites/demo/articles/base/related").await;

    // co-read: 3 views + 3 readers in common × 3 = 12 > busier's 8.
    assert_eq!(order(&related), ["co-read", "busier"]);
    assert_eq!(related["articles"][0]["views"], 3);
}

async fn with_nothing_related_the_box_falls_back_to_what_readers_and_the_site_read(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = publisher(&app).await;
    register(&app, &key, "lonely", meta("obituaries", &[], None)).await;
    register(&app, &key, "far", meta("travel", &[], None)).await;
    register(&app, &key, "big", meta("politics", &[], None)).await;
    reader(&app, "r1", &["lonely", "far"]).await;
    views(&app, "big", 9).await;
    flush(&app).await;

    let lonely = list(&app, "/v1/sites/demo/articles/lonely/related").await;
    let unknown = list(&app, "/v1/sites/demo/articles/not-registered/related").await;

    assert_eq!(order(&lonely), ["far", "big"], "also read, then the site");
    assert_eq!(order(&unknown), ["big", "far", "lonely"], "the site's most read");
}

async fn related_refuses_bad_parameters(backend: Backend) {
    let app = spawn_app(&backend).await;
    for query in ["limit=0", "limit=51"] {
        let res = app
            .get(
                &format!("/v1/sites/demo/articles/a1/related?{query}"),
                &Auth::None,
            )
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let res = app
        .get("/v1/sites/demo/articles/a1/related?window=1h", &Auth::None)
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query").await;
    let res = app
        .get("/v1/sites/demo/articles/a%20b/related", &Auth::None)
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
}

on_both_backends!(
    related_stories_come_by_story_then_tags_then_section_then_site,
    readers_who_read_both_lift_an_article_within_its_tier,
    with_nothing_related_the_box_falls_back_to_what_readers_and_the_site_read,
    related_refuses_bad_parameters,
);
