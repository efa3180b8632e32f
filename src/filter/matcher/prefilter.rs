//! A necessary condition for any hit in an ASCII text, read in one pass over its bytes, so
//! that most English comments (nothing to find in them) skip the tokenizer and the four
//! readings.
//!
//! The Latin reading is made of the text's words: runs of letters, glued across the junk
//! inside a chunk (a run of non-space characters), and single letters joined across spaces.
//! The pass writes the text's letters with one space where a chunk ends, none inside a
//! chunk and none before a single letter, so every word of the Latin reading is a
//! substring of what it writes. A phrase is words that follow each other: written with a space or
//! without one. So the prefilter's keys are the Latin automaton's keys without their
//! non-word characters, each phrase in every spacing; the squeezed keys are read in the
//! squeezed text, and only when a letter repeats three times, as the tokenizer needs before
//! it squeezes a Latin word. The other readings:
//! - leet chunks (`a$$`, `@user`) are read apart, as the matcher reads them;
//! - a digit (leet and Arabizi digits), a `*` (the self-censoring wildcards) or an Arabizi
//!   function word (which opens the Arabizi gate) sends the text to the full matcher.
//!
//! Only texts of ASCII and plain symbols (’, “”, emoji: [`is_plain_symbol`], junk to the
//! tokenizer) are read here; texts without Latin letters have their own prefilter
//! (`arabic_prefilter.rs`), which reads the normalized characters rather than decoding the
//! original a second time.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::filter::arabizi::is_marker_bytes;
use crate::filter::leet::unleet;
use crate::filter::normalize::{SpanMap, is_ascii_space, is_plain_symbol, is_word_char};
use crate::filter::tokens::is_leet_symbol;

/// Phrases of more words than this are kept as their longest word, which every spacing of
/// them holds (every spacing of a shorter phrase is a key).
const MAX_SPACED_WORDS: usize = 6;

#[derive(Debug)]
pub(super) struct Prefilter {
    /// The keys of the patterns for words as written, and of those for squeezed words.
    /// `None` sends every text to the matcher: a key empty once stripped would match
    /// anywhere (or an automaton could not be built).
    automata: Option<(AhoCorasick, AhoCorasick)>,
}

/// A key's words, each without its non-word characters (empty words dropped).
fn key_words(key: &str) -> Vec<Vec<u8>> {
    key.split(' ')
        .map(|w| {
            w.chars()
                .filter(|&c| is_word_char(c))
                .collect::<String>()
                .into_bytes()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every spacing of `words` (not empty): each gap a space or nothing.
pub(super) fn spacings(words: &[Vec<u8>], out: &mut Vec<Vec<u8>>) {
    if words.len() > MAX_SPACED_WORDS {
        out.extend(words.iter().max_by_key(|w| w.len()).cloned());
        return;
    }
    for gaps in 0..1usize << (words.len() - 1) {
        let mut key = words[0].clone();
        for (k, w) in words[1..].iter().enumerate() {
            if gaps >> k & 1 == 1 {
                key.push(b' ');
            }
            key.extend_from_slice(w);
        }
        out.push(key);
    }
}

/// `key` with each run of a repeated byte collapsed (a squeezed ASCII or one-byte key).
pub(super) fn squeezed(key: &[u8]) -> Vec<u8> {
    let mut key = key.to_vec();
    key.dedup();
    key
}

/// One automaton over `keys`, which only says whether any occurs.
pub(super) fn automaton(mut keys: Vec<Vec<u8>>) -> Option<AhoCorasick> {
    keys.sort_unstable();
    keys.dedup();
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&keys)
        .ok()
}

impl Prefilter {
    /// `keys` are the Latin automaton's keys (the Arabic automaton's are Arabic script, which
    /// an ASCII text cannot hold), each with whether a pattern for words as written and one
    /// for squeezed words stand behind it.
    pub(super) fn new<'a>(keys: impl Iterator<Item = (&'a str, bool, bool)>) -> Prefilter {
        let (mut plain, mut squeezed_keys) = (Vec::new(), Vec::new());
        let mut spaced = Vec::new();
        for (key, as_written, as_squeezed) in keys {
            let words = key_words(key);
            if words.is_empty() {
                return Prefilter { automata: None };
            }
            spaced.clear();
            spacings(&words, &mut spaced);
            if as_written {
                plain.extend(spaced.iter().cloned());
            }
            if as_squeezed {
                // (A key that is not ASCII can never occur in the ASCII text read here.)
                squeezed_keys.extend(spaced.iter().map(|k| squeezed(k)));
            }
        }
        Prefilter {
            automata: automaton(plain).zip(automaton(squeezed_keys)),
        }
    }

    /// False only when the matcher provably finds nothing in `original`, normalized to
    /// `chars` with the span map `spans`.
    pub(super) fn may_match(
        &self,
        original: &str,
        chars: &[char],
        spans: SpanMap<'_>,
        buffers: &mut Stripped,
    ) -> bool {
        let Some((plain, squeezed)) = &self.automata else {
            return true;
        };
        let Stripped { ascii, text, leet } = buffers;
        let bytes = match spans {
            // Only lowered: the bytes of the original are the text.
            SpanMap::OneToOne => original.as_bytes(),
            SpanMap::Spans(_) => {
                ascii.clear();
                for &c in chars {
                    if c.is_ascii() {
                        ascii.push(c as u8);
                    } else if is_plain_symbol(c) {
                        // Junk to the tokenizer, as DEL is: neither a word character, a
                        // space nor a leet symbol.
                        ascii.push(0x7F);
                    } else {
                        return true;
                    }
                }
                ascii.as_slice()
            }
        };
        if bytes.iter().any(u8::is_ascii_digit) {
            return true;
        }
        let Some(scan) = scan(bytes, text, leet) else {
            return true;
        };
        if scan.marker || plain.is_match(text.as_slice()) || plain.is_match(leet.as_slice()) {
            return true;
        }
        if scan.longest_run >= 3 {
            // Squeezed in place: the text as written is read.
            text.dedup();
            return squeezed.is_match(text.as_slice());
        }
        false
    }
}

/// The prefilter's buffers (the matcher keeps one set per thread).
#[derive(Debug, Default)]
pub(super) struct Stripped {
    /// The normalized text as bytes, when it is not the original's.
    ascii: Vec<u8>,
    /// The text's letters, lowered, spaced where its chunks end.
    text: Vec<u8>,
    /// The leet readings of its leet chunks, one after another.
    leet: Vec<u8>,
}

impl Stripped {
    pub(super) fn capacity(&self) -> usize {
        self.ascii.capacity() + self.text.capacity() + self.leet.capacity()
    }
}

/// One pass over the bytes of an ASCII text without digits: its words into `text`, the
/// readings of its leet chunks into `leet`. `None` when it needs the full matcher whatever
/// its words are (a `*`).
fn scan(bytes: &[u8], text: &mut Vec<u8>, leet: &mut Vec<u8>) -> Option<Scan> {
    text.clear();
    leet.clear();
    let mut scan = Scan::default();
    // The current run of letters and leet symbols (a leet chunk's piece).
    let (mut run_start, mut run_symbol) = (0, false);
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphabetic() {
            scan.letter(b.to_ascii_lowercase(), text);
            continue;
        }
        scan.end_piece(text);
        if is_leet_symbol(char::from(b)) {
            if b == b'*' {
                return None;
            }
            run_symbol = true;
            continue;
        }
        scan.chunk_ended |= is_ascii_space(b);
        if run_symbol {
            push_leet_readings(&bytes[run_start..i], leet);
        }
        (run_start, run_symbol) = (i + 1, false);
    }
    if run_symbol {
        push_leet_readings(&bytes[run_start..], leet);
    }
    scan.end_piece(text);
    scan.end_singles();
    Some(scan)
}

/// The leet readings of a run of letters and leet symbols, as the tokenizer and
/// `for_each_leet_variant` read it: without its final `!`, `|` and `+`, and only if a
/// symbol is left. Each reading is set apart by a byte 1, which no key holds.
fn push_leet_readings(run: &[u8], out: &mut Vec<u8>) {
    let end = run.len()
        - run
            .iter()
            .rev()
            .take_while(|&&b| matches!(b, b'!' | b'|' | b'+'))
            .count();
    let run = &run[..end];
    if !run.iter().any(|&b| is_leet_symbol(char::from(b))) {
        return;
    }
    let ones: &[char] = if run.contains(&b'|') { &['i', 'l'] } else { &['i'] };
    for &one in ones {
        out.push(1);
        // (Every reading of an ASCII character is an ASCII letter.)
        out.extend(
            run.iter()
                .map(|&b| unleet(char::from(b), one).to_ascii_lowercase() as u8),
        );
    }
}

/// What the pass has seen so far.
#[derive(Default)]
struct Scan {
    /// A word that is an Arabizi function word.
    marker: bool,
    /// Whitespace since the last piece.
    chunk_ended: bool,
    /// The last byte written, how many times in a row, and the longest such run.
    last: u8,
    run: usize,
    longest_run: usize,
    /// The last byte and its run before the space written last.
    before_space: (u8, usize),
    /// The current piece (a run of letters): where it starts in the written text, whether
    /// a space was written before it, and its length.
    piece_start: usize,
    piece_spaced: bool,
    piece_len: usize,
    /// Single letters in a row, which the tokenizer joins into words.
    singles: [u8; 16],
    singles_len: usize,
}

impl Scan {
    /// Writes the (lowered) letter `b` to `out`.
    #[inline(always)]
    fn letter(&mut self, b: u8, out: &mut Vec<u8>) {
        if self.piece_len == 0 {
            self.piece_spaced = self.chunk_ended;
            if self.piece_spaced {
                // A space where a chunk ended; one before a single letter is taken back
                // when the letter's piece ends.
                out.push(b' ');
                self.before_space = (self.last, self.run);
                self.last = b' ';
            }
            self.chunk_ended = false;
            self.piece_start = out.len();
        }
        self.piece_len += 1;
        self.run = if self.last == b { self.run + 1 } else { 1 };
        self.longest_run = self.longest_run.max(self.run);
        self.last = b;
        out.push(b);
    }

    #[inline(always)]
    fn end_piece(&mut self, out: &mut Vec<u8>) {
        if self.piece_len != 0 {
            self.end_nonempty_piece(out);
        }
    }

    fn end_nonempty_piece(&mut self, out: &mut Vec<u8>) {
        if self.piece_len == 1 {
            if self.piece_spaced {
                // No space before a single letter: a row of them is one word.
                out.remove(self.piece_start - 1);
                self.piece_start -= 1;
                if self.before_space.0 == self.last {
                    self.run = self.before_space.1 + 1;
                    self.longest_run = self.longest_run.max(self.run);
                }
            }
            match self.singles.get_mut(self.singles_len) {
                Some(slot) => {
                    *slot = self.last;
                    self.singles_len += 1;
                }
                // Too long a row to look through: let the tokenizer join it.
                None => self.marker = true,
            }
        } else {
            self.end_singles();
            self.marker |= is_marker_bytes(&out[self.piece_start..]);
        }
        self.piece_len = 0;
    }

    /// Any word the tokenizer could join from a row of single letters may be a marker.
    #[inline(always)]
    fn end_singles(&mut self) {
        if self.singles_len >= 2 {
            self.check_singles();
        }
        self.singles_len = 0;
    }

    fn check_singles(&mut self) {
        let row = &self.singles[..self.singles_len];
        for start in 0..row.len() - 1 {
            for end in start + 2..=row.len() {
                self.marker |= is_marker_bytes(&row[start..end]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::super::test_support::{MATCHER, compose, prefilter_and_hits};
    use super::*;
    use crate::filter::lexicon::{Lang, Lexicon};

    /// What the prefilter says of `text`, and the full matcher's hits (no prefilter).
    fn both(text: &str) -> (bool, usize) {
        prefilter_and_hits(text, |chars, spans| {
            MATCHER
                .prefilter
                .may_match(text, chars, spans, &mut Stripped::default())
        })
    }

    #[test]
    fn every_reading_the_prefilter_cannot_see_goes_to_the_matcher() {
        for text in [
            // Single letters joined, a phrase across chunks and inside one, junk glued.
            "you are a f u c k i n g idiot",
            "shut up you bitch",
            "what a b.i.t.c.h",
            "fuck.you all",
            "you f-u-c-k",
            "F’ck’ing hell",
            // Leet symbols inside a word, a squeezed repeat.
            "what an a$$hole",
            "you @ss",
            "sh!t happens",
            "fuuuuuck this",
            // Sent on whatever the words: a digit, a `*`, an Arabizi word.
            "f4ggot",
            "what the f**k",
            "ya 7mar",
            "ya kalb",
        ] {
            let (may, hits) = both(text);
            assert!(hits > 0, "{text:?} should have a hit");
            assert!(may, "{text:?}");
        }
    }

    #[test]
    fn clean_english_skips_the_matcher() {
        for text in [
            "Thanks for the article, a good read.",
            "I think the minister is wrong about the budget!",
            "Great news… “finally” 👍",
            "We watched the debate on television last night.",
        ] {
            assert_eq!(both(text), (false, 0), "{text:?}");
        }
    }

    #[test]
    fn texts_with_other_scripts_are_not_prefiltered() {
        let (chars, spans) = (vec!['ك', 'ل', 'ب'], vec![[0, 1], [1, 2], [2, 3]]);
        assert!(
            MATCHER
                .prefilter
                .may_match("كلب", &chars, SpanMap::Spans(&spans), &mut Stripped::default())
        );
    }

    #[test]
    fn phrase_keys_come_in_every_spacing() {
        let mut out = Vec::new();
        spacings(&[b"a".into(), b"b".into(), b"c".into()], &mut out);
        out.sort();
        assert_eq!(out, [&b"a b c"[..], b"a bc", b"ab c", b"abc"]);
        assert_eq!(key_words("f-ck  you"), [&b"fck"[..], b"you"]);
        out.clear();
        let long: Vec<Vec<u8>> = ["a", "bb", "ccc", "d", "e", "f", "g"]
            .map(|w| w.as_bytes().to_vec())
            .to_vec();
        spacings(&long, &mut out);
        assert_eq!(out, [b"ccc"]);
    }

    /// Words of the shipped Latin and Arabizi lists, and the words and junk around them in
    /// comments (Arabizi function words among them).
    fn pools() -> [Vec<String>; 2] {
        let lexicon = Lexicon::builtin().expect("the shipped word lists");
        let entries = lexicon
            .entries
            .iter()
            .filter(|e| e.lang != Lang::Ar && e.term.is_ascii())
            .map(|e| e.term.clone())
            .collect();
        let around = [
            "the", "and", "you", "ya", "el", "wallah", "enta", "a", "i", "u", "s", "h", "it", "class", "b",
            "c", "k", " ", " ", " ", ".", "-", "'", "!", "!!", "@", "$", "|", "+", "’", "…", "👍", "\n",
        ];
        [entries, around.map(str::to_owned).to_vec()]
    }

    /// `piece` as comments disguise it: leet symbols, or other Arabizi vowels and digraphs.
    fn disguise(piece: &str, leet: bool) -> String {
        if leet {
            piece
                .chars()
                .map(|c| match c {
                    'a' => '@',
                    's' => '$',
                    'i' => '!',
                    'l' => '|',
                    't' => '+',
                    c => c,
                })
                .collect()
        } else {
            piece
                .replace("ou", "o")
                .replace('e', "a")
                .replace("sh", "ch")
                .replace('k', "q")
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Wherever the full matcher finds an entry, the prefilter lets the text through.
        #[test]
        fn the_prefilter_never_hides_a_hit(
            picks in prop::collection::vec((any::<prop::sample::Index>(), 0u8..7, 0u8..3), 1..10)
        ) {
            static POOLS: LazyLock<[Vec<String>; 2]> = LazyLock::new(pools);
            let text = compose(&picks, &POOLS, |text, piece, shape| {
                match shape {
                    0 => text.push_str(piece),
                    1 => text.push_str(&piece.to_uppercase()),
                    2 => {
                        // Letters spaced out, and a repeat.
                        for c in piece.chars() {
                            text.push(c);
                            text.push(if c == 'a' { 'a' } else { ' ' });
                        }
                    }
                    3 => text.push_str(&disguise(piece, true)),
                    4 => text.push_str(&disguise(piece, false)),
                    5 => {
                        // Vowels drawn out.
                        for c in piece.chars() {
                            let n = if "aeiou".contains(c) { 4 } else { 1 };
                            text.extend(std::iter::repeat_n(c, n));
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
