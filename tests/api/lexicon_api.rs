//! Moderators' word-list entries at run time (SPEC §4): add, list and remove through the API,
//! scoped to a site or global, allow-list entries, every instance picking up a change within
//! seconds, and the backtest that shows a change's effect before it is made.

use std::time::{Duration, Instant};

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::comment_helpers::{assert_problem_for, id_of, json_with, text};
use crate::filtering::{dry_run, guest_posts, moderator, reasons_with};
use crate::helpers::{Auth, Backend, TestApp, spawn_app, spawn_peer};
use crate::on_both_backends;

/// A made-up word: in no shipped list, and no word of any language.
const NONSENSE: &str = "زمبرقط";

fn nonsense_entry() -> Value {
    json!({
        "term": NONSENSE, "lang": "ar", "severity": "strong",
        "action": "reject", "mode": "word", "morph": "proclitics",
    })
}

async fn add_entry(app: &TestApp, key: &Auth, entry: &Value) -> Response {
    app.post_json("/v1/moderation/lexicon", key, entry).await
}

/// Adds `entry` and returns its id.
async fn added(app: &TestApp, key: &Auth, entry: &Value) -> String {
    id_of(&json_with(add_entry(app, key, entry).await, StatusCode::CREATED).await)
}

async fn remove_entry(app: &TestApp, key: &Auth, id: &str) -> Response {
    app.request(Method::DELETE, &format!("/v1/moderation/lexicon/{id}"), key)
        .send()
        .await
        .expect("request")
}

/// The status a new guest's comment gets on `site`.
async fn status_of(app: &TestApp, site: &str, body: &str) -> String {
    let (created, _) = guest_posts(app, site, "lexicon", body).await;
    created["status"].as_str().expect("status").to_string()
}

async fn an_added_entry_applies_at_once_and_a_removed_one_no_longer_does(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let key = moderator(&app).await;
    let plain = format!("قال الشاهد إن {NONSENSE} كان هناك");
    assert_eq!(
        status_of(&app, "demo", &plain).await,
        "published",
        "a made-up word passes"
    );

    // Act
    let res = add_entry(&app, &key, &nonsense_entry()).await;

    // Assert
    let entry = json_with(res, StatusCode::CREATED).await;
    assert_eq!(entry["term"], NONSENSE, "{entry}");
    assert_eq!(entry["action"], "reject", "{entry}");
    let id = id_of(&entry);
    for (case, body) in [
        ("the word", plain.clone()),
        ("with و", format!("رأيت و{NONSENSE} أمس")),
        ("with ال", format!("هذا هو ال{NONSENSE} بعينه")),
        ("with وال", format!("جاء الوزير وال{NONSENSE} معاً")),
    ] {
        assert_eq!(status_of(&app, "demo", &body).await, "rejected", "{case}");
    }
    let list = json_with(app.get("/v1/moderation/lexicon", &key).await, StatusCode::OK).await;
    let listed: Vec<&Value> = list["entries"].as_array().expect("entries").iter().collect();
    assert_eq!(listed.len(), 1, "{list}");
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["term"], NONSENSE);

    // Act
    let removed = remove_entry(&app, &key, &id).await;
    let again = remove_entry(&app, &key, &id).await;

    // Assert
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_problem_for("removed twice", again, StatusCode::NOT_FOUND, "entry_not_found").await;
    let later = format!("شهد الحاضرون بأن {NONSENSE} لم يحضر");
    assert_eq!(
        status_of(&app, "demo", &later).await,
        "published",
        "the word passes again"
    );
    let list = json_with(app.get("/v1/moderation/lexicon", &key).await, StatusCode::OK).await;
    assert_eq!(list["entries"], json!([]), "{list}");
}

async fn an_invalid_entry_is_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let key = moderator(&app).await;
    let with = |field: &str, value: Value| {
        let mut entry = nonsense_entry();
        entry[field] = value;
        entry
    };
    let cases = [
        (
            "an unknown lang",
            with("lang", json!("xx")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "an unknown severity",
            with("severity", json!("awful")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "an unknown action",
            with("action", json!("ban")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "an empty term",
            with("term", json!("")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "an unknown site",
            with("site", json!("nowhere")),
            StatusCode::NOT_FOUND,
            "site_not_found",
        ),
    ];

    for (case, entry, status, code) in cases {
        // Act
        let res = add_entry(&app, &key, &entry).await;

        // Assert
        assert_problem_for(case, res, status, code).await;
    }
    let list = json_with(app.get("/v1/moderation/lexicon", &key).await, StatusCode::OK).await;
    assert_eq!(list["entries"], json!([]), "nothing was added: {list}");
    let no_key = add_entry(&app, &Auth::None, &nonsense_entry()).await;
    assert_problem_for("no key", no_key, StatusCode::UNAUTHORIZED, "staff_key_required").await;
}

async fn a_site_scoped_entry_applies_to_that_site_only(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let key = moderator(&app).await;
    let mut entry = nonsense_entry();
    entry["site"] = json!("demo");
    let body = format!("قال الشاهد إن {NONSENSE} كان هناك");

    // Act
    added(&app, &key, &entry).await;

    // Assert
    assert_eq!(status_of(&app, "demo", &body).await, "rejected");
    let elsewhere = dry_run(&app, &key, "filtered", &body).await;
    assert!(reasons_with(&elsewhere, "word_list").is_empty(), "{elsewhere}");
    assert_ne!(elsewhere["action"], "reject", "{elsewhere}");
    let list = json_with(
        app.get("/v1/moderation/lexicon?site=filtered", &key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["entries"], json!([]), "not an entry of `filtered`: {list}");
}

async fn an_allow_entry_unflags_a_shipped_word(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let key = moderator(&app).await;
    let body = "Scumbag is the name of the band that played last night";
    assert_eq!(
        status_of(&app, "demo", body).await,
        "pending",
        "a shipped `hold` word"
    );

    // Act
    added(
        &app,
        &key,
        &json!({"term": "scumbag", "lang": "en", "allow": true}),
    )
    .await;

    // Assert
    assert_eq!(status_of(&app, "demo", body).await, "published");
}

async fn a_backtest_counts_the_comments_an_added_entry_would_hold(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let key = moderator(&app).await;
    let since = app.clock.now() - time::Duration::minutes(1);
    let mut with_word = Vec::new();
    for body in [
        format!("قال الشاهد إن {NONSENSE} كان هناك"),
        format!("لا أحد يصدق ال{NONSENSE} بعد اليوم"),
    ] {
        let (created, _) = guest_posts(&app, "demo", "a1", &body).await;
        assert_eq!(created["status"], "published");
        with_word.push(id_of(&created));
    }
    guest_posts(&app, "demo", "a1", &text(0)).await;

    // Act
    let res = app
        .post_json(
            "/v1/moderation/filter/backtest",
            &key,
            &json!({"site": "demo", "add": [nonsense_entry()], "remove": [], "since": rfc3339(since)}),
        )
        .await;

    // Assert
    let result = json_with(res, StatusCode::OK).await;
    assert_eq!(result["replayed"], 3, "{result}");
    assert_eq!(result["newly_held"], 2, "{result}");
    assert_eq!(result["newly_released"], 0, "{result}");
    with_word.sort();
    assert_eq!(sample_ids(&result), with_word, "{result}");
    assert_eq!(result["samples"][0]["after"], "reject", "{result}");
    let list = json_with(app.get("/v1/moderation/lexicon", &key).await, StatusCode::OK).await;
    assert_eq!(list["entries"], json!([]), "a backtest changes nothing: {list}");
}

async fn a_backtest_counts_the_comments_a_removed_entry_would_release(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let key = moderator(&app).await;
    let since = app.clock.now() - time::Duration::minutes(1);
    let id = added(&app, &key, &nonsense_entry()).await;
    let mut rejected = Vec::new();
    for body in [
        format!("قال الشاهد إن {NONSENSE} كان هناك"),
        format!("لا أحد يصدق ال{NONSENSE} بعد اليوم"),
    ] {
        let (created, _) = guest_posts(&app, "demo", "a1", &body).await;
        assert_eq!(created["status"], "rejected");
        rejected.push(id_of(&created));
    }

    // Act
    let res = app
        .post_json(
            "/v1/moderation/filter/backtest",
            &key,
            &json!({"site": "demo", "add": [], "remove": [id], "since": rfc3339(since)}),
        )
        .await;

    // Assert
    let result = json_with(res, StatusCode::OK).await;
    assert_eq!(result["newly_released"], 2, "{result}");
    assert_eq!(result["newly_held"], 0, "{result}");
    rejected.sort();
    assert_eq!(sample_ids(&result), rejected, "{result}");
    assert_eq!(
        status_of(&app, "demo", &format!("مرة أخرى {NONSENSE} هنا")).await,
        "rejected",
        "the entry is still in force"
    );
}

/// The comment ids of a backtest's samples, sorted.
fn sample_ids(result: &Value) -> Vec<String> {
    let samples = result["samples"].as_array().expect("samples");
    let mut ids: Vec<String> = samples
        .iter()
        .map(|s| s["comment_id"].as_str().expect("a comment id").to_string())
        .collect();
    ids.sort();
    ids
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

on_both_backends!(
    an_added_entry_applies_at_once_and_a_removed_one_no_longer_does,
    an_invalid_entry_is_refused,
    a_site_scoped_entry_applies_to_that_site_only,
    an_allow_entry_unflags_a_shipped_word,
    a_backtest_counts_the_comments_an_added_entry_would_hold,
    a_backtest_counts_the_comments_a_removed_entry_would_release,
);

/// PostgreSQL + Redis only: two instances of one service.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_added_through_one_instance_reaches_another_within_five_seconds() {
    let Some(backend) = Backend::external() else {
        return;
    };
    // Arrange
    let a = spawn_app(&backend).await;
    let b = spawn_peer(&a).await;
    let (key_a, key_b) = (moderator(&a).await, moderator(&b).await);
    let body = format!("قال الشاهد إن {NONSENSE} كان هناك");
    assert_eq!(dry_run(&b, &key_b, "demo", &body).await["action"], "publish");

    // Act
    added(&a, &key_a, &nonsense_entry()).await;
    let started = Instant::now();

    // Assert: B rejects the word soon (it polls every 2 s).
    let mut seen_after = None;
    while started.elapsed() < Duration::from_secs(6) {
        if dry_run(&b, &key_b, "demo", &body).await["action"] == "reject" {
            seen_after = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let seen_after = seen_after.expect("instance B never applied the new entry");
    assert!(seen_after <= Duration::from_secs(5), "took {seen_after:?}");
    assert_eq!(status_of(&b, "demo", &body).await, "rejected");
}
