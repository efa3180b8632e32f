//! The shipped word lists load and behave.

use majlis::filter::lexicon::{Lang, Lexicon};
use majlis::filter::matcher::Matcher;

fn builtin() -> &'static Matcher {
    static MATCHER: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(&Lexicon::builtin().expect("the shipped lexicons parse")))
}

fn assert_found(texts: &[&str]) {
    for text in texts {
        assert!(!builtin().find(text).is_empty(), "{text:?} should be found");
    }
}

fn assert_passes(texts: &[&str]) {
    for text in texts {
        let hits = builtin().find(text);
        assert!(hits.is_empty(), "{text:?} should pass, got {hits:?}");
    }
}

#[test]
fn the_shipped_lists_load() {
    let lexicon = Lexicon::builtin().expect("the shipped lexicons parse");
    assert!(lexicon.entries.iter().any(|e| e.lang == Lang::Ar));
    assert!(lexicon.entries.iter().any(|e| e.lang == Lang::En));
}

#[test]
fn the_shipped_lists_flag_the_obvious() {
    for text in ["يا شرموطة", "يا كلب", "what the fuck", "you are a bitch", "كسمك"] {
        assert!(!builtin().find(text).is_empty(), "{text:?} should be flagged");
    }
}

#[test]
fn the_shipped_lists_pass_the_scunthorpe_words() {
    assert_passes(&[
        "تحيا مصر",
        "الحزب",
        "ايران",
        "الجزائر",
        "دخول",
        "بالعكس",
        "المكسيك",
        "زبون",
        "خولة",
        "عندي كلب",
        "Scunthorpe",
        "assassin",
        "classic",
        "Assad",
        "Hitchcock",
        "Cummings",
        "analysis",
        "cocktail",
    ]);
}

#[test]
fn run_time_entries_extend_the_shipped_lists() {
    let lexicon = Lexicon::builtin().expect("the shipped lexicons parse");
    let extra = Lexicon::parse_toml(
        "lang = \"en\"\n[[entry]]\nterm = \"grault\"\nseverity = \"mild\"\naction = \"mask\"\nmode = \"word\"\n",
    )
    .expect("a valid file");
    let matcher = Matcher::new(&lexicon.with_extra(&extra.entries, &["Assad".to_owned()]));
    assert_eq!(matcher.find("grault").len(), 1);
}

/// Mild judgements (stupid, trivial, despicable) describe acts and statements as often as
/// people: alone they pass, aimed at someone they are found.
#[test]
fn the_shipped_lists_find_mild_insults_only_when_aimed_at_someone() {
    assert_passes(&[
        "قرار غبي من الحكومة",
        "تصريحات تافهة لا تستحق الرد",
        "عمل ارهابي حقير",
        "سياسة منحطة",
        "a stupid decision",
        "the idiotic policy of the council",
        "this moron of a minister",
    ]);
    assert_found(&[
        "يا غبي",
        "انت غبي",
        "وانت تافه",
        "انتم اغبياء",
        "انتي حقيرة",
        "ياحقير",
        "you idiot",
        "you are an idiot",
        "you moron",
        "you are stupid",
    ]);
}

/// Dialect insults added later: ordinary words count only in a frame, words with no innocent
/// reading alone; the innocent look-alikes still pass.
#[test]
fn the_shipped_lists_find_the_added_dialect_insults() {
    assert_found(&[
        "يا جهلة",
        "يا احمق",
        "انت شمكار",
        "الرئيس الطرطور",
        "شوية زعاطيط",
        "يا جربوع",
    ]);
    assert_passes(&[
        "قرار احمق",
        "جاهل بالقانون",
        "مصر",
        "حزب",
        "ايران",
        "الجزائر",
        "دخول",
        "بالعكس",
        "المكسيك",
    ]);
}

/// Animal and name-calling words aimed by a pronoun or a vocative (انتم خونة، ايها الكلب),
/// curses aimed at the reader, and news-comment name-calling; the same words about a third
/// party, or in a prayer, pass.
#[test]
fn the_shipped_lists_find_aimed_name_calling_and_curses() {
    assert_found(&[
        "انتم خونة",
        "انت حمار",
        "انته وقح",
        "ايها الخونة",
        "ولد الكلب",
        "قبح الله قناتكم",
        "الله ياخذكم",
        "تبا لكم",
        "حسبي الله عليك",
        "قناة الخنزيرة",
        "يا مطبلين",
        "اذناب ايران",
    ]);
    assert_passes(&[
        "حسبي الله ونعم الوكيل",
        "الساكت عن الحق شيطان اخرس",
        "عزيزي العميل",
        "انت تعرف الحقيقة",
        "ذيول الازمة",
        "الخونة سيحاكمون",
        "انفلونزا الخنازير",
        "الطريق ياخذك الى البحر",
    ]);
}
