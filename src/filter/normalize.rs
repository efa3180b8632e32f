//! Normalization for matching (ARABIC.md §1.4 steps 2–8), with a map from every output
//! character back to the original text.
//!
//! Each original character is folded on its own (delete invisibles and U+FE70–FE7F, NFKC,
//! NFD → drop marks → NFC, delete tatweel and small letters, lowercase, Arabic fold table),
//! and the fold is repeated on its output until it is stable, which makes the whole function
//! idempotent. Two steps then need the surrounding token: digits inside Arabic-letter tokens
//! become letters (Arabizi in Arabic script, `3رص`, `حم١ر`), and Latin lookalikes (Cyrillic,
//! Greek, small capitals …) become ASCII only in tokens that contain no Arabic letter, because
//! confusable tables garble Arabic (ARABIC.md §3). Leetspeak is not applied here: its digits
//! collide with Arabizi digits, so it is a separate reading of Latin tokens.
//!
//! Deleted characters (marks, tatweel, zero-width …) are attributed to the preceding output
//! character, so a span always covers the word as written, diacritics included.

use std::sync::LazyLock;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfd_quick, is_nfkc_quick};

/// Normalized text and, for each of its characters, the `[start, end)` scalar offsets in
/// the original text. Spans are monotonic and lie inside the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    pub spans: Vec<[usize; 2]>,
}

/// Normalizes text (and lexicon terms: the same function for both).
pub fn normalize(original: &str) -> Normalized {
    let (chars, spans) = normalize_chars(original);
    let mut text = String::with_capacity(original.len());
    text.extend(chars);
    Normalized { text, spans }
}

/// [`normalize`] as characters (what the tokenizer reads), with their spans.
pub fn normalize_chars(original: &str) -> (Vec<char>, Vec<[usize; 2]>) {
    let mut buffers = Buffers::default();
    normalize_into(original, &mut buffers);
    if buffers.one_to_one {
        buffers.spans.extend((0..buffers.chars.len()).map(|i| [i, i + 1]));
    }
    (buffers.chars, buffers.spans)
}

/// Where each normalized character came from in the original (scalar offsets `[start, end)`).
#[derive(Debug, Clone, Copy)]
pub enum SpanMap<'a> {
    /// Character `k` is original character `k` (an ASCII text, only lowered).
    OneToOne,
    /// A span per character.
    Spans(&'a [[usize; 2]]),
}

impl SpanMap<'_> {
    /// The span of normalized character `k` (`None` past the end of a span list).
    pub fn get(&self, k: usize) -> Option<[usize; 2]> {
        match self {
            SpanMap::OneToOne => Some([k, k + 1]),
            SpanMap::Spans(spans) => spans.get(k).copied(),
        }
    }
}

/// The output of [`normalize_into`] and its working space, kept by a caller that normalizes
/// many texts so that the steady state allocates nothing.
#[derive(Debug, Default)]
pub struct Buffers {
    /// The normalized characters.
    pub chars: Vec<char>,
    /// The span of each character in the original; empty when `one_to_one`.
    pub spans: Vec<[usize; 2]>,
    /// Each character is the original character at its index: spans are not written out
    /// (most English comments; 16 bytes a character that nobody would read).
    pub one_to_one: bool,
    spare_chars: Vec<char>,
    spare_spans: Vec<[usize; 2]>,
}

impl Buffers {
    /// Where each of `chars` came from.
    pub fn span_map(&self) -> SpanMap<'_> {
        if self.one_to_one {
            SpanMap::OneToOne
        } else {
            SpanMap::Spans(&self.spans)
        }
    }
}

/// [`normalize_chars`] into `buffers.chars` and `buffers.spans` (cleared first).
pub fn normalize_into(original: &str, buffers: &mut Buffers) {
    let (chars, spans) = (&mut buffers.chars, &mut buffers.spans);
    chars.clear();
    spans.clear();
    buffers.one_to_one = original.is_ascii();
    if buffers.one_to_one {
        // Most English comments: every character folds to its lower case alone, and the
        // token pass changes nothing without a non-ASCII character. In bulk, without
        // decoding or testing each character (the same result, tested below).
        chars.extend(original.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        normalize_each(original, buffers);
    }
}

/// `char::is_whitespace` of an ASCII byte: tab, line feed, vertical tab, form feed,
/// carriage return and space (`u8::is_ascii_whitespace` leaves out the vertical tab).
pub const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

/// The characters [`normalize_into`] gave for `original` (in `normalized`), as a string in
/// `out` (cleared first). A plain ASCII text is copied in bulk and lowered (what normalizing
/// it gave).
pub fn collect_normalized(original: &str, normalized: &Buffers, out: &mut String) {
    out.clear();
    if normalized.one_to_one {
        out.push_str(original);
        out.make_ascii_lowercase();
    } else {
        out.extend(&normalized.chars);
    }
}

/// [`normalize_into`] character by character, for any text.
fn normalize_each(original: &str, buffers: &mut Buffers) {
    let (chars, spans) = (&mut buffers.chars, &mut buffers.spans);
    // As many characters as bytes: only expanding folds (ligatures) can regrow them.
    chars.reserve(original.len());
    spans.reserve(original.len());
    let mut count = 0;
    for (i, c) in original.chars().enumerate() {
        count = i + 1;
        // ASCII and the Arabic block fold to at most one character (what `fold_char` does
        // with them, without its callback and its resize): nearly every character of a comment.
        let one = if c.is_ascii() {
            Some(Some(c.to_ascii_lowercase()))
        } else {
            fold_arabic_block(c).or_else(|| fold_from_table(c))
        };
        let before = chars.len();
        match one {
            Some(Some(d)) => {
                chars.push(d);
                spans.push([i, i + 1]);
                continue;
            }
            Some(None) => {}
            None => fold_char(c, 3, &mut |d| chars.push(d)),
        }
        spans.resize(chars.len(), [i, i + 1]);
        if chars.len() == before {
            // Deleted: the previous character's span absorbs it.
            if let Some(last) = spans.last_mut() {
                last[1] = i + 1;
            }
        }
    }
    if let Some(first) = spans.first_mut() {
        first[0] = 0;
    }
    if let Some(last) = spans.last_mut() {
        last[1] = count.max(last[1]);
    }
    // Until nothing changes, as the fold above: a lookalike can fold to a digit (ȝ → 3), and a
    // digit changes how the next pass cuts tokens (it joins a following apostrophe), so one
    // pass is not always stable and normalizing would not be idempotent. A second pass runs
    // only when the first changed something, which few texts need.
    for _ in 0..TOKEN_PASSES {
        let (chars, spans) = (&buffers.chars, &buffers.spans);
        let changed = token_pass(chars, spans, &mut buffers.spare_chars, &mut buffers.spare_spans)
            && buffers.spare_chars != buffers.chars;
        if !changed {
            break;
        }
        std::mem::swap(&mut buffers.chars, &mut buffers.spare_chars);
        std::mem::swap(&mut buffers.spans, &mut buffers.spare_spans);
    }
}

/// Bound on the token passes: each folds some characters for good, so two settle every text
/// found so far; the bound only guards against a loop.
const TOKEN_PASSES: usize = 4;

/// Default_Ignorable_Code_Point (the list of ARABIC.md §1.3), the isolated-haraka
/// presentation forms that NFKC would turn into SPACE + mark, tatweel and the small letters.
pub fn is_deleted(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}'
        | '\u{FE70}'..='\u{FE7F}'
        | '\u{0640}' | '\u{06E5}' | '\u{06E6}' | '\u{06DD}' | '\u{08E2}' | '\u{0674}')
}

/// Arabic fold table (§1.1), applied after lowercasing. Only letters change.
pub const fn fold_arabic(c: char) -> char {
    match c {
        'آ' | 'أ' | 'إ' | 'ٱ' | 'ٲ' | 'ٳ' | 'ٵ' => 'ا',
        'ى' | 'ئ' | 'ی' | 'ۍ' | 'ێ' | 'ې' | 'ۑ' | 'ے' | 'ۓ' | 'ٸ' => 'ي',
        'ة' | 'ھ' | 'ۀ' | 'ہ' | 'ۂ' | 'ۃ' | 'ە' => 'ه',
        'ؤ' | 'ٶ' | 'ٷ' | '\u{06C4}'..='\u{06CB}' | 'ۏ' => 'و',
        '\u{06A9}'..='\u{06B4}' => 'ك',
        'ٮ' | 'پ' | 'ٻ' => 'ب',
        'ٯ' | 'ڧ' | 'ڨ' => 'ق',
        '\u{06A1}'..='\u{06A6}' => 'ف',
        '\u{06B9}'..='\u{06BD}' => 'ن',
        'چ' => 'ج',
        'ژ' => 'ز',
        'ٹ' => 'ت',
        'ڈ' => 'د',
        'ڑ' => 'ر',
        _ => c,
    }
}

/// Arabic letters (after folding), the ones that make a token an Arabic token.
#[inline]
pub fn is_arabic_letter(c: char) -> bool {
    match c as u32 {
        0x0600..=0x06FF => ARABIC_BLOCK_LETTERS.contains(c),
        _ => is_arabic_letter_by_ranges(c),
    }
}

/// The definition of [`is_arabic_letter`]. It is asked of nearly every character, and a
/// chain of range tests costs more than the rest of the step asking, so the Arabic block is
/// read from a bitmap built from these ranges (and the tokenizer's class table from them too).
pub const fn is_arabic_letter_by_ranges(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{063F}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{066F}'
        | '\u{0671}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}'..='\u{06EF}' | '\u{06FA}'..='\u{06FC}'
        | '\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08C9}')
}

/// One bit per character of the Arabic block (U+0600–06FF).
struct BlockBits([u64; 4]);

impl BlockBits {
    /// Arabic letters, and with `digits` the Arabic-Indic digits too.
    const fn of(digits: bool) -> BlockBits {
        let mut bits = [0u64; 4];
        let mut k = 0;
        while k < 256 {
            if let Some(c) = char::from_u32(0x0600 + k)
                && (is_arabic_letter_by_ranges(c) || digits && arabic_indic_value(c).is_some())
            {
                bits[(k / 64) as usize] |= 1 << (k % 64);
            }
            k += 1;
        }
        BlockBits(bits)
    }

    #[inline]
    fn contains(&self, c: char) -> bool {
        let k = (c as u32).wrapping_sub(0x0600) as usize;
        k < 256 && self.0[k / 64] >> (k % 64) & 1 == 1
    }
}

const ARABIC_BLOCK_LETTERS: BlockBits = BlockBits::of(false);
const ARABIC_BLOCK_WORD_CHARS: BlockBits = BlockBits::of(true);

/// Whether `c` is in a range of punctuation or pictographs that holds no letter, digit or
/// space: ’, “”, … and the emoji, the characters outside ASCII that English comments hold
/// most. Asked before the Unicode tables, which take hundreds of instructions for them.
#[inline]
pub const fn is_plain_symbol(c: char) -> bool {
    matches!(c as u32, 0x2010..=0x2027 | 0x2030..=0x205E | 0x1F300..=0x1FAFF)
}

/// The fold of a symbol (punctuation, arrows, dingbats, emoji) or an Arabic presentation
/// form when it is at most one character: `Some(None)` if it is deleted, `None` if it
/// folds to several or lies outside [`TABLED_RANGES`]. Read from a table that [`fold_char`]
/// itself fills on first use: it takes over a thousand instructions for an emoji or a
/// presentation form, and comments are full of the first and obfuscations of the second.
fn fold_from_table(c: char) -> Option<Option<char>> {
    /// Per code point: its fold, `DELETED` or `SEVERAL`.
    static FOLDS: LazyLock<Vec<u32>> = LazyLock::new(|| {
        TABLED_RANGES
            .iter()
            .flat_map(|r| r.clone())
            .map(|u| {
                let Some(c) = char::from_u32(u) else {
                    return SEVERAL;
                };
                let mut out = Vec::new();
                fold_char(c, 3, &mut |d| out.push(d));
                match out[..] {
                    [] => DELETED,
                    [d] => d as u32,
                    _ => SEVERAL,
                }
            })
            .collect()
    });
    const DELETED: u32 = 0;
    const SEVERAL: u32 = u32::MAX;
    let u = c as u32;
    let mut offset = 0;
    for r in &TABLED_RANGES {
        if r.contains(&u) {
            return match FOLDS[offset + (u - r.start()) as usize] {
                DELETED => Some(None),
                SEVERAL => None,
                d => char::from_u32(d).map(Some),
            };
        }
        offset += (r.end() - r.start() + 1) as usize;
    }
    None
}

/// General Punctuation to Miscellaneous Symbols and Arrows, the Arabic presentation forms,
/// and the emoji blocks.
const TABLED_RANGES: [std::ops::RangeInclusive<u32>; 4] = [
    0x2010..=0x2BFF,
    0xFB50..=0xFDFF,
    0xFE70..=0xFEFF,
    0x1F000..=0x1FAFF,
];

/// Letters and digits (`char::is_alphanumeric`), with a fast path for ASCII and Arabic.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0600}'..='\u{06FF}').contains(&c) {
        ARABIC_BLOCK_WORD_CHARS.contains(c)
    } else {
        c.is_alphanumeric()
    }
}

/// Folds one character, calling `push` for each output character. `depth` bounds the
/// repetition that makes the fold stable (NFKC, lowercasing and NFD can feed each other).
fn fold_char(c: char, depth: u8, push: &mut impl FnMut(char)) {
    if c.is_ascii() {
        push(c.to_ascii_lowercase());
        return;
    }
    if let Some(folded) = fold_arabic_block(c) {
        folded.into_iter().for_each(push);
        return;
    }
    if is_deleted(c) || is_combining_mark(c) {
        return;
    }
    if ('\u{0750}'..='\u{077F}').contains(&c) {
        push(fold_arabic(c));
        return;
    }
    if let Some(l) = enclosed_latin(c) {
        push(l);
        return;
    }
    let mut lower = c.to_lowercase();
    let once = || std::iter::once(c);
    if is_nfkc_quick(once()) == IsNormalized::Yes
        && is_nfd_quick(once()) == IsNormalized::Yes
        && lower.len() == 1
    {
        let l = lower.next().unwrap_or(c);
        if l == c {
            push(c);
        } else {
            fold_char(l, depth.saturating_sub(1), push);
        }
        return;
    }
    // Slow path: NFKC, then NFD, drop marks, NFC, lowercase; repeat on the result.
    let nfkc: String = std::iter::once(c).nfkc().collect();
    let mut rest = nfkc.chars();
    if rest.next() == Some(' ') && rest.clone().next().is_some() && rest.all(is_combining_mark) {
        // Spacing clones of diacritics (U+00B4 ´ …): NFKC gives SPACE + mark, which would
        // split a word in two. Delete them like the marks they stand for.
        return;
    }
    let stripped: String = nfkc.nfd().filter(|d| !is_combining_mark(*d)).nfc().collect();
    let out: String = stripped.chars().flat_map(char::to_lowercase).collect();
    let mut it = out.chars();
    if it.next() == Some(c) && it.next().is_none() {
        push(c);
        return;
    }
    for d in out.chars() {
        if depth == 0 {
            if !is_deleted(d) && !is_combining_mark(d) {
                push(fold_arabic(d));
            }
        } else {
            fold_char(d, depth - 1, push);
        }
    }
}

/// The fold of a character of the Arabic block (U+0600–06FF): `Some(None)` if it is deleted,
/// `None` outside the block. The hot path for Arabic, read from a table built from
/// [`fold_in_arabic_block`].
#[inline]
fn fold_arabic_block(c: char) -> Option<Option<char>> {
    let k = (c as u32).wrapping_sub(0x0600) as usize;
    let folded = *ARABIC_BLOCK_FOLDS.get(k)?;
    Some(char::from_u32(u32::from(folded)).filter(|&d| d != '\0'))
}

/// [`fold_in_arabic_block`] of U+0600 + k at index k, 0 for a deleted character.
const ARABIC_BLOCK_FOLDS: [u16; 256] = {
    let mut table = [0; 256];
    let mut k = 0;
    while k < 256 {
        if let Some(c) = char::from_u32(0x0600 + k as u32)
            && let Some(folded) = fold_in_arabic_block(c)
        {
            table[k] = folded as u16;
        }
        k += 1;
    }
    table
};

/// The fold of a character of the Arabic block, `None` if it is deleted: NFKC changes
/// nothing in this block except U+0675–0678, which the table folds; its marks and small
/// letters are listed here.
const fn fold_in_arabic_block(c: char) -> Option<char> {
    let gone = matches!(
        c,
        '\u{061C}' | '\u{0640}' | '\u{0674}' | '\u{06DD}' | '\u{06E5}' | '\u{06E6}'
    );
    let mark = matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}' | '\u{06E7}'..='\u{06E8}' | '\u{06EA}'..='\u{06ED}');
    if mark || gone { None } else { Some(fold_arabic(c)) }
}

/// 🄰–🅉 squared, 🅐–🅩 negative circled, 🅰–🆉 negative squared capitals: NFKC leaves them.
fn enclosed_latin(c: char) -> Option<char> {
    let base = match c {
        '\u{1F130}'..='\u{1F149}' => 0x1F130,
        '\u{1F150}'..='\u{1F169}' => 0x1F150,
        '\u{1F170}'..='\u{1F189}' => 0x1F170,
        _ => return None,
    };
    char::from_u32('a' as u32 + (c as u32 - base))
}

/// Steps that depend on the token: digits in Arabic tokens, Latin lookalikes elsewhere.
/// Writes the result into `out` and `out_spans` and returns true, or returns false when
/// nothing changes.
fn token_pass(
    chars: &[char],
    spans: &[[usize; 2]],
    out: &mut Vec<char>,
    out_spans: &mut Vec<[usize; 2]>,
) -> bool {
    // Only two things change here: a non-ASCII word character that is not an Arabic letter
    // (lookalikes, Arabic-Indic digits), and an ASCII digit in an Arabic-letter token. A text
    // with neither (all English, all Arabic, English with numbers) is returned as it is.
    let (mut foreign, mut digit, mut arabic) = (false, false, false);
    for &c in chars {
        if c.is_ascii() {
            digit |= c.is_ascii_digit();
        } else if is_arabic_letter(c) {
            arabic = true;
        } else if is_word_char(c) {
            foreign = true;
            break;
        }
    }
    if !(foreign || digit && arabic) {
        return false;
    }
    out.clear();
    out_spans.clear();
    let mut i = 0;
    while i < chars.len() {
        if !is_word_char(chars[i]) {
            out.push(chars[i]);
            out_spans.push(spans[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (is_word_char(chars[i])
                || is_apostrophe(chars[i])
                    && i > start
                    && (chars[i - 1].is_ascii_digit() || arabic_indic_value(chars[i - 1]).is_some())
                    && chars.get(i + 1).is_some_and(|&n| is_word_char(n)))
        {
            i += 1;
        }
        let token = &chars[start..i];
        if token.iter().any(|&c| is_arabic_letter(c)) {
            arabic_digits(token, &spans[start..i], out, out_spans);
        } else {
            let foldable = token
                .iter()
                .all(|&c| c.is_ascii() || arabic_indic_value(c).is_some() || latin_lookalike(c).is_some());
            let has_latin = token.iter().any(char::is_ascii_alphabetic);
            for (k, &c) in token.iter().enumerate() {
                let c = arabic_indic_value(c).map_or(c, |v| char::from(b'0' + v));
                if c.is_ascii() || !(foldable || has_latin) {
                    out.push(c);
                    out_spans.push(spans[start + k]);
                    continue;
                }
                let before = out.len();
                match latin_lookalike(c) {
                    Some(l) => out.push(l),
                    None => decancer_fold(c, out),
                }
                out_spans.resize(out.len(), spans[start + k]);
                if out.len() == before {
                    out.push(c);
                    out_spans.push(spans[start + k]);
                }
            }
        }
    }
    true
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`')
}

pub const fn arabic_indic_value(c: char) -> Option<u8> {
    match c {
        '\u{0660}'..='\u{0669}' => Some((c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => Some((c as u32 - 0x06F0) as u8),
        _ => None,
    }
}

/// Digits inside an Arabic-letter token: runs of one or two are letters (TR39 lookalikes
/// ١→ا ٥→ه, then the Arabizi map 2→ء 3→ع 5→خ 6→ط 7→ح 8→ق 9→ص, with 3' 7' 6' 9' → غ خ ظ
/// ض); longer runs are numbers (2019م) and become ASCII digits.
fn arabic_digits(token: &[char], spans: &[[usize; 2]], out: &mut Vec<char>, out_spans: &mut Vec<[usize; 2]>) {
    let is_digit = |c: char| c.is_ascii_digit() || arabic_indic_value(c).is_some();
    let mut k = 0;
    while k < token.len() {
        let c = token[k];
        if !is_digit(c) {
            out.push(c);
            out_spans.push(spans[k]);
            k += 1;
            continue;
        }
        let run_end = (k..token.len())
            .find(|&j| !is_digit(token[j]))
            .unwrap_or(token.len());
        let short = run_end - k <= 2;
        for j in k..run_end {
            let d = token[j];
            let value = arabic_indic_value(d).unwrap_or((d as u32).wrapping_sub('0' as u32) as u8);
            let primed = token.get(j + 1).is_some_and(|&n| is_apostrophe(n));
            let letter = match (short, d, value, primed) {
                (false, ..) => char::from(b'0' + value),
                (true, '١' | '۱', ..) => 'ا',
                (true, '٥' | '۵', ..) => 'ه',
                (true, _, 3, true) => 'غ',
                (true, _, 7, true) => 'خ',
                (true, _, 6, true) => 'ظ',
                (true, _, 9, true) => 'ض',
                (true, _, v, _) => ARABIZI_DIGITS[usize::from(v % 10)],
            };
            out.push(letter);
            out_spans.push(spans[j]);
        }
        k = run_end;
        if short && token.get(k).is_some_and(|&n| is_apostrophe(n)) {
            if let Some(last) = out_spans.last_mut() {
                last[1] = spans[k][1];
            }
            k += 1;
        }
    }
}

/// Digit → letter inside Arabic script (Marzoog & Çakir 2025 LeetMap, 1 as the alef lookalike).
pub const ARABIZI_DIGITS: [char; 10] = ['و', 'ا', 'ء', 'ع', 'غ', 'خ', 'ط', 'ح', 'ق', 'ص'];

/// Cyrillic, Greek and small-capital letters that look like a Latin letter (lowercase forms).
pub fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' | 'ɑ' | 'ᴀ' => 'a',
        'в' | 'β' | 'ь' | 'ʙ' => 'b',
        'с' | 'ϲ' | 'ᴄ' => 'c',
        'ԁ' | 'ᴅ' => 'd',
        'е' | 'ε' | 'ϵ' | 'ᴇ' => 'e',
        'ƒ' | 'ꜰ' => 'f',
        'ɡ' | 'ɢ' => 'g',
        'н' | 'һ' | 'ʜ' => 'h',
        'і' | 'ї' | 'ι' | 'ı' | 'ɩ' | 'ɪ' => 'i',
        'ј' | 'ϳ' | 'ȷ' | 'ᴊ' => 'j',
        'к' | 'κ' | 'ᴋ' => 'k',
        'ӏ' | 'ʟ' => 'l',
        'м' | 'ᴍ' => 'm',
        'п' | 'η' | 'ɴ' => 'n',
        'о' | 'ο' | 'ᴏ' => 'o',
        'р' | 'ρ' | 'ᴘ' => 'p',
        'ԛ' | 'ǫ' => 'q',
        'г' | 'ʀ' => 'r',
        'ѕ' | 'ꜱ' => 's',
        'т' | 'τ' | 'ᴛ' => 't',
        'υ' | 'μ' | 'ᴜ' => 'u',
        'ν' | 'ᴠ' => 'v',
        'ԝ' | 'ω' | 'ᴡ' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' | 'ү' | 'ʏ' => 'y',
        'ζ' | 'ᴢ' => 'z',
        _ => return None,
    })
}

/// Other Latin-like letters (ø, ł, ɐ, letterlike symbols …) through decancer, accepted only
/// when it gives one to three ASCII letters or digits.
fn decancer_fold(c: char, out: &mut Vec<char>) {
    let latinish = matches!(c, '\u{00C0}'..='\u{02AF}' | '\u{1D00}'..='\u{1DBF}' | '\u{1E00}'..='\u{1EFF}'
        | '\u{2100}'..='\u{214F}' | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}' | '\u{AB30}'..='\u{AB6F}');
    if !latinish {
        return;
    }
    let ok = |s: &str| (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
    match decancer::cure_char(c, decancer::Options::default()) {
        decancer::Translation::Character(d) if d.is_ascii_alphanumeric() => out.push(d.to_ascii_lowercase()),
        decancer::Translation::String(s) if ok(&s) => out.extend(s.chars().map(|d| d.to_ascii_lowercase())),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_fold_table_reads_symbols_emoji_and_presentation_forms_as_fold_char_does() {
        let fold = |c: char| {
            let mut out = String::new();
            fold_char(c, 3, &mut |d| out.push(d));
            out
        };
        for (c, expected) in [
            ('😂', "😂"),
            ('…', "..."),
            ('‼', "!!"),
            ('ﻟ', "ل"),
            ('ﺎ', "ا"),
            ('ﷲ', "الله"),
        ] {
            assert_eq!(fold(c), expected, "{c:?}");
            let one = fold_from_table(c);
            assert_eq!(one.is_some(), expected.chars().count() <= 1, "{c:?}");
            if let Some(one) = one {
                assert_eq!(one.map(String::from).unwrap_or_default(), expected, "{c:?}");
            }
        }
        assert_eq!(normalize("ﻟﻌﻨﺔ … 😂").text, "لعنه ... 😂");
    }

    proptest! {
        #[test]
        fn ascii_in_bulk_is_ascii_character_by_character(text in "[ -~\t\n]{0,80}") {
            let (mut bulk, mut each) = (Buffers::default(), Buffers::default());
            normalize_into(&text, &mut bulk);
            normalize_each(&text, &mut each);
            let mut bulk_text = String::new();
            collect_normalized(&text, &bulk, &mut bulk_text);
            prop_assert_eq!(bulk_text, each.chars.iter().collect::<String>());
            prop_assert!(bulk.one_to_one && !each.one_to_one);
            let bulk_spans: Vec<_> = (0..bulk.chars.len()).filter_map(|k| bulk.span_map().get(k)).collect();
            prop_assert_eq!(bulk_spans, each.spans);
            prop_assert_eq!(bulk.chars, each.chars);
        }
    }

    #[test]
    fn plain_symbols_hold_no_letter_digit_or_space() {
        let plain: Vec<char> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_plain_symbol(c))
            .collect();
        assert!(plain.contains(&'’') && plain.contains(&'😂') && !plain.contains(&'a'));
        for c in plain {
            assert!(!c.is_alphanumeric() && !c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn ascii_space_is_char_whitespace() {
        for b in 0..0x80u8 {
            assert_eq!(is_ascii_space(b), char::from(b).is_whitespace(), "{b}");
        }
    }

    #[test]
    fn arabic_block_tables_agree_with_their_definitions() {
        for c in '\u{0500}'..='\u{08FF}' {
            assert_eq!(is_arabic_letter(c), is_arabic_letter_by_ranges(c), "{c:?}");
            let word =
                is_arabic_letter_by_ranges(c) || arabic_indic_value(c).is_some() || c.is_alphanumeric();
            let in_block = ('\u{0600}'..='\u{06FF}').contains(&c);
            let expected = if in_block {
                is_arabic_letter_by_ranges(c) || arabic_indic_value(c).is_some()
            } else {
                word
            };
            assert_eq!(is_word_char(c), expected, "{c:?}");
            let fold = in_block.then(|| fold_in_arabic_block(c));
            assert_eq!(fold_arabic_block(c), fold, "{c:?}");
        }
    }
}
