//! Hashed n-gram features of already-normalized text, for the learned classifiers.
//!
//! A text becomes a bag of bucket indices: word unigrams and bigrams, and character n-grams
//! inside each word with a boundary mark at both ends (`<كلب>` gives `<ك`, `كل`, `لب`, `ب>`,
//! `<كل`, … for lengths 2–4). Character n-grams carry most of the signal for Arabic, where
//! one root appears with many clitics and spellings; word n-grams add phrases. With `stems`,
//! every Arabic word also gives its stem ([`stem`]: the word without its clitics) as a feature
//! of its own kind, so that كلب، والكلب، ياكلب and كلبك share one weight whatever else they
//! carry. (Measured against putting the stem in the bare word's bucket, and against a stem
//! only for words that had clitics: this ranked news comments best, `config/models/README.md`.)
//! With `neutral`, the allow-list's innocent words (or a word whose stem is one) give no
//! feature at all ([`neutral`]).
//!
//! Everything is hashed on the fly (FNV-1a over code points, finished by Fibonacci hashing)
//! into `2^bits` buckets: no allocation per n-gram and no vocabulary to ship. The hash is
//! written out here rather than taken from `std` because the bucket of an n-gram is part of
//! the committed model files and must never change between compiler versions.

/// Virtual character marking the start and the end of a word in character n-grams.
const BOUNDARY: u32 = 0x02;
/// Every digit reads as this one, so phone numbers and prices share their n-grams.
const DIGIT: u32 = '0' as u32;
/// Longest character n-gram a spec may ask for (the size of the sliding window).
pub const MAX_CHAR_N: usize = 6;
/// The window holding the last characters: a power of two ≥ `MAX_CHAR_N`, so indexing is a mask.
const RING: usize = 8;
/// Longest word whose stem is taken; longer words (rare in Arabic) give none. Neutral words
/// are no longer either.
const STEM_WORD: usize = 16;

pub mod neutral;
pub mod spelled;
mod stem;
pub use stem::stem;

use super::normalize::is_plain_symbol;

const FNV_PRIME: u32 = 0x0100_0193;
// One seed per kind of feature, so a word and a character n-gram with the same letters land
// in different buckets.
const SEED_WORD: u32 = 0x811c_9dc5;
const SEED_BIGRAM: u32 = 0x2545_f491;
const SEED_CHAR: u32 = 0x9e37_79b9;
const SEED_STEM: u32 = 0x7f4a_7c15;

/// Which features a model reads. Stored in the model file: scoring must hash exactly as
/// training did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureSpec {
    /// `2^bits` buckets.
    pub bits: u8,
    /// Character n-gram lengths, inclusive (boundary marks count as characters).
    pub char_min: u8,
    pub char_max: u8,
    /// 1: word unigrams; 2: unigrams and bigrams; 0: no word features.
    pub word_max: u8,
    /// Every Arabic word also gives its stem (needs `word_max ≥ 1`).
    pub stems: bool,
    /// The allow-list's words, and Arabic words whose stem is one, give no feature.
    pub neutral: bool,
    /// Words spelled out letter by letter ("غ.ب.ي") are read as the word ([`spelled`]).
    pub spelled: bool,
}

impl Default for FeatureSpec {
    fn default() -> Self {
        FeatureSpec {
            bits: 18,
            char_min: 2,
            char_max: 4,
            word_max: 2,
            stems: true,
            neutral: true,
            spelled: true,
        }
    }
}

impl FeatureSpec {
    pub fn buckets(&self) -> usize {
        1usize << self.bits
    }

    /// Whether the spec can be used (values read from a file are checked with this).
    pub fn is_valid(&self) -> bool {
        (8..=24).contains(&self.bits)
            && self.char_min >= 1
            && self.char_min <= self.char_max
            && usize::from(self.char_max) <= MAX_CHAR_N
            && self.word_max <= 2
    }

    /// Calls `emit` with the bucket of every feature of `text`, repeats included (a feature
    /// seen twice counts twice), leaving out those of neutral words when `self.neutral`.
    /// Returns the number of calls.
    pub fn for_each(&self, text: &str, emit: impl FnMut(usize)) -> usize {
        let mut sink = Buffered {
            held: Vec::with_capacity(GROUP),
            skip_neutral: self.neutral,
            emit,
        };
        let (all, neutral) = self.walk(text, self.neutral, &mut sink);
        all - neutral
    }

    /// Whether `other` hashes the same features, so that one [`FeatureSpec::walk`] serves both
    /// (they may differ in whether they skip neutral words).
    pub fn same_walk(&self, other: &FeatureSpec) -> bool {
        FeatureSpec {
            neutral: other.neutral,
            ..*self
        } == *other
    }

    /// Gives `sink` every feature of `text`, whatever `self.neutral` says, and tells it which
    /// are of a neutral word or of a bigram with one (none unless `find_neutral`). Returns the
    /// counts of features and of neutral ones.
    pub fn walk(&self, text: &str, find_neutral: bool, sink: &mut impl Sink) -> (usize, usize) {
        let joined;
        let text = if self.spelled {
            joined = spelled::join_spelled_out(text);
            &*joined
        } else {
            text
        };
        let mut walker = Walker::new(*self, find_neutral);
        for c in text.chars() {
            match class(c) {
                Class::Letter(u) => walker.letter(u, sink),
                Class::Separator => walker.end_word(sink),
                Class::Symbol(u) => {
                    // An emoji or a symbol is a word of its own: "😂😂" is two words.
                    walker.end_word(sink);
                    walker.letter(u, sink);
                    walker.end_word(sink);
                }
                Class::Ignored => {}
            }
        }
        walker.end_word(sink);
        (walker.count, walker.neutral_count)
    }
}

/// What [`FeatureSpec::walk`] gives its features to.
///
/// Whether a word is neutral is known only when it ends, after its character n-grams. So
/// features come one by one, and after each group of them (a word's, a bigram's) `settle`
/// says whether the group is neutral: a scorer adds each weight as it comes into a sum for
/// the group, then keeps or drops that sum, rather than holding the buckets back. A group
/// has at most [`GROUP`] features.
pub trait Sink {
    fn feature(&mut self, bucket: usize);
    /// The features given since the last call are of a neutral word (or not).
    fn settle(&mut self, neutral: bool);
}

/// Most features between two `settle`s: a word of `STEM_WORD` letters with its boundary
/// marks, its unigram and its stem (a longer word is settled letter by letter).
pub const GROUP: usize = (STEM_WORD + 2) * MAX_CHAR_N + 2;

/// Holds each group back and passes its buckets on unless it is neutral and skipped: for
/// a caller that needs the buckets themselves, in order (training).
struct Buffered<F> {
    held: Vec<usize>,
    skip_neutral: bool,
    emit: F,
}

impl<F: FnMut(usize)> Sink for Buffered<F> {
    fn feature(&mut self, bucket: usize) {
        self.held.push(bucket);
    }

    fn settle(&mut self, neutral: bool) {
        if !(neutral && self.skip_neutral) {
            self.held.iter().for_each(|&b| (self.emit)(b));
        }
        self.held.clear();
    }
}

enum Class {
    Letter(u32),
    Separator,
    Symbol(u32),
    Ignored,
}

#[inline(always)]
fn class(c: char) -> Class {
    let u = c as u32;
    // Fast paths for the common cases: ASCII, and the Arabic letters (after normalization).
    if u < 0x80 {
        return match c {
            'a'..='z' | 'A'..='Z' => Class::Letter(u),
            '0'..='9' => Class::Letter(DIGIT),
            _ => Class::Separator,
        };
    }
    if (0x0621..=0x063A).contains(&u) || (0x0641..=0x064A).contains(&u) {
        return Class::Letter(u);
    }
    match u {
        // Marks, tatweel, joiners, bidi controls, variation selectors, BOM, skin tones: not
        // letters and not breaks (several are "alphabetic" in Unicode, so this goes first).
        0x0300..=0x036F
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0670
        | 0x0640
        | 0x06D6..=0x06ED
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x206F
        | 0xFE00..=0xFE0F
        | 0xFEFF
        | 0x1F3FB..=0x1F3FF => Class::Ignored,
        // Arabic punctuation, general punctuation, CJK and fullwidth punctuation.
        0x060C | 0x061B | 0x061F | 0x066A..=0x066D | 0x06D4 | 0x2010..=0x205F | 0x3000..=0x303F => {
            Class::Separator
        }
        _ if is_plain_symbol(c) => Class::Symbol(u),
        _ if c.is_alphabetic() => Class::Letter(u),
        _ if c.is_numeric() => Class::Letter(DIGIT),
        _ if c.is_whitespace() || c.is_ascii() => Class::Separator,
        _ => Class::Symbol(u),
    }
}

/// Fibonacci hashing: one multiply, then the top bits are the bucket (FNV's low bits are
/// weak, its high bits after this multiply are well mixed).
#[inline(always)]
fn finish(h: u32) -> u32 {
    h.wrapping_mul(0x9e37_79b1)
}

#[inline(always)]
fn fnv_step(h: u32, u: u32) -> u32 {
    (h ^ u).wrapping_mul(FNV_PRIME)
}

/// Streams over the characters once, keeping the last few characters of the current word in
/// a ring, so that a 1 MB text without spaces costs the same per character as short words.
struct Walker {
    spec: FeatureSpec,
    shift: u32,
    ring: [u32; RING],
    /// Characters pushed into the ring for the current word (boundary included).
    pushed: usize,
    in_word: bool,
    word_hash: u32,
    prev_word: Option<u32>,
    count: usize,
    /// Of which of neutral words.
    neutral_count: usize,
    /// Features given since the sink's last `settle`.
    group: usize,
    /// The current word's first letters, for its stem.
    letters: [u32; STEM_WORD],
    /// Letters in the current word (may exceed `STEM_WORD`).
    len: usize,
    /// Whether every letter of the current word is Arabic.
    arabic: bool,
    /// Whether to look for neutral words.
    find_neutral: bool,
    /// Whether the previous word was neutral (a bigram with it is neutral too).
    prev_neutral: bool,
}

impl Walker {
    fn new(spec: FeatureSpec, find_neutral: bool) -> Self {
        Walker {
            spec,
            shift: 32 - u32::from(spec.bits),
            ring: [0; RING],
            pushed: 0,
            in_word: false,
            word_hash: SEED_WORD,
            prev_word: None,
            count: 0,
            neutral_count: 0,
            group: 0,
            letters: [0; STEM_WORD],
            len: 0,
            arabic: true,
            find_neutral,
            prev_neutral: false,
        }
    }

    #[inline(always)]
    fn bucket(&self, h: u32) -> usize {
        (finish(h) >> self.shift) as usize
    }

    #[inline(always)]
    fn letter(&mut self, u: u32, sink: &mut impl Sink) {
        if !self.in_word {
            self.in_word = true;
            self.word_hash = SEED_WORD;
            self.pushed = 0;
            self.len = 0;
            self.arabic = true;
            self.push_char(BOUNDARY, sink);
        }
        if let Some(slot) = self.letters.get_mut(self.len) {
            *slot = u;
        }
        self.len += 1;
        self.arabic &= stem::is_arabic_letter(u);
        self.word_hash = fnv_step(self.word_hash, u);
        self.push_char(u, sink);
        if self.len > STEM_WORD {
            // Too long to be neutral: settled as it goes, so a group stays small.
            self.settle(false, sink);
        }
    }

    #[inline(always)]
    fn end_word(&mut self, sink: &mut impl Sink) {
        if !self.in_word {
            return;
        }
        self.in_word = false;
        self.push_char(BOUNDARY, sink);
        let short = self.len <= STEM_WORD;
        let holding = self.find_neutral && short;
        let stem = (self.arabic && short && (self.spec.stems || holding)).then(|| self.stem_hash());
        let neutral = holding
            && (neutral::is_neutral(self.word_hash)
                || stem.is_some_and(|(_, as_word)| neutral::is_neutral(as_word)));
        if self.spec.word_max >= 1 {
            let b = self.bucket(self.word_hash);
            self.feature(b, sink);
            if self.spec.stems
                && let Some((h, _)) = stem
            {
                let b = self.bucket(h);
                self.feature(b, sink);
            }
        }
        self.settle(neutral, sink);
        if self.spec.word_max >= 2
            && let Some(prev) = self.prev_word
        {
            let h = fnv_step(fnv_step(SEED_BIGRAM, prev), self.word_hash);
            let b = self.bucket(h);
            self.feature(b, sink);
            self.settle(neutral || self.prev_neutral, sink);
        }
        self.prev_word = Some(self.word_hash);
        self.prev_neutral = neutral;
    }

    /// The current (Arabic) word's stem hashed as a feature of its own kind, and hashed as a
    /// word (to look it up among the neutral words). Not inlined: kept out of the
    /// per-character loop, whose sums then stay in registers.
    #[inline(never)]
    fn stem_hash(&self) -> (u32, u32) {
        let word = self.letters.get(..self.len).unwrap_or_default();
        let (start, end) = stem(word);
        let letters = &word[start..end];
        let fold = |seed| letters.iter().fold(seed, |h, &u| fnv_step(h, u));
        (fold(SEED_STEM), fold(SEED_WORD))
    }

    /// Adds a character to the ring and gives every n-gram that ends with it. The n-gram is
    /// hashed from its last character backwards, so all lengths share one pass. The loop runs
    /// to the constant `MAX_CHAR_N` and breaks out, so the compiler unrolls it (a range to
    /// `char_max` was a tenth of the English pipeline's instructions).
    #[inline(always)]
    fn push_char(&mut self, u: u32, sink: &mut impl Sink) {
        self.ring[self.pushed % RING] = u;
        self.pushed += 1;
        let (lo, hi) = (usize::from(self.spec.char_min), usize::from(self.spec.char_max));
        let longest = hi.min(self.pushed);
        let mut h = SEED_CHAR;
        for n in 1..=MAX_CHAR_N {
            if n > longest {
                break;
            }
            h = fnv_step(h, self.ring[(self.pushed - n) % RING]);
            if n >= lo {
                let b = self.bucket(h);
                self.feature(b, sink);
            }
        }
    }

    #[inline(always)]
    fn feature(&mut self, b: usize, sink: &mut impl Sink) {
        self.group += 1;
        sink.feature(b);
    }

    #[inline(always)]
    fn settle(&mut self, neutral: bool, sink: &mut impl Sink) {
        self.count += self.group;
        if neutral {
            self.neutral_count += self.group;
        }
        self.group = 0;
        sink.settle(neutral);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(text: &str) -> Vec<usize> {
        let mut v = Vec::new();
        FeatureSpec::default().for_each(text, |b| v.push(b));
        v
    }

    #[test]
    fn same_text_same_buckets_and_separators_do_not_matter() {
        assert_eq!(features("يا  كلب"), features("يا، كلب"));
        assert_ne!(features("كلب"), features("قلب"));
    }

    #[test]
    fn a_word_gives_char_ngrams_and_a_unigram() {
        // <ab> : 3 bigrams + 2 trigrams + 1 four-gram + 1 unigram.
        assert_eq!(features("ab").len(), 7);
        assert!(features("").is_empty());
    }

    #[test]
    fn a_neutral_spec_skips_allow_listed_words_and_bigrams_with_them() {
        let neutral = FeatureSpec::default();
        let plain = FeatureSpec {
            neutral: false,
            ..neutral
        };
        let features_of = |spec: FeatureSpec, text: &str| {
            let mut v = Vec::new();
            let n = spec.for_each(text, |b| v.push(b));
            assert_eq!(n, v.len());
            v.sort_unstable();
            v
        };
        // حزب and مصر are on the allow-list, and so is "class"; والحزب's stem is حزب. The words
        // around a neutral one make no bigram across it.
        let parts = |spec: FeatureSpec, parts: &[&str]| {
            let mut v: Vec<usize> = parts.iter().flat_map(|p| features_of(spec, p)).collect();
            v.sort_unstable();
            v
        };
        for (with, without) in [
            ("حزب البعث", &["البعث"][..]),
            ("في مصر اليوم", &["في", "اليوم"]),
            ("والحزب", &[]),
            ("a class act", &["a", "act"]),
            // Names from config/models/neutral_words.txt, with clitics (in normalized
            // spelling: ة is ه).
            ("وايران والسعوديه", &[]),
        ] {
            assert_eq!(features_of(neutral, with), parts(neutral, without), "{with}");
            assert!(
                features_of(plain, with).len() > parts(plain, without).len(),
                "{with}"
            );
        }
        // A word longer than any neutral one, and an insult, are read as before.
        for text in ["كلب", "الاستراتيجيةالجديدةللحكومة"] {
            assert_eq!(features_of(neutral, text), features_of(plain, text), "{text}");
        }
        // One walk tells the neutral features apart from the others.
        let (all, skipped) = neutral.walk(
            "حزب البعث",
            true,
            &mut Buffered {
                held: Vec::new(),
                skip_neutral: false,
                emit: |_| {},
            },
        );
        assert_eq!(all, features_of(plain, "حزب البعث").len());
        assert_eq!(all - skipped, features_of(neutral, "البعث").len());
    }

    #[test]
    fn arabic_words_with_and_without_clitics_share_their_stem() {
        let spec = FeatureSpec::default();
        let without = FeatureSpec { stems: false, ..spec };
        let count = |spec: FeatureSpec, text: &str| spec.for_each(text, |_| {});
        // One more feature per Arabic word, none for Latin words.
        assert_eq!(count(spec, "كلب"), count(without, "كلب") + 1);
        assert_eq!(count(spec, "dog"), count(without, "dog"));
        let stem_of = |text: &str| {
            let (mut with, mut plain) = (Vec::new(), Vec::new());
            spec.for_each(text, |b| with.push(b));
            without.for_each(text, |b| plain.push(b));
            with.into_iter().find(|b| !plain.contains(b))
        };
        let bare = stem_of("كلب");
        assert!(bare.is_some());
        for inflected in ["والكلب", "ياكلب", "كلبك", "للكلب"] {
            assert_eq!(stem_of(inflected), bare, "{inflected}");
        }
        assert_ne!(stem_of("قلب"), bare);
    }
}
