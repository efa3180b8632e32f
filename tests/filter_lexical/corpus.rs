//! The hostile-input corpus (`corpus.txt`) and mutations of it, through the shipped word lists
//! and the whole pipeline: no panic, every span inside the original text, normalization
//! idempotent, masks the same length as the text. Each `cargo test` is a short fuzzing run
//! seeded by the corpus; add a line to the corpus for every input that ever broke something.

use std::sync::OnceLock;

use majlis::filter::lexicon::Lexicon;
use majlis::filter::matcher::Matcher;
use majlis::filter::normalize::normalize;
use majlis::filter_cli::Offline;
use proptest::prelude::*;

const CORPUS: &str = include_str!("corpus.txt");

fn corpus() -> Vec<&'static str> {
    CORPUS.lines().filter(|l| !l.starts_with('#')).collect()
}

fn shipped() -> &'static (Matcher, Offline) {
    static SHIPPED: OnceLock<(Matcher, Offline)> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        (
            Matcher::new(&Lexicon::builtin().expect("shipped lists")),
            Offline::load().expect("shipped lists and models"),
        )
    })
}

/// Every property, on one text; the error names what broke.
fn check(text: &str) -> Result<(), String> {
    let len = text.chars().count();
    let n = normalize(text);
    if n.spans.len() != n.text.chars().count() {
        return Err(format!(
            "{} spans for {} characters",
            n.spans.len(),
            n.text.chars().count()
        ));
    }
    if let Some(span) = n.spans.iter().find(|s| !(s[0] < s[1] && s[1] <= len)) {
        return Err(format!("normalized span {span:?} outside {len}"));
    }
    if normalize(&n.text).text != n.text {
        return Err("normalization is not idempotent".into());
    }
    let (matcher, offline) = shipped();
    if let Some(hit) = matcher
        .find(text)
        .iter()
        .find(|h| !(h.span[0] < h.span[1] && h.span[1] <= len))
    {
        return Err(format!("hit {hit:?} outside {len}"));
    }
    let verdict = offline.judge(text);
    for reason in &verdict.reasons {
        if let Some([start, end]) = reason.span
            && !(start < end && end <= len)
        {
            return Err(format!(
                "reason {} span [{start}, {end}) outside {len}",
                reason.code
            ));
        }
    }
    if let Some(masked) = &verdict.masked_body
        && masked.chars().count() != len
    {
        return Err(format!(
            "masked body of {} characters for {len}",
            masked.chars().count()
        ));
    }
    Ok(())
}

#[test]
fn every_corpus_line_holds_the_properties() {
    let lines = corpus();
    assert!(lines.len() >= 50, "the corpus lost lines: {}", lines.len());
    for line in lines {
        if let Err(e) = check(line) {
            panic!("{line:?}: {e}");
        }
    }
}

/// What a mutation inserts: invisibles, bidi controls, marks, tatweel, separators, digits of
/// three systems, leet symbols, lookalikes and arbitrary characters.
fn insertion() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::sample::select(vec![
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{202E}', '\u{2066}', '\u{00AD}', '\u{FEFF}',
            '\u{064E}', '\u{0651}', '\u{0670}', '\u{0640}', ' ', '.', '-', '_', '*', '0', '3', '7', '٣', '۷',
            '@', '$', '!', '\u{0430}', '\u{03BF}', 'Ａ', '\u{0301}', 'ا', 'ل', 'ي',
        ]),
        any::<char>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn corpus_mutations_hold_the_properties(
        line in proptest::sample::select(corpus()),
        inserts in proptest::collection::vec((any::<prop::sample::Index>(), insertion()), 0..8),
        repeat in 1usize..4,
    ) {
        let mut chars: Vec<char> = line.repeat(repeat).chars().collect();
        for (at, c) in inserts {
            let i = at.index(chars.len() + 1);
            chars.insert(i, c);
        }
        let text: String = chars.into_iter().collect();
        prop_assert!(check(&text).is_ok(), "{:?}: {}", text, check(&text).err().unwrap_or_default());
    }
}
