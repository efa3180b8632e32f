//! One test per normalization rule (ARABIC.md §1, SPEC §4).

use majlis::filter::normalize::normalize;

use super::assert_norm;

#[test]
fn tatweel_and_small_letters_are_deleted() {
    assert_norm("شرمـــوطة", "شرموطه");
    assert_norm("قـحـبـة", "قحبه");
    assert_norm("ك\u{06E5}ل\u{06E6}ب\u{06DD}", "كلب");
}

#[test]
fn harakat_shadda_and_quranic_marks_are_stripped() {
    assert_norm("شَرْمُوطَةٌ", "شرموطه");
    assert_norm("كُسّ أُمّك", "كس امك");
    assert_norm("ك\u{0670}ل\u{06D6}ب\u{08F0}", "كلب");
    assert_norm("f\u{0338}u\u{0336}c\u{0301}k\u{0489}", "fuck");
}

#[test]
fn alef_variants_fold_to_bare_alef() {
    assert_norm("آأإٱٲٳٵ", "ااااااا");
}

#[test]
fn yeh_teh_marbuta_and_hamza_seats_fold() {
    assert_norm("على", "علي");
    assert_norm("قحبة", "قحبه");
    assert_norm("مؤمن", "مومن");
    assert_norm("سائل", "سايل");
}

#[test]
fn persian_urdu_and_maghrebi_lookalikes_fold() {
    assert_norm("کس", "كس");
    assert_norm("خنزیر", "خنزير");
    assert_norm("عاھرة", "عاهره");
    assert_norm("شرموطہ", "شرموطه");
    assert_norm("ەۃ", "هه");
    assert_norm("گپچڤں", "كبجفن");
    assert_norm("ېۑے", "ييي");
}

#[test]
fn dotless_letters_fold() {
    assert_norm("كلٮ", "كلب");
    assert_norm("ٯحبة", "قحبه");
    assert_norm("ڡڢڥ", "ففف");
    assert_norm("ڧڨ", "قق");
}

#[test]
fn invisible_and_bidi_controls_are_deleted_not_spaced() {
    for c in [
        '\u{200C}', '\u{200D}', '\u{200B}', '\u{200E}', '\u{200F}', '\u{00AD}', '\u{2060}', '\u{FEFF}',
        '\u{061C}',
    ] {
        assert_norm(&format!("ش{c}ر{c}م"), "شرم");
    }
    assert_norm("خ\u{2066}و\u{2069}ل", "خول");
    assert_norm("f\u{202A}u\u{202C}ck", "fuck");
}

#[test]
fn presentation_forms_fold_and_the_isolated_haraka_trap_is_deleted() {
    assert_norm("ﺷﺮﻣﻮﻃﺔ", "شرموطه");
    assert_norm("ﻛﺲ ﺍﻣﻚ", "كس امك");
    assert_norm("ﻻ", "لا");
    // NFKC would turn U+FE76 into SPACE + fatha and split the word.
    assert_norm("ش\u{FE76}رموطة", "شرموطه");
    assert_norm("ش\u{FE77}ر", "شر");
}

#[test]
fn arabic_indic_digits_become_ascii_outside_arabic_words() {
    assert_norm("٢٠١٩", "2019");
    assert_norm("۱۲۳", "123");
    assert_norm("في ٢٠١٩م", "في 2019م");
}

#[test]
fn digit_lookalikes_inside_arabic_words_become_letters() {
    assert_norm("حم١ر", "حمار");
    assert_norm("شرموط٥", "شرموطه");
}

#[test]
fn arabizi_digits_inside_arabic_words_become_letters() {
    assert_norm("3رص", "عرص");
    assert_norm("يا 7مار", "يا حمار");
    assert_norm("5ول", "خول");
    assert_norm("شرمو6ة", "شرموطه");
    assert_norm("3'بي", "غبي");
    assert_norm("9حن", "صحن");
    // A number next to a letter stays a number.
    assert_norm("2019م", "2019م");
}

#[test]
fn latin_is_lowercased_and_fullwidth_folds() {
    assert_norm("ＦＵＣＫ Shit", "fuck shit");
    assert_norm("𝐟𝐮𝐜𝐤 ⓕⓤⓒⓚ ᶠᵘᶜᵏ", "fuck fuck fuck");
}

#[test]
fn cyrillic_and_greek_lookalikes_fold_in_latin_words_only() {
    assert_norm("fuсk", "fuck");
    assert_norm("ѕһіt", "shit");
    assert_norm("fυck", "fuck");
    assert_norm("Vаgіnа", "vagina");
    // A Russian word is not a Latin word in disguise.
    assert_norm("привет", "привет");
}

#[test]
fn enclosed_letters_fold() {
    assert_norm("🅵🆄🅲🅺 🄵🅄🄲🄺 🅕🅤🅒🅚", "fuck fuck fuck");
}

#[test]
fn spacing_diacritics_do_not_split_words() {
    assert_norm("sh´it", "shit");
    assert_norm("sh¨it", "shit");
}

#[test]
fn spans_cover_the_original_characters() {
    let n = normalize("كَلْبٌ!");
    assert_eq!(n.text, "كلب!");
    // The mark after each letter belongs to that letter.
    assert_eq!(n.spans, vec![[0, 2], [2, 4], [4, 6], [6, 7]]);
    let n = normalize("\u{200B}ﻻ");
    assert_eq!(n.text, "لا");
    assert_eq!(n.spans, vec![[0, 2], [1, 2]]);
}

#[test]
fn normalization_is_idempotent_on_examples() {
    for text in [
        "شَرْمُوطَة ٢٠١٩ 3رص İstanbul ǅ ﷺ ﷽ ẞ ﬁ ㎏ Ⅻ ᄀ\u{1161}",
        "fuсk 🅵🆄🅲🅺 ＳＨＩＴ 3'بي",
        // Yogh folds to 3, and then the 3 joins the apostrophe and the next word: "a3'n".
        "aȜ'Ƞ",
    ] {
        let once = normalize(text).text;
        assert_eq!(normalize(&once).text, once, "{text:?}");
    }
}
