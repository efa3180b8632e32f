//! Properties over arbitrary text: no panics, idempotence, spans inside the original.

use majlis::filter::normalize::normalize;
use proptest::prelude::*;

use super::matcher;

/// Characters that exercise every branch: Arabic letters and marks, presentation forms,
/// invisibles and bidi controls, digits of three systems, Latin, Cyrillic, Greek, leet
/// symbols, emoji, combining marks, compatibility characters and separators.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::char::range('\u{0600}', '\u{06FF}'),
        proptest::char::range('\u{FB50}', '\u{FDFF}'),
        proptest::char::range('\u{FE70}', '\u{FEFF}'),
        proptest::char::range('\u{2000}', '\u{206F}'),
        proptest::char::range('\u{0300}', '\u{036F}'),
        proptest::char::range('\u{0400}', '\u{04FF}'),
        proptest::char::range('\u{0370}', '\u{03FF}'),
        proptest::char::range('\u{1F100}', '\u{1F1FF}'),
        proptest::char::range('\u{1F300}', '\u{1F64F}'),
        proptest::char::range('\u{FF00}', '\u{FFEF}'),
        proptest::char::range('\u{00A0}', '\u{024F}'),
        proptest::char::range('\u{1100}', '\u{11FF}'),
        proptest::char::range('\u{AC00}', '\u{AC40}'),
        proptest::sample::select(vec![
            ' ', '.', '-', '_', '*', '@', '$', '!', '|', '\'', '\n', '0', '2', '3', '7', '8', '9'
        ]),
        proptest::char::range('a', 'z'),
        any::<char>(),
    ]
}

fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(tricky_char(), 0..40).prop_map(|v| v.into_iter().collect()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn normalize_is_idempotent_with_spans_inside_and_monotonic(text in tricky_text()) {
        let n = normalize(&text);
        let len = text.chars().count();
        prop_assert_eq!(n.spans.len(), n.text.chars().count());
        let mut last = [0, 0];
        for span in &n.spans {
            prop_assert!(span[0] < span[1] && span[1] <= len, "{:?} outside {}", span, len);
            prop_assert!(span[0] >= last[0] && span[1] >= last[1], "{:?} after {:?}", span, last);
            last = *span;
        }
        let again = normalize(&n.text);
        prop_assert_eq!(&again.text, &n.text);
    }

    #[test]
    fn find_never_panics_and_spans_lie_inside(text in tricky_text()) {
        let len = text.chars().count();
        for hit in matcher().find(&text) {
            prop_assert!(hit.span[0] < hit.span[1] && hit.span[1] <= len, "{:?} outside {}", hit, len);
        }
    }

    #[test]
    fn find_on_arabic_and_latin_words_never_panics(
        words in proptest::collection::vec(
            proptest::sample::select(vec!["يا", "كلب", "ش", "ر", "م", "kos", "omak", "ya", "7mar", "f*ck", "a$$", "ـ", "\u{202E}", "٨", "ة", "3'", "ب"]),
            0..12,
        ),
        seps in proptest::collection::vec(proptest::sample::select(vec![" ", "", ".", "🌹", "\u{200C}"]), 12),
    ) {
        let text: String = words.iter().zip(&seps).map(|(w, s)| format!("{w}{s}")).collect();
        let len = text.chars().count();
        for hit in matcher().find(&text) {
            prop_assert!(hit.span[0] < hit.span[1] && hit.span[1] <= len);
        }
    }
}
