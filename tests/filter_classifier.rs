//! The learned abuse and spam classifiers: file format, online updates, and the shipped models
//! on texts whose answer is obvious.
//!
//! `cargo test --release --test filter_classifier -- --ignored --nocapture train_shipped_models`
//! regenerates `config/models/{abuse,spam}.bin` from `../shared/data/`.

// Helpers outside `#[test]` functions may panic too: this is a test binary.
#![allow(clippy::expect_used)]

use majlis::filter::classifier::{Model, ModelError, Models, classifier_normalize};
use majlis::filter::features::FeatureSpec;
use std::path::Path;

fn models() -> Models {
    Models::builtin().expect("the committed models load")
}

fn score(m: &Model, text: &str) -> f32 {
    m.score(&classifier_normalize(text))
}

const SAMPLES: [&str; 7] = [
    "",
    "شكرا على التقرير المفيد",
    // Allow-listed words, which the abuse model skips and the spam model reads.
    "الحزب في مصر وايران class",
    "يا كلب يا حقير",
    "check out my channel and subscribe",
    "للتواصل واتساب 0501234567",
    "😂😂😂 !!!",
];

#[test]
fn a_model_saved_and_loaded_scores_exactly_as_before() {
    let mut m = models().abuse;
    // After a moderator's update, as a running service would save it.
    m.update(&classifier_normalize("انت غبي"), true);
    let loaded = Model::from_bytes(&m.to_bytes()).expect("round trip");
    assert_eq!(loaded, m);
    for text in SAMPLES {
        assert_eq!(
            score(&loaded, text).to_bits(),
            score(&m, text).to_bits(),
            "{text:?}"
        );
    }
}

#[test]
fn a_version_1_file_saved_before_stems_still_loads_and_scores_without_them() {
    // A site's model as saved before version 2: no flags byte, so no stem features and no
    // neutral words.
    let mut m = Model::new(FeatureSpec {
        stems: false,
        neutral: false,
        spelled: false,
        ..FeatureSpec::default()
    });
    m.update(&classifier_normalize("يا كلب"), true);
    let v2 = m.to_bytes();
    let mut v1 = [&v2[..4], &1u16.to_le_bytes(), &v2[6..10], &v2[11..v2.len() - 4]].concat();
    let sum = v1.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    v1.extend_from_slice(&sum.to_le_bytes());

    let loaded = Model::from_bytes(&v1).expect("a version-1 file loads");

    assert!(!loaded.spec().stems && !loaded.spec().neutral && !loaded.spec().spelled);
    assert_eq!(loaded, m);
    assert_eq!(score(&loaded, "والكلب").to_bits(), score(&m, "والكلب").to_bits());
}

#[test]
fn both_scores_in_one_pass_equal_the_scores_of_each_model() {
    let models = models();
    for text in SAMPLES.map(classifier_normalize) {
        let both = models.scores(&text);
        assert_eq!(
            both.abuse.to_bits(),
            models.abuse.score(&text).to_bits(),
            "{text:?}"
        );
        assert_eq!(
            both.spam.to_bits(),
            models.spam.score(&text).to_bits(),
            "{text:?}"
        );
    }
}

#[test]
fn an_allow_listed_word_does_not_move_the_abuse_score_but_the_spam_model_reads_it() {
    let models = models();
    assert!(models.abuse.spec().neutral && !models.spam.spec().neutral);
    // With clitics too (والحزب is و + ال + حزب), and a bigram with it goes as well.
    for (with, without) in [
        ("حزب البعث المجرم", "البعث المجرم"),
        ("والحزب الحاكم في مصر", "الحاكم في"),
        ("what a match, classic", "what a match"),
        // Names of countries, leaders and movements (config/models/neutral_words.txt).
        ("السيسي وايران والسعودية في الخبر", "في الخبر"),
    ] {
        let (with, without) = (classifier_normalize(with), classifier_normalize(without));
        assert_eq!(
            models.abuse.score(&with).to_bits(),
            models.abuse.score(&without).to_bits(),
            "{with:?}"
        );
        assert_ne!(models.spam.score(&with), models.spam.score(&without), "{with:?}");
    }
    // An insult is not an allow-listed word: it still counts.
    let insult = classifier_normalize("حزب البعث يا كلب");
    assert!(models.abuse.score(&insult) > models.abuse.score(&classifier_normalize("حزب البعث")));
}

#[test]
fn repeated_positive_decisions_raise_a_score_and_negative_ones_lower_it() {
    let text = classifier_normalize("هذا المقال عن الطقس في القاهرة");
    for model in [models().abuse, models().spam] {
        let before = model.score(&text);
        let (mut up, mut down) = (model.clone(), model.clone());
        for _ in 0..5 {
            up.update(&text, true);
            down.update(&text, false);
        }
        assert!(
            up.score(&text) > before + 0.05,
            "positive: {before} -> {}",
            up.score(&text)
        );
        assert!(
            down.score(&text) < before,
            "negative: {before} -> {}",
            down.score(&text)
        );
    }
}

#[test]
fn one_decision_moves_a_score_but_does_not_flip_the_model() {
    let mut m = models().abuse;
    let clean = classifier_normalize("شكرا على التقرير المفيد عن المدارس");
    let before = m.score(&clean);
    m.update(&classifier_normalize("يا حمار يا غبي"), true);
    assert!((m.score(&clean) - before).abs() < 0.1);
}

#[test]
fn the_shipped_abuse_model_scores_insults_above_clean_comments() {
    let m = models().abuse;
    let abusive = [
        "يا كلب يا حيوان يا حقير انت واهلك زبالة",
        "الله يلعنك يا خنزير يا وسخ",
        "انتم شعب متخلف وجاهل وحقير",
    ];
    let clean = [
        "شكرا على هذا التقرير المفيد، أتمنى أن تستمر الجريدة في تغطية أخبار التعليم",
        "المباراة كانت جميلة والفريق لعب بشكل ممتاز في الشوط الثاني",
        "أتفق مع الكاتب في أن أسعار الشقق ارتفعت كثيرا هذا العام",
    ];
    let lowest_abusive = abusive.iter().map(|t| score(&m, t)).fold(1.0, f32::min);
    let highest_clean = clean.iter().map(|t| score(&m, t)).fold(0.0, f32::max);
    assert!(
        lowest_abusive > highest_clean,
        "abusive ≥ {lowest_abusive}, clean ≤ {highest_clean}"
    );
    assert!(
        highest_clean < m.thresholds().hold,
        "a clean comment would be held: {highest_clean}"
    );
}

#[test]
fn the_shipped_spam_model_scores_spam_above_ham() {
    let m = models().spam;
    let spam = [
        "check out my channel, subscribe, win a prize, call 01001234567",
        "FREE entry to win a prize! txt WIN to 80086 now",
        "للتواصل واتساب 0501234567",
        "زيادة متابعين انستقرام حقيقيين بأرخص الأسعار تواصل معنا",
    ];
    let ham = [
        "I think the minister's decision on schools was wrong, the article explains it well",
        "أتفق مع الكاتب في أن أسعار الشقق ارتفعت كثيرا هذا العام",
        "المباراة كانت جميلة والفريق لعب بشكل ممتاز في الشوط الثاني",
    ];
    for s in spam {
        for h in ham {
            assert!(
                score(&m, s) > score(&m, h),
                "{s:?} {} vs {h:?} {}",
                score(&m, s),
                score(&m, h)
            );
        }
    }
    for h in ham {
        assert!(
            score(&m, h) < m.thresholds().hold,
            "{h:?} would be held: {}",
            score(&m, h)
        );
    }
}

#[test]
fn corrupt_model_files_are_errors_not_panics() {
    let good = models().spam.to_bytes();
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x40;
    let mut wrong_version = good.clone();
    wrong_version[4] = 99;
    let mut bad_spec = good.clone();
    bad_spec[6] = 40; // 2^40 buckets
    let cases: [(&str, &[u8], ModelError); 6] = [
        ("empty", &[], ModelError::Length),
        ("truncated", &good[..good.len() - 1], ModelError::Length),
        ("not a model", &[b'x'; 64], ModelError::Magic),
        ("flipped weight bit", &flipped, ModelError::Checksum),
        ("future version", &wrong_version, ModelError::Version(99)),
        ("impossible size", &bad_spec, ModelError::Header),
    ];
    for (case, bytes, expected) in cases {
        assert_eq!(Model::from_bytes(bytes), Err(expected), "{case}");
    }
    let mut appended = good;
    appended.push(0);
    assert_eq!(
        Model::from_bytes(&appended),
        Err(ModelError::Length),
        "trailing byte"
    );
}

#[test]
fn scores_stay_in_zero_one_for_empty_odd_and_huge_inputs() {
    let huge_word = "ك".repeat(1 << 20);
    let huge_text = "يا كلب ".repeat(200_000);
    let odd = "\u{200F}\u{FEFF}\u{0640}\u{064B} \u{1F600}\u{1F3FB} \u{0}";
    let Models { abuse, spam } = models();
    for m in [&abuse, &spam, &Model::new(FeatureSpec::default())] {
        for text in ["", " ", odd, &huge_word, &huge_text] {
            let s = m.score(text);
            assert!((0.0..=1.0).contains(&s), "{s} for a text of {} bytes", text.len());
        }
    }
}

#[test]
fn the_classifier_reads_text_as_the_filter_normalizes_it() {
    assert_eq!(classifier_normalize("أحمــد إلى مدرسةٍ"), "احمد الي مدرسه");
    assert_eq!(classifier_normalize("Check OUT"), "check out");
}

/// Regenerates the committed models and prints the figures for `config/models/README.md`.
#[test]
#[ignore = "trains from ../shared/data and overwrites config/models; run in release mode"]
fn train_shipped_models() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = majlis::filter::train::train(&root.join("../shared/data"), &root.join("config/models"))
        .expect("training");
    println!("{report}");
}

/// Scoring speed of both models over the development texts (or a synthetic mix).
#[test]
#[ignore = "a measurement; run in release mode with --nocapture"]
fn scoring_throughput() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let texts: Vec<String> = match std::fs::read_to_string(root.join("../shared/data/offense_dev.tsv")) {
        Ok(all) => all
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').nth(2))
            .map(classifier_normalize)
            .collect(),
        Err(_) => SAMPLES
            .iter()
            .cycle()
            .take(50_000)
            .map(|t| classifier_normalize(t))
            .collect(),
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    let models = models();
    // What the stem features cost: the same pair of tables without them (the weights do not
    // change the speed).
    let plain = FeatureSpec {
        stems: false,
        ..models.abuse.spec()
    };
    let no_stems = Models::new(Model::new(plain), Model::new(plain));
    let stems = Models::new(Model::new(models.abuse.spec()), Model::new(models.abuse.spec()));
    type Way<'a> = (&'a str, &'a dyn Fn(&str) -> f32);
    let ways: [Way; 5] = [
        ("abuse model alone", &|t| models.abuse.score(t)),
        ("both, Models::scores", &|t| {
            let s = models.scores(t);
            s.abuse + s.spam
        }),
        ("both, one after the other", &|t| {
            models.abuse.score(t) + models.spam.score(t)
        }),
        ("both, Models::scores, zero weights", &|t| {
            let s = stems.scores(t);
            s.abuse + s.spam
        }),
        ("both, Models::scores, zero weights, no stem features", &|t| {
            let s = no_stems.scores(t);
            s.abuse + s.spam
        }),
    ];
    for (name, score) in ways {
        let start = std::time::Instant::now();
        let (mut rounds, mut sink) = (0, 0.0f32);
        while start.elapsed().as_secs_f64() < 3.0 {
            for t in &texts {
                sink += score(t);
            }
            rounds += 1;
        }
        let mb = (bytes * rounds) as f64 / 1e6;
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{name}: {:.1} MB/s ({} texts, {:.1} MB normalized) [{sink}]",
            mb / secs,
            texts.len(),
            bytes as f64 / 1e6
        );
    }
}
