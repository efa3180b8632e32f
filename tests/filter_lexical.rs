//! The lexical core of the filter: normalization, token readings and word-list matching,
//! through the public API. A small fixture lexicon keeps the evasion tests independent of
//! the shipped lists; `builtin` tests check the shipped lists themselves.

// A failed `unwrap`/`expect` here is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use majlis::filter::lexicon::{Entry, EntryAction, Lang, Lexicon, Mode, Morph, Severity};
use majlis::filter::matcher::{Hit, Matcher, View};
use majlis::filter::normalize::normalize;

// A crate root resolves `mod` next to itself; keep the modules beside the suite instead.
#[path = "filter_lexical/builtin.rs"]
mod builtin;
#[path = "filter_lexical/corpus.rs"]
mod corpus;
#[path = "filter_lexical/evasion.rs"]
mod evasion;
#[path = "filter_lexical/normalization.rs"]
mod normalization;
#[path = "filter_lexical/properties.rs"]
mod properties;
#[path = "filter_lexical/scunthorpe.rs"]
mod scunthorpe;

fn entry(term: &str, lang: Lang, mode: Mode, morph: Morph) -> Entry {
    Entry {
        term: term.to_owned(),
        lang,
        severity: Severity::Strong,
        action: EntryAction::Reject,
        mode,
        morph,
    }
}

/// A small lexicon in the shape of the shipped one.
fn fixture() -> Lexicon {
    use Lang::{Ar, Arabizi, En};
    use Mode::{Frame, Prefix, Substring, Word};
    use Morph::{Exact, Full, Proclitics};
    let entries = vec![
        entry("شرموطة", Ar, Word, Proclitics),
        entry("قحبة", Ar, Word, Full),
        entry("عرص", Ar, Word, Proclitics),
        entry("غبي", Ar, Word, Proclitics),
        entry("خول", Ar, Word, Exact),
        entry("كس", Ar, Word, Exact),
        entry("زب", Ar, Word, Exact),
        entry("مص", Ar, Word, Exact),
        entry("اير", Ar, Word, Exact),
        entry("نيك", Ar, Word, Exact),
        entry("طيز", Ar, Word, Full),
        entry("كس امك", Ar, Word, Full),
        entry("كلب", Ar, Frame, Proclitics),
        entry("حمار", Ar, Frame, Proclitics),
        entry("fuck", En, Substring, Exact),
        entry("shit", En, Word, Exact),
        entry("ass", En, Word, Exact),
        entry("cock", En, Word, Exact),
        entry("dick", En, Word, Exact),
        entry("cum", En, Word, Exact),
        entry("piss", En, Word, Exact),
        entry("cunt", En, Prefix, Exact),
        entry("bitch", En, Prefix, Exact),
        entry("sharmouta", Arabizi, Word, Exact),
        entry("kos omak", Arabizi, Word, Exact),
    ];
    let allow = [
        "Scunthorpe",
        "assassin",
        "classic",
        "Assad",
        "Hitchcock",
        "Cummings",
        "مصر",
        "خولة",
        "tizi ouzou",
        "اير فرانس",
    ];
    Lexicon {
        entries,
        allow: allow.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn matcher() -> &'static Matcher {
    static MATCHER: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(&fixture()))
}

fn hits(text: &str) -> Vec<Hit> {
    matcher().find(text)
}

/// The text a hit covers, as written.
fn covered(text: &str, hit: &Hit) -> String {
    text.chars()
        .skip(hit.span[0])
        .take(hit.span[1] - hit.span[0])
        .collect()
}

#[track_caller]
fn assert_flags(text: &str, term: &str) {
    let found = hits(text);
    assert!(
        found.iter().any(|h| h.term == term),
        "{text:?} should match {term:?}, got {found:?}"
    );
}

#[track_caller]
fn assert_passes(text: &str) {
    let found = hits(text);
    assert!(found.is_empty(), "{text:?} should pass, got {found:?}");
}

#[track_caller]
fn assert_norm(input: &str, expected: &str) {
    assert_eq!(normalize(input).text, expected, "normalize({input:?})");
}

#[test]
fn hits_name_their_reading() {
    let view = |text: &str| hits(text).first().map(|h| h.view);
    assert_eq!(view("شرموطة"), Some(View::Arabic));
    assert_eq!(view("shit"), Some(View::Latin));
    assert_eq!(view("sh1t"), Some(View::Leet));
    assert_eq!(view("ya 7mar"), Some(View::Arabizi));
}

#[test]
fn the_matcher_can_be_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Matcher>();
}
