//! The content filter over HTTP (SPEC §3–§4, §8): what the word lists, the spam signals and the
//! learned models do to a posted comment, what its author and other readers see, what is
//! stored, the moderators' dry run, and the filter's metrics. Word-list changes at run time
//! and the backtest are in `lexicon_api`.

use majlis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::comment_helpers::{assert_problem_for, id_of, ids, json_with, stored, text};
use crate::helpers::{Auth, Backend, TestApp, spawn_app, spawn_peer};
use crate::on_both_backends;

/// A shipped Arabic entry with `action = "reject"` (ar.toml).
pub const REJECTED_WORD: &str = "شرموطة";
/// The entries that match it: itself, and شرموط with a pronoun suffix (ة folds to ه).
const REJECTED_TERMS: [&str; 2] = ["شرموطة", "شرموط"];
/// The message an Arabic-speaking author gets for a comment rejected for its words.
const NOT_ALLOWED_AR: &str = "كلمات غير مسموح بها";

/// A new guest posts `body` on `site`; returns the created comment and the guest.
pub async fn guest_posts(app: &TestApp, site: &str, article: &str, body: &str) -> (Value, Auth) {
    let res = app
        .post_comment(
            site,
            article,
            &Auth::None,
            json!({"body": body, "author_name": "زائر"}),
        )
        .await;
    let created = json_with(res, StatusCode::CREATED).await;
    let token = created["guest_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no guest token in {created}"))
        .to_string();
    (created, Auth::Guest(token))
}

/// The stored verdict of a comment.
pub async fn stored_verdict(app: &TestApp, id: &str) -> Value {
    let row = stored(app, id).await;
    let verdict = row
        .verdict
        .unwrap_or_else(|| panic!("comment {id} has no stored verdict"));
    serde_json::from_str(&verdict).expect("the stored verdict is JSON")
}

/// The reasons of a verdict with `code`.
pub fn reasons_with<'a>(verdict: &'a Value, code: &str) -> Vec<&'a Value> {
    verdict["reasons"]
        .as_array()
        .unwrap_or_else(|| panic!("no reasons in {verdict}"))
        .iter()
        .filter(|r| r["code"] == code)
        .collect()
}

pub async fn moderator(app: &TestApp) -> Auth {
    Auth::Bearer(app.staff_key(Role::Moderator).await)
}

/// `POST /v1/moderation/filter/check`: the verdict for `text` on `site`.
pub async fn dry_run(app: &TestApp, key: &Auth, site: &str, text: &str) -> Value {
    let res = app
        .post_json(
            "/v1/moderation/filter/check",
            key,
            &json!({"site": site, "text": text}),
        )
        .await;
    json_with(res, StatusCode::OK).await
}

/// Every comment stored for `site`, whatever its status.
pub async fn stored_count(app: &TestApp, site: &str) -> usize {
    let since = time::OffsetDateTime::UNIX_EPOCH;
    app.state
        .store
        .comments_since(site, since, 10_000)
        .await
        .expect("read the site's comments")
        .len()
}

/// The letters of `s[span]`, without tatweel, diacritics, spaces or punctuation.
fn letters_in(s: &str, span: &Value) -> String {
    let (start, end) = (span[0].as_u64().expect("start"), span[1].as_u64().expect("end"));
    let (start, end) = (usize::try_from(start).unwrap(), usize::try_from(end).unwrap());
    assert!(start < end && end <= s.chars().count(), "{span} inside {s:?}");
    s.chars()
        .skip(start)
        .take(end - start)
        .filter(|c| c.is_alphabetic() && !matches!(c, '\u{0640}' | '\u{064B}'..='\u{0652}' | '\u{0670}'))
        .collect()
}

async fn a_comment_with_a_rejected_word_is_rejected_however_it_is_disguised(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (_, reader) = guest_posts(&app, "demo", "a1", &text(0)).await;
    let cases = [
        ("plain", "هذا الكلام لا يقوله إلا شرموطة"),
        ("with tatweel", "ردك يدل على أنك شرمـــوطة فعلاً"),
        ("with diacritics", "كاتب المقال شَرْمُوطَة بلا شك"),
        ("spaced letters", "صاحب التعليق الأول ش ر م و ط ة"),
    ];

    for (case, body) in cases {
        // Act
        let (created, author) = guest_posts(&app, "demo", "a1", body).await;

        // Assert
        let id = id_of(&created);
        assert_eq!(created["status"], "rejected", "{case}: {created}");
        let message = created["moderation_message"].as_str().unwrap_or_default();
        assert!(
            message.contains(NOT_ALLOWED_AR),
            "{case}: the author is told why, in Arabic: {created}"
        );
        let verdict = stored_verdict(&app, &id).await;
        let hits = reasons_with(&verdict, "word_list");
        assert_eq!(hits.len(), 1, "{case}: one word-list reason in {verdict}");
        let term = hits[0]["term"].as_str().unwrap_or_default();
        assert!(REJECTED_TERMS.contains(&term), "{case}: {verdict}");
        assert_eq!(
            letters_in(body, &hits[0]["span"]),
            REJECTED_WORD,
            "{case}: the span covers the word as written in {verdict}"
        );
        for (who, viewer) in [("a reader", &reader), ("a passer-by", &Auth::None)] {
            let page = app.thread("demo", "a1", "", viewer).await;
            assert!(!ids(&page).contains(&id), "{case}: hidden from {who}: {page}");
            assert_eq!(page["total"], 1, "{case}: the total is unchanged: {page}");
        }
        let own = app.thread("demo", "a1", "", &author).await;
        assert_eq!(own["total"], 1, "{case}: the total is the same for the author");
    }
}

async fn a_comment_with_a_held_word_is_pending_for_its_author_and_invisible_to_others(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (_, reader) = guest_posts(&app, "demo", "a1", &text(0)).await;

    // Act
    let (created, author) = guest_posts(&app, "demo", "a1", "Only a dumbass would believe this report").await;

    // Assert
    let id = id_of(&created);
    assert_eq!(created["status"], "pending", "{created}");
    let message = created["moderation_message"].as_str().unwrap_or_default();
    assert!(
        message.contains("بانتظار المراجعة"),
        "awaiting moderation: {created}"
    );
    let verdict = stored_verdict(&app, &id).await;
    assert_eq!(
        reasons_with(&verdict, "word_list")[0]["term"],
        "dumbass",
        "{verdict}"
    );
    let own = app.thread("demo", "a1", "", &author).await;
    let listed = own["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap_or_else(|| panic!("the author sees their held comment: {own}"));
    assert_eq!(listed["status"], "pending");
    for (who, viewer) in [("a reader", &reader), ("a passer-by", &Auth::None)] {
        let page = app.thread("demo", "a1", "", viewer).await;
        assert!(!ids(&page).contains(&id), "hidden from {who}: {page}");
        assert_eq!(page["total"], 1, "{page}");
    }
}

async fn a_masked_word_is_starred_for_readers_and_kept_in_the_store(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let body = "The new parking rules are shit, honestly";

    // Act
    let (created, _) = guest_posts(&app, "demo", "a1", body).await;

    // Assert
    let id = id_of(&created);
    let starred = "The new parking rules are ****, honestly";
    assert_eq!(created["status"], "published", "{created}");
    assert_eq!(created["body"], starred, "{created}");
    let page = app.thread("demo", "a1", "", &Auth::None).await;
    assert_eq!(ids(&page), vec![id.clone()], "{page}");
    assert_eq!(page["comments"][0]["body"], starred, "{page}");
    let row = stored(&app, &id).await;
    assert_eq!(row.body, body, "the original text is kept");
    assert_eq!(row.masked_body.as_deref(), Some(starred));
}

async fn innocent_words_that_contain_profane_roots_are_published_untouched(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let cases = [
        ("مصر", "زرت مصر في الصيف الماضي"),
        ("حزب", "أعلن الحزب برنامجه الانتخابي"),
        ("ايران", "وصل الوفد إلى ايران صباح اليوم"),
        ("الجزائر", "فازت الجزائر بالمباراة أمس"),
        ("دخول", "الدخول إلى المتحف مجاني يوم الجمعة"),
        ("بالعكس", "بالعكس، القرار جاء في وقته"),
        ("المكسيك", "تعادل منتخب المكسيك مع ضيفه"),
        ("Scunthorpe", "Scunthorpe United won on Saturday"),
        ("classic", "A classic case of bad planning by the council"),
        ("assassin", "The assassin was never identified, says the report"),
        ("Assad", "Assad met the envoy in Damascus"),
    ];

    for (i, (case, body)) in cases.into_iter().enumerate() {
        // Act
        let (created, _) = guest_posts(&app, "demo", &format!("innocent-{i}"), body).await;

        // Assert
        assert_eq!(created["status"], "published", "{case}: {created}");
        assert_eq!(created["body"], body, "{case}: byte for byte");
        let row = stored(&app, &id_of(&created)).await;
        assert_eq!(row.masked_body, None, "{case}: nothing masked");
        let verdict = stored_verdict(&app, &id_of(&created)).await;
        assert!(
            reasons_with(&verdict, "word_list").is_empty(),
            "{case}: no word-list reason in {verdict}"
        );
    }
}

/// The kind of comment spam common on Arabic sites.
const SPAM: &str =
    "للتواصل واتساب 0100 123 4567 خصومات كبيرة على جميع المنتجات اليوم فقط https://deals.example.com";

async fn spam_is_shown_to_its_author_as_pending_and_stored_as_spam(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;

    // Act
    let (created, author) = guest_posts(&app, "filtered", "a1", SPAM).await;

    // Assert
    let id = id_of(&created);
    assert_eq!(created["status"], "pending", "no hint for a bot: {created}");
    assert_eq!(stored(&app, &id).await.status, "spam");
    let verdict = stored_verdict(&app, &id).await;
    for code in ["links", "phone_number", "contact_handle"] {
        assert_eq!(reasons_with(&verdict, code).len(), 1, "{code} in {verdict}");
    }
    let own = app.thread("filtered", "a1", "", &author).await;
    assert_eq!(own["comments"][0]["status"], "pending", "{own}");
    assert!(ids(&app.thread("filtered", "a1", "", &Auth::None).await).is_empty());
}

async fn the_third_copy_of_a_text_from_different_guests_is_a_duplicate(backend: Backend) {
    // Arrange: the numbers differ, as they do from copy to copy. Redis remembers texts for an
    // hour across tests and runs, so the text carries a word of its own (letters only: words
    // with digits are left out of fingerprints).
    let app = spawn_app(&backend).await;
    let word: String = uuid::Uuid::now_v7()
        .simple()
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(16).and_then(|d| char::from_digit(d + 10, 26)))
        .collect();
    let copy = |n: u32| format!("عروض حصرية لفترة محدودة اطلبوا الآن من متجر {word} الرقم {n}");
    let (first, _) = guest_posts(&app, "filtered", "a1", &copy(1)).await;
    let (second, _) = guest_posts(&app, "filtered", "a2", &copy(2)).await;

    // Act
    let (third, _) = guest_posts(&app, "filtered", "a3", &copy(3)).await;

    // Assert
    for (which, created) in [("first", &first), ("second", &second)] {
        let verdict = stored_verdict(&app, &id_of(created)).await;
        assert!(
            reasons_with(&verdict, "duplicate").is_empty(),
            "{which}: {verdict}"
        );
    }
    let verdict = stored_verdict(&app, &id_of(&third)).await;
    assert_eq!(reasons_with(&verdict, "duplicate").len(), 1, "{verdict}");
}

async fn a_dry_run_returns_the_verdict_and_stores_nothing(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let key = moderator(&app).await;
    guest_posts(&app, "demo", "a1", &text(0)).await;
    let body = "هذا الكلام لا يقوله إلا شرموطة";

    // Act
    let verdict = dry_run(&app, &key, "demo", body).await;

    // Assert
    assert_eq!(verdict["action"], "reject", "{verdict}");
    let score = verdict["score"].as_f64().expect("a score");
    assert!((0.0..=1.0).contains(&score) && score > 0.5, "{verdict}");
    let hits = reasons_with(&verdict, "word_list");
    assert_eq!(hits.len(), 1, "{verdict}");
    let term = hits[0]["term"].as_str().unwrap_or_default();
    assert!(REJECTED_TERMS.contains(&term), "{verdict}");
    assert_eq!(hits[0]["span"], json!([24, 30]), "{verdict}");
    assert!(hits[0]["detail"].is_string());
    assert_eq!(verdict["masked_body"], Value::Null);
    assert_eq!(app.thread("demo", "a1", "", &Auth::None).await["total"], 1);
    assert_eq!(stored_count(&app, "demo").await, 1, "nothing stored");
}

async fn a_dry_run_needs_a_moderator_a_known_site_and_a_text(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let publisher = Auth::Bearer(app.staff_key(Role::Publisher).await);
    let key = moderator(&app).await;
    let ok = json!({"site": "demo", "text": "نص"});
    let cases = [
        (
            "no key",
            Auth::None,
            ok.clone(),
            StatusCode::UNAUTHORIZED,
            "staff_key_required",
        ),
        (
            "a publisher key",
            publisher,
            ok,
            StatusCode::FORBIDDEN,
            "insufficient_role",
        ),
        (
            "an unknown site",
            key.clone(),
            json!({"site": "nowhere", "text": "نص"}),
            StatusCode::NOT_FOUND,
            "site_not_found",
        ),
        (
            "an empty text",
            key,
            json!({"site": "demo", "text": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ];

    for (case, auth, body, status, code) in cases {
        // Act
        let res = app.post_json("/v1/moderation/filter/check", &auth, &body).await;

        // Assert
        assert_problem_for(case, res, status, code).await;
    }
}

async fn learning_that_a_text_is_abusive_raises_its_score_and_persists(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let key = moderator(&app).await;
    let body = "المعلق المجهول مزعج جداً ويكرر نفس الكلام في كل مقال";
    let before = dry_run(&app, &key, "demo", body).await["score"]
        .as_f64()
        .expect("score");
    assert!(app.state.store.site_models("demo").await.unwrap().is_none());

    // Act
    for _ in 0..5 {
        app.state
            .screening
            .learn(
                app.state.store.as_ref(),
                "demo",
                body,
                Some(true),
                None,
                app.clock.now(),
            )
            .await
            .expect("learn");
    }

    // Assert
    let after = dry_run(&app, &key, "demo", body).await["score"]
        .as_f64()
        .expect("score");
    assert!(after > before, "the score rose from {before} to {after}");
    assert!(
        app.state.store.site_models("demo").await.unwrap().is_some(),
        "the learned model is stored"
    );
    let peer = spawn_peer(&app).await;
    let peer_key = moderator(&peer).await;
    let on_peer = dry_run(&peer, &peer_key, "demo", body).await["score"]
        .as_f64()
        .expect("score");
    assert!(
        (on_peer - after).abs() < 1e-6,
        "a new instance loads the learned model: {on_peer} vs {after}"
    );
}

async fn decisions_learned_on_two_instances_at_once_are_all_kept(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let peer = spawn_peer(&app).await;
    let body = "المعلق المجهول مزعج جداً ويكرر نفس الكلام في كل مقال";
    let learn = |on: &TestApp| {
        let state = on.state.clone();
        let now = on.clock.now();
        async move {
            state
                .screening
                .learn(state.store.as_ref(), "demo", body, Some(true), None, now)
                .await
        }
    };
    const ROUNDS: usize = 4;

    // Act: in each round both instances learn from a decision at the same moment, each
    // reading the stored models before the other has saved.
    for _ in 0..ROUNDS {
        let (first, second) = tokio::join!(learn(&app), learn(&peer));
        first.expect("learn on the first instance");
        second.expect("learn on the second instance");
    }

    // Assert: one revision per decision, and the stored model took every step in turn.
    let stored = app
        .state
        .store
        .site_models("demo")
        .await
        .unwrap()
        .expect("stored models");
    assert_eq!(stored.revision, 2 * ROUNDS as i64);
    let mut expected = majlis::filter::classifier::Models::builtin()
        .expect("shipped")
        .abuse;
    let normalized = majlis::filter::normalize::normalize(body).text;
    for _ in 0..2 * ROUNDS {
        expected.update(&normalized, true);
    }
    assert!(stored.abuse == expected.to_bytes(), "no decision was lost");
}

/// The value of the sample `name{labels}` exactly as written, e.g. `m{code="word_list"}`.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn a_rejected_comment_is_counted_in_the_filter_metrics(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (created, _) = guest_posts(&app, "demo", "a1", "هذا الكلام لا يقوله إلا شرموطة").await;
    assert_eq!(created["status"], "rejected");

    // Act
    let res = app.get("/metrics", &Auth::None).await;

    // Assert
    assert_eq!(res.status(), StatusCode::OK);
    let metrics = res.text().await.expect("text");
    let reasons = sample(&metrics, r#"majlis_filter_reasons_total{code="word_list"}"#);
    assert!(
        reasons.is_some_and(|n| n >= 1.0),
        "word_list reasons: {reasons:?}"
    );
    let judged = sample(&metrics, "majlis_filter_duration_seconds_count");
    assert!(judged.is_some_and(|n| n >= 1.0), "texts judged: {judged:?}");
}

on_both_backends!(
    a_comment_with_a_rejected_word_is_rejected_however_it_is_disguised,
    a_comment_with_a_held_word_is_pending_for_its_author_and_invisible_to_others,
    a_masked_word_is_starred_for_readers_and_kept_in_the_store,
    innocent_words_that_contain_profane_roots_are_published_untouched,
    spam_is_shown_to_its_author_as_pending_and_stored_as_spam,
    the_third_copy_of_a_text_from_different_guests_is_a_duplicate,
    a_dry_run_returns_the_verdict_and_stores_nothing,
    a_dry_run_needs_a_moderator_a_known_site_and_a_text,
    learning_that_a_text_is_abusive_raises_its_score_and_persists,
    decisions_learned_on_two_instances_at_once_are_all_kept,
    a_rejected_comment_is_counted_in_the_filter_metrics,
);
