//! A necessary condition for any hit in a normalized text without Latin letters, read from
//! its characters before the tokenizer, so that most Arabic comments (nothing to find in
//! them) skip the tokenizer and the Arabic reading.
//!
//! Without a Latin letter there is no Latin, leet or Arabizi reading: only the Arabic one,
//! made of words (runs of letters and digits), each glued across the junk inside its chunk (a
//! run of non-space characters), single letters joined across spaces and to the words on
//! either side, phrases of words that follow each other, and their squeezed forms. The pass
//! writes the text's Arabic letters with one space where a chunk ends, none inside a chunk
//! and none before or after a one-character piece, so every word of the reading is a
//! substring of what it writes, and a phrase is its words with a space or none between them
//! (the keys come in every spacing). The squeeze of a substring is a substring of the squeeze
//! of the whole, so a text whose squeezed letters hold no squeezed key has no hit. The one
//! reading that changes letters (8 → غ and 9 → ق where the original wrote those digits)
//! sends any text with an 8 or a 9 on.
//!
//! Short keys of whole-word entries (`exact`: تف, كس, زق …) meet the inside of ordinary
//! words (الهاتف, عكس); they were most of the texts sent on for nothing. A unit of the reading
//! is a run of pieces (runs of word characters, whatever lies between them), so the pass
//! also writes each piece's letters followed by a mark, and such a key is looked for
//! between marks: as one piece or glued from several.
//!
//! Letters are bytes, for an automaton over bytes: U+0620–065F are 0x80 + their offset
//! (every letter normalization leaves of the basic block), any other Arabic letter the one
//! byte [`OTHER_LETTER`], which can only make a text match more. Digits and other word
//! characters are part of a piece but write nothing in the spaced text; in the text of
//! pieces, a piece that holds one is written as one byte no key holds ([`OTHER_PIECE`]).

use aho_corasick::AhoCorasick;

use super::prefilter::{automaton, spacings, squeezed};
use crate::filter::normalize::is_arabic_letter_by_ranges;
use crate::filter::tokens::{class, class_of, has_eight_or_nine};

/// The byte of every Arabic letter outside U+0620–065F.
const OTHER_LETTER: u8 = 0xC0;

/// What [`byte_of`] says of characters that are not Arabic letters.
mod kind {
    /// Neither a word character nor a space.
    pub const JUNK: u8 = 0;
    /// An ASCII letter (what sends a text on).
    pub const LATIN: u8 = 1;
    pub const SPACE: u8 = 2;
    /// A word character that writes nothing: a digit, a letter of another script.
    pub const WORD: u8 = 3;
}

/// The byte of an Arabic letter `c`.
#[inline]
const fn arabic_letter_byte(c: char) -> u8 {
    match (c as u32).wrapping_sub(0x0620) {
        k @ 0..0x40 => 0x80 + k as u8,
        _ => OTHER_LETTER,
    }
}

/// The byte that stands for `c`, 0 if it is not an Arabic letter.
const fn letter_byte(c: char) -> u8 {
    if is_arabic_letter_by_ranges(c) {
        arabic_letter_byte(c)
    } else {
        0
    }
}

/// The letter byte of `c`, or its kind: from the tokenizer's class table, so the pass cuts
/// pieces and chunks where the tokenizer does.
#[inline]
fn byte_of(c: char) -> u8 {
    let k = class_of(c);
    if k & class::ARABIC != 0 {
        arabic_letter_byte(c)
    } else if k & class::LATIN != 0 {
        kind::LATIN
    } else if k & class::WORD != 0 {
        kind::WORD
    } else if k & class::SPACE != 0 {
        kind::SPACE
    } else {
        kind::JUNK
    }
}

/// Writes the end of a piece in the text of pieces.
const MARK: u8 = b'|';

/// Stands for a piece with a digit or a letter of another script, which no whole-word key is.
const OTHER_PIECE: u8 = b'#';

/// Whole-word keys longer than this are looked for as the other keys are (each is written in
/// 2^(n-1) + 2^(n-2) ways between piece ends).
const MAX_WHOLE_WORD_LETTERS: usize = 5;

#[derive(Debug)]
pub(super) struct ArabicPrefilter {
    /// The squeezed keys in every spacing, then the whole-word keys as pieces write them.
    /// `None` sends every text to the matcher: a key without an Arabic letter would match
    /// anywhere (or an automaton could not be built).
    automata: Option<(AhoCorasick, AhoCorasick)>,
}

/// The ways the text of pieces can hold a squeezed whole-word key `k` (two letters or more):
/// a piece end before it, after it, and at any gap inside it (a word glued across junk or
/// joined from single letters is several pieces); or, when the piece before it ended with
/// its first letter (which a piece does not write again), a piece end right after that one.
fn whole_word_forms(k: &[u8], out: &mut Vec<Vec<u8>>) {
    for gaps in 0..1usize << (k.len() - 1) {
        let mut form = vec![MARK, k[0]];
        for (i, &c) in k[1..].iter().enumerate() {
            if gaps >> i & 1 == 1 {
                form.push(MARK);
            }
            form.push(c);
        }
        form.push(MARK);
        if gaps & 1 == 1 {
            out.push(form[1..].to_vec());
        }
        out.push(form);
    }
}

impl ArabicPrefilter {
    /// `keys` are the Arabic automaton's keys (words as written, squeezed, ة read as ت), each
    /// with whether every pattern behind it matches whole words only.
    pub(super) fn new<'a>(keys: impl Iterator<Item = (&'a str, bool)>) -> ArabicPrefilter {
        let (mut all, mut whole, mut spaced) = (Vec::new(), Vec::new(), Vec::new());
        for (key, whole_word) in keys {
            let words: Vec<Vec<u8>> = key
                .split(' ')
                .map(|w| {
                    w.chars()
                        .map(letter_byte)
                        .filter(|&b| b != 0)
                        .collect::<Vec<u8>>()
                })
                .filter(|w| !w.is_empty())
                .collect();
            match &words[..] {
                [] => return ArabicPrefilter { automata: None },
                [word] if whole_word && (2..=MAX_WHOLE_WORD_LETTERS).contains(&squeezed(word).len()) => {
                    whole_word_forms(&squeezed(word), &mut whole);
                }
                _ => {
                    spaced.clear();
                    spacings(&words, &mut spaced);
                    all.extend(spaced.iter().map(|k| squeezed(k)));
                }
            }
        }
        ArabicPrefilter {
            automata: automaton(all).zip(automaton(whole)),
        }
    }

    /// False only when the matcher provably finds nothing in `original`, normalized to
    /// `chars`.
    pub(super) fn may_match(&self, original: &str, chars: &[char], buffers: &mut Letters) -> bool {
        let Some((any_where, whole_word)) = &self.automata else {
            return true;
        };
        let Letters { spaced, pieces } = buffers;
        spaced.clear();
        spaced.reserve(chars.len());
        pieces.clear();
        pieces.reserve(chars.len() + 1);
        pieces.push(MARK);
        // Whitespace since the last piece (a run of word characters), and whether that piece
        // was one character: no space after it.
        let (mut chunk_ended, mut last_single) = (false, false);
        // The last letter written to `pieces`, which a piece that starts with it does not
        // write again: squeezed across piece ends, as a word glued from pieces is.
        let mut last_letter = OTHER_PIECE;
        let mut k = 0;
        while k < chars.len() {
            match byte_of(chars[k]) {
                kind::LATIN => return true,
                kind::SPACE => chunk_ended = true,
                kind::JUNK => {}
                _ => {
                    let space_at = (chunk_ended && !last_single && !spaced.is_empty()).then(|| {
                        spaced.push(b' ');
                        spaced.len() - 1
                    });
                    let (start, piece_start) = (k, pieces.len());
                    let mut other = false;
                    while let Some(&c) = chars.get(k) {
                        match byte_of(c) {
                            b @ 0x80.. => {
                                spaced.push(b);
                                if b != last_letter {
                                    pieces.push(b);
                                    last_letter = b;
                                }
                            }
                            kind::WORD => other = true,
                            kind::LATIN => return true,
                            _ => break,
                        }
                        k += 1;
                    }
                    if other {
                        pieces.truncate(piece_start);
                        pieces.push(OTHER_PIECE);
                        last_letter = OTHER_PIECE;
                    }
                    if pieces.last() != Some(&MARK) {
                        pieces.push(MARK);
                    }
                    last_single = k - start == 1;
                    if let Some(at) = space_at
                        && last_single
                    {
                        spaced.remove(at);
                    }
                    chunk_ended = false;
                    continue;
                }
            }
            k += 1;
        }
        spaced.dedup();
        any_where.is_match(spaced.as_slice())
            || whole_word.is_match(pieces.as_slice())
            || has_eight_or_nine(original)
    }
}

/// The prefilter's two copies of a text (the matcher keeps one per thread): its Arabic letters
/// spaced where chunks end, and its pieces, each ended by a mark.
#[derive(Debug, Default)]
pub(super) struct Letters {
    spaced: Vec<u8>,
    pieces: Vec<u8>,
}

impl Letters {
    pub(super) fn capacity(&self) -> usize {
        self.spaced.capacity() + self.pieces.capacity()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::super::test_support::{MATCHER, compose, prefilter_and_hits};
    use super::*;
    use crate::filter::lexicon::{Lang, Lexicon};
    use crate::filter::normalize::{is_arabic_letter, is_word_char, normalize_chars};

    fn prefilter(keys: &[&str]) -> ArabicPrefilter {
        ArabicPrefilter::new(keys.iter().map(|&k| (k, false)))
    }

    fn may_match(p: &ArabicPrefilter, text: &str) -> bool {
        let (chars, _) = normalize_chars(text);
        p.may_match(text, &chars, &mut Letters::default())
    }

    #[test]
    fn letters_are_read_across_spaces_junk_and_repeats() {
        let p = prefilter(&["كلب", "ابن كلب"]);
        for text in ["يا كلب", "ك ل ب", "ك💩لب", "كلللب", "ابن  كلب", "ڪلب", "ياكلبة"]
        {
            assert!(may_match(&p, text), "{text}");
        }
        for text in ["", "مرحبا بكم", "كتاب", "١٢٣", "😂 😂", "مصر"] {
            assert!(!may_match(&p, text), "{text}");
        }
    }

    #[test]
    fn latin_letters_and_the_digits_8_and_9_send_a_text_on() {
        let p = prefilter(&["كلب"]);
        for text in ["مرحبا kalb", "مرحبا يا 9لب", "عام 1998", "مرحبا ٨"] {
            assert!(may_match(&p, text), "{text}");
        }
        assert!(!may_match(&p, "عام 2024"));
    }

    #[test]
    fn whole_word_keys_are_looked_for_between_piece_ends() {
        let p = ArabicPrefilter::new([("تف", true), ("كلب", false)].into_iter());
        for text in ["تف عليك", "ت ف", "ت.ف", "تفففف", "كت تف", "قال: تف!", "كت.تف"]
        {
            assert!(may_match(&p, text), "{text}");
        }
        for text in ["تفكير", "الهاتف", "والتف حوله", "مستفيد", "ت ف٣"] {
            assert!(!may_match(&p, text), "{text}");
        }
        let mut forms = Vec::new();
        whole_word_forms(&[0x81, 0x82], &mut forms);
        forms.sort();
        let expected: [&[u8]; 3] = [
            &[MARK, 0x81, MARK, 0x82, MARK],
            &[MARK, 0x81, 0x82, MARK],
            &[0x81, MARK, 0x82, MARK],
        ];
        assert_eq!(forms, expected);
    }

    #[test]
    fn a_key_without_an_arabic_letter_sends_every_text_on() {
        let p = prefilter(&["كلب", "x"]);
        assert!(may_match(&p, "مرحبا"));
    }

    #[test]
    fn letters_outside_the_basic_block_share_one_byte() {
        assert_eq!(letter_byte('ا'), 0x80 + 0x07);
        assert_eq!(letter_byte('ي'), 0x80 + 0x2A);
        assert_eq!(letter_byte('\u{0621}'), 0x81);
        assert_eq!(letter_byte('\u{0640}'), 0);
        assert_eq!(letter_byte('\u{064B}'), 0);
        assert_eq!(letter_byte('ٹ'), OTHER_LETTER);
        assert_eq!(letter_byte('a'), 0);
    }

    #[test]
    fn the_table_agrees_with_its_definition() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let expected = if c.is_ascii_alphabetic() {
                kind::LATIN
            } else if is_arabic_letter(c) {
                letter_byte(c)
            } else if c.is_whitespace() {
                kind::SPACE
            } else if is_word_char(c) {
                kind::WORD
            } else {
                kind::JUNK
            };
            assert_eq!(byte_of(c), expected, "{c:?}");
            assert_eq!(letter_byte(c) != 0, is_arabic_letter(c), "{c:?}");
        }
    }

    /// What the prefilter says of `text`, and the full matcher's hits (no prefilter).
    fn both(text: &str) -> (bool, usize) {
        prefilter_and_hits(text, |chars, _| {
            MATCHER
                .arabic_prefilter
                .may_match(text, chars, &mut Letters::default())
        })
    }

    #[test]
    fn clean_arabic_skips_the_matcher() {
        for text in [
            "شكرا على المقال، تحيا مصر",
            "الجزائر بلد جميل",
            "نتمنى التوفيق للفريق في المباراة القادمة عام 2024",
        ] {
            assert_eq!(both(text), (false, 0), "{text:?}");
        }
    }

    /// Words of the shipped Arabic list, and the words and junk around them in comments.
    fn pools() -> [Vec<String>; 2] {
        let lexicon = Lexicon::builtin().expect("the shipped word lists");
        let entries = lexicon
            .entries
            .iter()
            .filter(|e| e.lang == Lang::Ar)
            .map(|e| e.term.clone())
            .collect();
        let around = [
            "يا", "ابن", "و", "ال", "بال", "لل", "ك", "ها", "ة", "ت", "الله", "مصر", "ب", "ش", " ", " ", " ",
            ".", "-", "ـ", "ـــ", "!", "💩", "😂", "،", "\n", "3", "7", "8", "9", "2019", "٣", "١٢",
            "\u{200C}", "\u{064E}", "é",
        ];
        [entries, around.map(str::to_owned).to_vec()]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Wherever the full matcher finds an entry, the prefilter lets the text through.
        #[test]
        fn the_prefilter_never_hides_a_hit(
            picks in prop::collection::vec((any::<prop::sample::Index>(), 0u8..9, 0u8..3), 1..10)
        ) {
            static POOLS: LazyLock<[Vec<String>; 2]> = LazyLock::new(pools);
            let text = compose(&picks, &POOLS, |text, piece, shape| {
                // Each letter repeated, each followed by `gap`.
                let letters = |text: &mut String, gap: &str, repeat: usize| {
                    for c in piece.chars() {
                        text.extend(std::iter::repeat_n(c, repeat));
                        text.push_str(gap);
                    }
                };
                match shape {
                    0 => text.push_str(piece),
                    1 => letters(text, " ", 1),
                    2 => letters(text, "ـ", 1),
                    3 => letters(text, "", 3),
                    4 => letters(text, ".", 1),
                    5 => {
                        // Arabizi digits in Arabic script, 8 and 9 in their other reading.
                        let digits = [('ع', "3"), ('ح', "7"), ('غ', "8"), ('ق', "9"), ('ط', "6")];
                        text.push_str(&digits.iter().fold(piece.to_owned(), |t, (l, d)| t.replace(*l, d)));
                    }
                    // Each letter on both sides of junk: glued and squeezed, the word again.
                    6 => text.extend(piece.chars().flat_map(|c| [c, '.', c])),
                    // The second half spaced out: single letters joined to the word before.
                    7 => {
                        let half = piece.chars().count() / 2;
                        for (k, c) in piece.chars().enumerate() {
                            if k >= half {
                                text.push(' ');
                            }
                            text.push(c);
                        }
                    }
                    _ => {
                        text.push(' ');
                        text.push_str(piece);
                        text.push(' ');
                    }
                }
            });
            let (may, hits) = both(&text);
            prop_assert!(may || hits == 0, "{:?}: {} hits", text, hits);
        }
    }
}
