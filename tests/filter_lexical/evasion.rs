//! One test per evasion family (ARABIC.md §2), plus clitics, frames and offsets.

use super::{assert_flags, assert_passes, covered, hits};

#[test]
fn tatweel() {
    assert_flags("يا شرمـــوطة", "شرموطة");
    assert_flags("قـحـبـة", "قحبة");
}

#[test]
fn diacritics_and_zalgo() {
    assert_flags("شَرْمُوطَة", "شرموطة");
    assert_flags("كُسّ أُمّك", "كس امك");
    assert_flags("f̸̪u̷̖c̸͙k̶͚", "fuck");
}

#[test]
fn spaced_letters() {
    assert_flags("انت ش ر م و ط ة", "شرموطة");
    assert_flags("ك ـ س", "كس");
    assert_flags("يا ك ل ب", "كلب");
    assert_flags("F U U U C K", "fuck");
}

#[test]
fn dots_dashes_underscores_and_asterisks_between_letters() {
    assert_flags("ش.ر.م.و.ط.ة", "شرموطة");
    assert_flags("ق_ح_ب_ة", "قحبة");
    assert_flags("خ-و-ل", "خول");
    assert_flags("ع*ر*ص", "عرص");
    assert_flags("f.u.c.k", "fuck");
    assert_flags("s_h_i_t", "shit");
    assert_flags("f - u - c - k", "fuck");
}

#[test]
fn emoji_as_separator_or_insert() {
    assert_flags("ش🌹ر🌹م🌹و🌹ط🌹ة", "شرموطة");
    assert_flags("قح💩بة", "قحبة");
    assert_flags("f🔥u🔥c🔥k", "fuck");
}

#[test]
fn zero_width_and_bidi_controls() {
    assert_flags("ش\u{200C}ر\u{200C}م\u{200C}و\u{200C}ط\u{200C}ة", "شرموطة");
    assert_flags("ش\u{200B}ر\u{200B}م\u{200B}و\u{200B}ط\u{200B}ة", "شرموطة");
    assert_flags("خ\u{2066}و\u{2069}ل", "خول");
    assert_flags("f\u{200B}u\u{200B}c\u{200B}k", "fuck");
    assert_flags("sh\u{00AD}it", "shit");
}

#[test]
fn persian_and_urdu_lookalikes() {
    assert_flags("کس", "كس");
    assert_flags("شرموطہ", "شرموطة");
    assert_flags("یا کلب", "كلب");
}

#[test]
fn presentation_forms_and_the_fe76_trap() {
    assert_flags("ﺷﺮﻣﻮﻃﺔ", "شرموطة");
    assert_flags("ﻛﺲ ﺍﻣﻚ", "كس امك");
    assert_flags("ش\u{FE76}رموطة", "شرموطة");
}

#[test]
fn repeated_letters() {
    assert_flags("شرموووووطة", "شرموطة");
    assert_flags("كسسسس", "كس");
    assert_flags("يا حمااااار", "حمار");
    assert_flags("fuuuuuck", "fuck");
    assert_flags("shiiiiit", "shit");
}

#[test]
fn arabizi_digits_in_arabic_script() {
    assert_flags("3رص", "عرص");
    assert_flags("يا 7مار", "حمار");
    assert_flags("5ول", "خول");
    assert_flags("شرمو6ة", "شرموطة");
    assert_flags("٨حبة", "قحبة");
}

#[test]
fn arabizi_in_latin_letters() {
    assert_flags("ya sharmouta", "sharmouta");
    assert_flags("inti charmoota", "شرموطة");
    assert_flags("ya kalb", "كلب");
    assert_flags("ya 7mar", "حمار");
    assert_flags("kos omak", "kos omak");
    assert_flags("inta kuss ommak", "كس امك");
    assert_flags("ya 2a7ba", "قحبة");
    assert_flags("انت shrmw6a", "شرموطة");
    assert_flags("ya ibn el kalb", "كلب");
    assert_flags("ya7mar", "حمار");
}

#[test]
fn arabizi_is_not_read_into_english() {
    assert_passes("I want to kiss you, the keys are on the table");
    assert_passes("he is a major hiker and a hammer thrower");
    assert_passes("Dawoud and Latoya went to Kosovo, then Tizi Ouzou and Sharm el-Sheikh");
    assert_passes("kalb is a word");
}

#[test]
fn leetspeak_on_latin_words() {
    assert_flags("sh1t", "shit");
    assert_flags("$h17", "shit");
    assert_flags("a$$", "ass");
    assert_flags("b!tch", "bitch");
    assert_flags("fuck1ng", "fuck");
    assert_flags("@ss", "ass");
}

#[test]
fn leet_digits_do_not_touch_arabic() {
    // 3 is ع in Arabic script, never e.
    assert_passes("3ين");
}

#[test]
fn cyrillic_and_greek_homoglyphs() {
    assert_flags("fuсk", "fuck");
    assert_flags("ѕһіt", "shit");
    assert_flags("fυck", "fuck");
}

#[test]
fn fullwidth_and_enclosed_letters() {
    assert_flags("ＳＨＩＴ", "shit");
    assert_flags("🅵🆄🅲🅺", "fuck");
    assert_flags("ⓢⓗⓘⓣ", "shit");
}

#[test]
fn self_censoring() {
    assert_flags("f*ck", "fuck");
    assert_flags("sh*t", "shit");
    assert_flags("f**k", "fuck");
    assert_flags("p*****g", "piss");
    assert_passes("5 * 3 = 15");
}

#[test]
fn rlo_and_lro_reversal() {
    assert_flags("\u{202E}kcuf\u{202C}", "fuck");
    assert_flags("\u{202D}ةطومرش\u{202C}", "شرموطة");
}

#[test]
fn arabic_clitics_follow_each_entry_morph() {
    assert_flags("وشرموطة", "شرموطة");
    assert_flags("بالشرموطة", "شرموطة");
    assert_flags("طيزك", "طيز");
    assert_flags("قحبتك", "قحبة");
    assert_flags("وكس امك", "كس امك");
    // Exact entries take no clitics, proclitics entries no pronouns.
    assert_passes("والكس");
    assert_passes("شرموطتك");
}

#[test]
fn animal_words_count_only_in_an_insult_frame() {
    assert_passes("عندي كلب في البيت");
    assert_passes("ركب الحمار");
    assert_flags("يا كلب", "كلب");
    assert_flags("ياكلب", "كلب");
    assert_flags("يا ابن الكلب", "كلب");
    assert_flags("ولاد الكلب", "كلب");
}

#[test]
fn english_word_entries_take_common_suffixes() {
    assert_flags("shitting", "shit");
    assert_flags("shitty", "shit");
    assert_flags("pissed", "piss");
    assert_flags("youfuckingidiot", "fuck");
    assert_flags("cunts", "cunt");
}

#[test]
fn spans_cover_the_word_as_written() {
    let text = "قال يا شرمـــوطَةٌ!";
    let found = hits(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(covered(text, &found[0]), "شرمـــوطَةٌ");

    let text = "you f.u.c.k!";
    assert_eq!(covered(text, &hits(text)[0]), "f.u.c.k");

    let text = "ok ش\u{200C}ر\u{200C}م\u{200C}و\u{200C}ط\u{200C}ة ok";
    assert_eq!(
        covered(text, &hits(text)[0]),
        "ش\u{200C}ر\u{200C}م\u{200C}و\u{200C}ط\u{200C}ة"
    );

    // Invisible characters after a word belong to it (the pop of the override here).
    let text = "xx \u{202E}kcuf\u{202C} yy";
    assert_eq!(covered(text, &hits(text)[0]), "kcuf\u{202C}");

    let text = "وشرموطة";
    assert_eq!(hits(text)[0].span, [0, 7]);

    let text = "what the fuck";
    assert_eq!(covered(text, &hits(text)[0]), "fuck");
}
