//! Tokens of normalized text and their variants (ARABIC.md §4.3 step 1).
//!
//! The *sequence* is the text's words in order: runs of letters and digits, with runs of two
//! or more single letters joined into one word ("ش ر م و ط ة", "f.u.c.k", "ك ـ ل ـ ب",
//! "ش🌹ر🌹م"). Phrases and insult frames are read from it. *Extra* units are other readings of
//! the same place, each matched on its own: the word glued back across junk inside a chunk
//! ("قح💩بة" → قحبه), Latin chunks with leet symbols ("a$$hole", "f*ck"), squeezed repeats
//! ("شرموووطة", "fuuuuck") and the other reading of the Arabizi digits 8 and 9 in Arabic
//! script. Joined and glued words go through the same whole-word rules as any word, so
//! "تحيا م ص ر" gives مصر, which is not مص.

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem;

use super::normalize::{
    Normalized, SpanMap, arabic_indic_value, is_arabic_letter, is_arabic_letter_by_ranges, is_plain_symbol,
    is_word_char,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Arabic,
    Latin,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A run of letters and digits.
    Word,
    /// Single letters joined across separators.
    Joined,
    /// The pieces of one chunk glued across the junk between them.
    Concat,
    /// A Latin chunk that keeps its leet symbols (`@ $ ! | * +`).
    Symbolic,
    /// Repeated letters collapsed.
    Squeezed,
    /// 8 → غ and 9 → ق instead of ق and ص.
    DigitAlt,
}

#[derive(Debug, Clone)]
pub struct Unit {
    /// Bytes of the unit's text in [`Tokens::arena`].
    pub text: Range<usize>,
    /// `[start, end)` in characters of the normalized text.
    pub chars: [usize; 2],
    pub script: Script,
    pub kind: Kind,
    /// The sequence word this unit reads (the first one, for glued units).
    pub seq: usize,
    /// For sequence words: the glued reading of their chunk, an index into `extra`.
    pub concat: Option<usize>,
    /// The longest run of one character in the unit's text, and of one letter.
    pub runs: Runs,
    /// Whether the text has an ASCII digit (the leet and Arabizi readings need one).
    pub digits: bool,
}

/// The longest runs of a repeated character in a text (saturating at 255): what decides
/// whether a word gets a squeezed reading, known from the tokenizer's own pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Runs {
    /// Of any character.
    pub any: u8,
    /// Of a letter.
    pub letter: u8,
}

impl Runs {
    /// The runs of `s`, read character by character (for units glued from several pieces).
    /// A unit's text holds word characters and leet symbols, for which the class table's
    /// letter bit is `char::is_alphabetic` (tested below) at a fraction of its cost: Unicode's
    /// table took about 500 instructions for an Arabic letter.
    pub fn of(s: &str) -> Runs {
        let mut runs = RunCounter::default();
        for c in s.chars() {
            runs.add(c, class_of(c) & class::LETTER != 0);
        }
        runs.runs
    }
}

#[derive(Debug)]
struct RunCounter {
    /// The last character as `u32`; no character is `u32::MAX`.
    last: u32,
    run: u8,
    runs: Runs,
}

impl Default for RunCounter {
    fn default() -> Self {
        RunCounter {
            last: u32::MAX,
            run: 0,
            runs: Runs::default(),
        }
    }
}

impl RunCounter {
    /// Counts `c`, which is a letter or not. Without a branch: it runs for every character
    /// of every word.
    #[inline]
    fn add(&mut self, c: char, letter: bool) {
        let same = self.last == c as u32;
        self.run = self.run.saturating_add(1) * u8::from(same) + u8::from(!same);
        self.last = c as u32;
        self.runs.any = self.runs.any.max(self.run);
        self.runs.letter = self.runs.letter.max(self.run * u8::from(letter));
    }
}

#[derive(Debug, Default)]
pub struct Tokens {
    /// The normalized text in UTF-8 (single-piece words are ranges of it), then the text of
    /// every other unit.
    pub arena: String,
    pub seq: Vec<Unit>,
    pub extra: Vec<Unit>,
}

impl Tokens {
    pub fn text(&self, unit: &Unit) -> &str {
        &self.arena[unit.text.clone()]
    }
}

pub const fn is_leet_symbol(c: char) -> bool {
    matches!(c, '@' | '$' | '!' | '|' | '*' | '+')
}

/// Collapses every run of a repeated character.
pub fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    squeeze_into(s, &mut out);
    out
}

/// [`squeeze`] into `out` (cleared first).
pub fn squeeze_into(s: &str, out: &mut String) {
    out.clear();
    let mut last = None;
    for c in s.chars() {
        if last != Some(c) {
            out.push(c);
        }
        last = Some(c);
    }
}

/// Whether a word is worth a squeezed reading: Arabic hardly doubles letters once shadda
/// is gone, English does (good, shiitake, class), so Latin needs a run of three.
fn wants_squeeze(unit: &Unit) -> bool {
    let need = if unit.script == Script::Arabic { 2 } else { 3 };
    unit.runs.letter >= need
}

#[derive(Debug, Clone)]
struct Piece {
    chunk: usize,
    /// Characters of the normalized text.
    range: Range<usize>,
    /// The same, in bytes of the arena's copy of the text.
    bytes: Range<usize>,
    single: bool,
    script: Script,
    runs: Runs,
    digits: bool,
}

/// A run of non-space characters, with what [`symbolic_units`] needs to know of it.
#[derive(Debug, Clone)]
struct Chunk {
    range: Range<usize>,
    leet: bool,
    arabic: bool,
}

/// The tokenizer's working buffers. A caller that tokenizes many texts keeps one (the
/// matcher keeps one per thread), so the steady state allocates nothing.
#[derive(Debug, Default)]
pub struct Scratch {
    pieces: Vec<Piece>,
    chunks: Vec<Chunk>,
    /// The sequence word of each piece.
    piece_seq: Vec<usize>,
    groups: Vec<Range<usize>>,
    squeezed: String,
    original: Vec<char>,
}

/// Splits normalized text into the sequence and its extra readings. `original` is the text
/// that was normalized (for the second reading of the digits 8 and 9).
pub fn tokenize(norm: &Normalized, original: &str) -> Tokens {
    let chars: Vec<char> = norm.text.chars().collect();
    tokenize_chars(&chars, &norm.spans, original)
}

/// [`tokenize`] on the characters of normalized text and their spans.
pub fn tokenize_chars(chars: &[char], spans: &[[usize; 2]], original: &str) -> Tokens {
    let mut tokens = Tokens::default();
    tokenize_into(
        chars,
        SpanMap::Spans(spans),
        original,
        &mut tokens,
        &mut Scratch::default(),
    );
    tokens
}

/// [`tokenize_chars`] into `tokens` (cleared first), with the caller's buffers.
pub fn tokenize_into(
    chars: &[char],
    spans: SpanMap<'_>,
    original: &str,
    tokens: &mut Tokens,
    scratch: &mut Scratch,
) {
    tokens.arena.clear();
    tokens.seq.clear();
    tokens.extra.clear();
    split(chars, spans, original, &mut tokens.arena, scratch);
    let Scratch {
        pieces,
        chunks,
        piece_seq,
        groups,
        squeezed,
        original: original_chars,
    } = scratch;
    piece_seq.clear();
    piece_seq.resize(pieces.len(), 0);
    let mut k = 0;
    while k < pieces.len() {
        let mut end = k + 1;
        if pieces[k].single {
            while end < pieces.len() && pieces[end].single && pieces[end].script == pieces[k].script {
                end += 1;
            }
        }
        if end - k == 1 {
            piece_seq[k] = tokens.seq.len();
            let unit = push_unit(&mut tokens.arena, &pieces[k..end], Kind::Word, tokens.seq.len());
            tokens.seq.push(unit);
        } else {
            single_run(chars, pieces, k..end, piece_seq, groups, tokens);
        }
        k = end;
    }
    glued_chunks(pieces, piece_seq, tokens);
    symbolic_units(chars, chunks, pieces, piece_seq, tokens);
    variants(chars, spans, original, original_chars, squeezed, tokens);
}

/// What [`split`] (and the Arabic prefilter) asks of a character, as bits, from one lookup.
pub(crate) mod class {
    pub const SPACE: u8 = 1;
    /// A letter or a digit.
    pub const WORD: u8 = 2;
    pub const ARABIC: u8 = 4;
    /// An ASCII letter.
    pub const LATIN: u8 = 8;
    /// One of `@ $ ! | * +`.
    pub const LEET: u8 = 16;
    /// A letter (`char::is_alphabetic`), among word characters.
    pub const LETTER: u8 = 32;
    pub const DIGIT: u8 = 64;
}

/// The class of every ASCII character, then of every character of the Arabic block.
const CLASSES: [u8; 0x180] = {
    let mut table = [0; 0x180];
    let mut k = 0;
    while k < 0x80 {
        let c = k as u8;
        table[k] = if c.is_ascii_alphabetic() {
            class::WORD | class::LATIN | class::LETTER
        } else if c.is_ascii_digit() {
            class::WORD | class::DIGIT
        } else if (c as char).is_whitespace() {
            class::SPACE
        } else if is_leet_symbol(c as char) {
            class::LEET
        } else {
            0
        };
        k += 1;
    }
    while k < 0x180 {
        let c = char::from_u32(0x0600 + k as u32 - 0x80);
        table[k] = match c {
            Some(c) if is_arabic_letter_by_ranges(c) => class::WORD | class::ARABIC | class::LETTER,
            Some(c) if arabic_indic_value(c).is_some() => class::WORD,
            _ => 0,
        };
        k += 1;
    }
    table
};

/// The class of a character: a table read for ASCII and the Arabic block, inlined in
/// `split`'s loops; the Unicode tables, out of line, for the rest.
#[inline(always)]
pub(crate) fn class_of(c: char) -> u8 {
    match c as u32 {
        u @ 0..0x80 => CLASSES[u as usize],
        u @ 0x0600..0x0700 => CLASSES[(u - 0x0600 + 0x80) as usize],
        _ => class_of_other(c),
    }
}

#[inline(never)]
fn class_of_other(c: char) -> u8 {
    if is_plain_symbol(c) {
        return 0;
    }
    let space = if c.is_whitespace() { class::SPACE } else { 0 };
    let word = if c.is_alphanumeric() { class::WORD } else { 0 };
    let arabic = if is_arabic_letter(c) { class::ARABIC } else { 0 };
    let letter = if c.is_alphabetic() { class::LETTER } else { 0 };
    space | word | arabic | letter
}

/// Chunks (runs of non-space) and their pieces (runs of letters and digits, cut where
/// Arabic script meets Latin: "الghby" is ال + ghby), in one pass over the characters, with
/// the characters in UTF-8 in `arena` (pieces record their bytes there).
///
/// `chars` are `original` normalized, and `spans` says where they came from. An ASCII
/// original (its span map one to one) was only lowered, so it is copied in bulk and a
/// character's byte is its index; any other is copied character by character as the pass
/// goes.
fn split(chars: &[char], spans: SpanMap<'_>, original: &str, arena: &mut String, scratch: &mut Scratch) {
    if let SpanMap::OneToOne = spans {
        arena.push_str(original);
        arena.make_ascii_lowercase();
        debug_assert!(arena.chars().eq(chars.iter().copied()));
        split_with::<true>(chars, arena, scratch);
    } else {
        split_with::<false>(chars, arena, scratch);
    }
}

/// [`split`], with `ASCII` when `arena` already holds the characters, one byte each.
fn split_with<const ASCII: bool>(chars: &[char], arena: &mut String, scratch: &mut Scratch) {
    let (pieces, chunks) = (&mut scratch.pieces, &mut scratch.chunks);
    pieces.clear();
    chunks.clear();
    if !ASCII {
        arena.reserve(chars.len() * 2);
    }
    // Where character `i` starts in `arena`.
    let byte = |arena: &String, i: usize| if ASCII { i } else { arena.len() };
    let push = |arena: &mut String, c: char| {
        if !ASCII {
            arena.push(c);
        }
    };
    // The class of character `i`. In ASCII text a character is its byte, and the table
    // (longer than 256) answers without the range tests of `class_of`.
    let class_at = |i: usize| {
        if ASCII {
            CLASSES[usize::from(chars[i] as u8)]
        } else {
            class_of(chars[i])
        }
    };
    let mut i = 0;
    while i < chars.len() {
        if class_at(i) & class::SPACE != 0 {
            push(arena, chars[i]);
            i += 1;
            continue;
        }
        let (start, mut leet, mut arabic) = (i, false, false);
        while i < chars.len() {
            let (c, k) = (chars[i], class_at(i));
            if k & class::SPACE != 0 {
                break;
            }
            if k & class::WORD == 0 {
                leet |= k & class::LEET != 0;
                push(arena, c);
                i += 1;
                continue;
            }
            let (p, p_byte) = (i, byte(arena, i));
            // `class::ARABIC` or `class::LATIN` once a letter of either script is seen.
            let (mut script, mut digits, mut runs) = (0, false, RunCounter::default());
            while i < chars.len() {
                let (c, k) = (chars[i], class_at(i));
                let here = k & (class::ARABIC | class::LATIN);
                // (ASCII text has one script.)
                if k & class::WORD == 0 || !ASCII && here != 0 && script != 0 && here != script {
                    break;
                }
                script |= here;
                digits |= k & class::DIGIT != 0;
                runs.add(c, k & class::LETTER != 0);
                push(arena, c);
                i += 1;
            }
            arabic |= script == class::ARABIC;
            pieces.push(Piece {
                chunk: chunks.len(),
                range: p..i,
                bytes: p_byte..byte(arena, i),
                // A lone letter (و, a): its class says whether it is one.
                single: i - p == 1 && class_at(p) & class::LETTER != 0,
                script: match script {
                    class::ARABIC => Script::Arabic,
                    class::LATIN => Script::Latin,
                    _ => Script::Other,
                },
                runs: runs.runs,
                digits,
            });
        }
        chunks.push(Chunk {
            range: start..i,
            leet,
            arabic,
        });
    }
}

/// Letters that stand alone as words at the edge of a spaced run: و (and), ي (for يا); and
/// a, i, u in Latin text.
fn standalone(c: char, first: bool) -> bool {
    matches!(c, 'و') || first && matches!(c, 'ي' | 'a' | 'i' | 'u')
}

/// A run of two or more single letters: joined per chunk ("a b_i_t_c_h" is a + bitch), an
/// edge letter that stands alone kept apart ("ك ل ب و" is كلب + و), and the whole run
/// joined as an extra reading. In Arabic, a spaced run also glues to the word before or
/// after it ("الغ ب ي" → الغبي).
fn single_run(
    chars: &[char],
    pieces: &[Piece],
    run: Range<usize>,
    piece_seq: &mut [usize],
    groups: &mut Vec<Range<usize>>,
    tokens: &mut Tokens,
) {
    groups.clear();
    for k in run.clone() {
        match groups.last_mut() {
            Some(g) if pieces[g.start].chunk == pieces[k].chunk => g.end = k + 1,
            _ => groups.push(k..k + 1),
        }
    }
    let letter = |k: usize| chars[pieces[k].range.start];
    if groups.iter().all(|g| g.len() == 1) && groups.len() >= 3 {
        // Spaced letters: split off a standalone letter at either edge.
        let (first, last) = (run.start, run.end - 1);
        let keep_first = standalone(letter(first), true);
        let keep_last = standalone(letter(last), false);
        let middle = run.start + usize::from(keep_first)..run.end - usize::from(keep_last);
        groups.clear();
        if keep_first {
            groups.push(first..first + 1);
        }
        groups.push(middle);
        if keep_last {
            groups.push(last..last + 1);
        }
    } else if groups.iter().all(|g| g.len() == 1) {
        groups.clear();
        groups.push(run.clone());
    }
    let first_seq = tokens.seq.len();
    for g in groups.iter() {
        let kind = if g.len() >= 2 { Kind::Joined } else { Kind::Word };
        for k in g.clone() {
            piece_seq[k] = tokens.seq.len();
        }
        let unit = push_unit(&mut tokens.arena, &pieces[g.clone()], kind, tokens.seq.len());
        tokens.seq.push(unit);
    }
    if groups.len() > 1 {
        let unit = push_unit(&mut tokens.arena, &pieces[run.clone()], Kind::Joined, first_seq);
        tokens.extra.push(unit);
    }
    if pieces[run.start].script == Script::Arabic {
        let before = run
            .start
            .checked_sub(1)
            .filter(|&b| pieces[b].script == Script::Arabic);
        let after = Some(run.end).filter(|&a| a < pieces.len() && pieces[a].script == Script::Arabic);
        if let Some(b) = before {
            let unit = push_unit(&mut tokens.arena, &pieces[b..run.end], Kind::Joined, piece_seq[b]);
            tokens.extra.push(unit);
        }
        if let Some(a) = after {
            let unit = push_unit(&mut tokens.arena, &pieces[run.start..=a], Kind::Joined, first_seq);
            tokens.extra.push(unit);
        }
    }
}

/// Glued readings of chunks with several pieces (unless all were single letters, which
/// the sequence already joined): "قح💩بة" → قحبه, "ass.assin" → assassin.
fn glued_chunks(pieces: &[Piece], piece_seq: &[usize], tokens: &mut Tokens) {
    let mut k = 0;
    while k < pieces.len() {
        let mut end = k + 1;
        while end < pieces.len() && pieces[end].chunk == pieces[k].chunk {
            end += 1;
        }
        let group = &pieces[k..end];
        if group.len() >= 2 && !group.iter().all(|p| p.single) {
            let unit = push_unit(&mut tokens.arena, group, Kind::Concat, piece_seq[k]);
            let index = tokens.extra.len();
            tokens.extra.push(unit);
            for &s in &piece_seq[k..end] {
                tokens.seq[s].concat = Some(index);
            }
        }
        k = end;
    }
}

/// The unit that reads `pieces` glued together: a range of the arena's copy of the text
/// for a single piece, a new copy at the arena's end for several.
fn push_unit(arena: &mut String, pieces: &[Piece], kind: Kind, seq: usize) -> Unit {
    let (text, runs) = match pieces {
        [one] => (one.bytes.clone(), one.runs),
        _ => {
            let from = arena.len();
            for p in pieces {
                arena.extend_from_within(p.bytes.clone());
            }
            (from..arena.len(), Runs::of(&arena[from..]))
        }
    };
    let first = pieces.first().map_or(0, |p| p.range.start);
    let last = pieces.last().map_or(0, |p| p.range.end);
    let script = if pieces.iter().any(|p| p.script == Script::Arabic) {
        Script::Arabic
    } else if pieces.iter().any(|p| p.script == Script::Latin) {
        Script::Latin
    } else {
        Script::Other
    };
    Unit {
        text,
        chars: [first, last],
        script,
        kind,
        seq,
        concat: None,
        runs,
        digits: pieces.iter().any(|p| p.digits),
    }
}

/// Latin chunks written with leet symbols: "a$$hole", "$h17", "f*ck", "b!tch".
fn symbolic_units(
    chars: &[char],
    chunks: &[Chunk],
    pieces: &[Piece],
    piece_seq: &[usize],
    tokens: &mut Tokens,
) {
    let mut first_piece = 0;
    for (chunk, Chunk { range, leet, arabic }) in chunks.iter().enumerate() {
        if !leet || *arabic {
            continue;
        }
        while first_piece < pieces.len() && pieces[first_piece].chunk < chunk {
            first_piece += 1;
        }
        let seq = piece_seq.get(first_piece).copied().unwrap_or(0);
        let mut j = range.start;
        while j < range.end {
            if !(is_word_char(chars[j]) || is_leet_symbol(chars[j])) {
                j += 1;
                continue;
            }
            let p = j;
            while j < range.end && (is_word_char(chars[j]) || is_leet_symbol(chars[j])) {
                j += 1;
            }
            let mut end = j;
            while end > p && matches!(chars[end - 1], '!' | '|' | '+') {
                end -= 1;
            }
            let run = &chars[p..end];
            if run.iter().any(|&c| is_leet_symbol(c))
                && run.iter().filter(|c| c.is_ascii_alphabetic()).count() >= 1
            {
                let from = tokens.arena.len();
                tokens.arena.extend(run);
                let text = from..tokens.arena.len();
                let unit = Unit {
                    runs: Runs::of(&tokens.arena[text.clone()]),
                    digits: run.iter().any(char::is_ascii_digit),
                    text,
                    chars: [p, end],
                    script: Script::Latin,
                    kind: Kind::Symbolic,
                    seq,
                    concat: None,
                };
                tokens.extra.push(unit);
            }
        }
    }
}

/// Whether `text` holds an 8 or a 9, ASCII or Arabic-Indic (٨ ٩ are D9 A8, D9 A9; ۸ ۹ are
/// DB B8, DB B9). Three vectorized byte searches: an Arabic comment took about 400
/// instructions with them, 1,200 with a `str::contains` per digit and 2,800 with an
/// automaton reading every byte. Asked of nearly every Arabic comment, by the tokenizer and
/// by the Arabic prefilter.
pub(crate) fn has_eight_or_nine(text: &str) -> bool {
    static INDIC: LazyLock<[memmem::Finder<'static>; 2]> =
        LazyLock::new(|| ["٨", "٩"].map(|d| memmem::Finder::new(d.as_bytes()).into_owned()));
    let b = text.as_bytes();
    // DB starts few Arabic letters (ہ ی ے …), D9 starts half of them (ل م ن ه و ي).
    let extended = |i: usize| b[i] != 0xDB || matches!(b.get(i + 1), Some(0xB8 | 0xB9));
    memchr::memchr3_iter(b'8', b'9', 0xDB, b).any(extended) || INDIC.iter().any(|f| f.find(b).is_some())
}

/// Squeezed readings of every unit, and the 8 → غ / 9 → ق reading of Arabic words.
fn variants(
    chars: &[char],
    spans: SpanMap<'_>,
    original: &str,
    original_chars: &mut Vec<char>,
    squeezed: &mut String,
    tokens: &mut Tokens,
) {
    let mut original_read = false;
    // The other reading needs an 8 or a 9 in the original; most texts have none. Looked up
    // on the first Arabic word (a text without one never pays for it).
    let mut digit_alt = None;
    let count = tokens.seq.len() + tokens.extra.len();
    for index in 0..count {
        let unit = if index < tokens.seq.len() {
            &tokens.seq[index]
        } else {
            &tokens.extra[index - tokens.seq.len()]
        };
        let squeeze = unit.kind != Kind::Symbolic && unit.script != Script::Other && wants_squeeze(unit);
        let other_digits = unit.kind == Kind::Word
            && unit.script == Script::Arabic
            && *digit_alt.get_or_insert_with(|| has_eight_or_nine(original));
        if !(squeeze || other_digits) {
            continue;
        }
        let unit = Unit {
            concat: None,
            ..unit.clone()
        };
        if squeeze {
            squeeze_into(&tokens.arena[unit.text.clone()], squeezed);
            let from = tokens.arena.len();
            tokens.arena.push_str(squeezed);
            let text = from..tokens.arena.len();
            tokens.extra.push(Unit {
                text,
                kind: Kind::Squeezed,
                runs: Runs::of(squeezed),
                ..unit.clone()
            });
        }
        if !other_digits {
            continue;
        }
        let range = unit.chars[0]..unit.chars[1];
        if !chars[range.clone()].iter().any(|&c| c == 'ق' || c == 'ص') {
            continue;
        }
        if !original_read {
            original_chars.clear();
            original_chars.extend(original.chars());
            original_read = true;
        }
        let orig = &*original_chars;
        let from = tokens.arena.len();
        let mut changed = false;
        for k in range {
            let source = spans.get(k).and_then(|s| orig.get(s[0])).copied();
            let alt = match (chars[k], source) {
                ('ق', Some('8' | '٨' | '۸')) => 'غ',
                ('ص', Some('9' | '٩' | '۹')) => 'ق',
                (c, _) => c,
            };
            changed |= alt != chars[k];
            tokens.arena.push(alt);
        }
        if changed {
            let text = from..tokens.arena.len();
            tokens.extra.push(Unit {
                runs: Runs::of(&tokens.arena[text.clone()]),
                text,
                kind: Kind::DigitAlt,
                ..unit
            });
        } else {
            tokens.arena.truncate(from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_letters_are_word_characters_and_leet_symbols_are_not() {
        // `split` reads a chunk's Arabic letters inside its pieces and its leet symbols
        // between them.
        for c in '\u{0600}'..='\u{08FF}' {
            assert!(
                !is_arabic_letter(c) || is_word_char(c) && c.is_alphabetic(),
                "{c:?}"
            );
        }
        for c in ['@', '$', '!', '|', '*', '+'] {
            assert!(is_leet_symbol(c) && !is_word_char(c), "{c:?}");
        }
    }

    #[test]
    fn eights_and_nines_are_found_as_a_character_search_finds_them() {
        // ب ة ظ ع share a last byte with ٨ ٩ ۸ ۹, ی ے a first byte with ۸ ۹.
        for text in [
            "",
            "abc",
            "8",
            "x9",
            "ب ة ظ ع",
            "ی ے ۷",
            "ل٨",
            "٩",
            "۸ی",
            "ی۹",
            "٧ ٠ ۰ 7",
            "قحبه 2019",
        ] {
            let expected = ['8', '9', '٨', '۸', '٩', '۹'].iter().any(|&d| text.contains(d));
            assert_eq!(has_eight_or_nine(text), expected, "{text:?}");
        }
    }

    #[test]
    fn the_class_table_agrees_with_the_predicates_it_stands_for() {
        let bit = |on: bool, b: u8| if on { b } else { 0 };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let word = is_word_char(c);
            let expected = bit(c.is_whitespace(), class::SPACE)
                | bit(word, class::WORD)
                | bit(is_arabic_letter(c), class::ARABIC)
                | bit(c.is_ascii_alphabetic(), class::LATIN)
                | bit(is_leet_symbol(c), class::LEET)
                | bit(word && c.is_alphabetic(), class::LETTER)
                | bit(c.is_ascii_digit(), class::DIGIT);
            assert_eq!(class_of(c), expected, "{c:?}");
            // What `Runs::of` relies on for the characters of a unit's text.
            if word || is_leet_symbol(c) {
                assert_eq!(class_of(c) & class::LETTER != 0, c.is_alphabetic(), "{c:?}");
            }
        }
    }
}
