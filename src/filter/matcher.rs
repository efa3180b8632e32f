//! Finds lexicon entries in a text: one Aho-Corasick pass per reading (Arabic words, Latin
//! words, their leet reading, their Arabizi keys), then whole-word checks on each match.
//!
//! An automaton finds every occurrence of a term (or of one of its forms) inside the
//! reading; a match counts only if what surrounds it inside its token is allowed by the
//! entry: nothing for English words, the proclitics and pronouns of the entry's `morph` for
//! Arabic (ARABIC.md §4.3), anything for `prefix`/`substring` entries. So مص never matches
//! inside مصر, and بالعكس is not كس. Frame entries also need an insult frame before them,
//! and a match whose token (or glued token) is on the allow-list is dropped.
//!
//! Two prefilters read a text before any of this and answer most texts, those with nothing
//! to find, on their own: one for ASCII texts (`matcher/prefilter.rs`), one for texts
//! without Latin letters (`matcher/arabic_prefilter.rs`).

mod arabic_prefilter;
mod prefilter;

use std::cell::RefCell;
use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use foldhash::{HashSet, HashSetExt};
use serde::{Deserialize, Serialize};

use self::arabic_prefilter::{ArabicPrefilter, Letters};
use self::prefilter::{Prefilter, Stripped};
use super::arabizi::{self, Gate};
use super::leet::{Wildcards, for_each_leet_variant};
use super::lexicon::{
    AR_PROCLITICS, AR_SUFFIXES, Entry, EntryAction, FRAME_ARTICLES, FRAMES, Lang, Lexicon, Mode, Morph,
    Severity, english_forms,
};
use super::normalize::{Buffers, SpanMap, normalize, normalize_chars, normalize_into};
use super::tokens::{self, Kind, Script, Tokens, Unit, squeeze, squeeze_into, tokenize_into};

/// Which reading of the text found a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Arabic,
    Latin,
    Leet,
    Arabizi,
}

/// A lexicon entry found in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The entry's term, as the lexicon spells it.
    pub term: String,
    pub severity: Severity,
    pub action: EntryAction,
    pub lang: Lang,
    /// `[start, end)` in scalar values of the original text: the offending word(s) as
    /// written, with their clitics, diacritics and invisible characters.
    pub span: [usize; 2],
    pub view: View,
}

#[derive(Debug, Clone, Copy)]
struct Pattern {
    entry: u32,
    /// Matches squeezed words only (or, if false, words as written only).
    squeezed: bool,
    /// An Arabic stem whose ة became ت before a pronoun (قحبتك): needs a suffix.
    stem_t: bool,
}

#[derive(Debug, Default)]
struct Automaton {
    ac: Option<AhoCorasick>,
    patterns: Vec<Vec<Pattern>>,
}

impl Automaton {
    fn build(map: BTreeMap<String, Vec<Pattern>>) -> Automaton {
        let (keys, patterns): (Vec<String>, Vec<Vec<Pattern>>) = map.into_iter().unzip();
        // Standard semantics: overlapping iteration reports every occurrence, so the one
        // aligned with the token's clitics is seen even when a longer pattern also matches.
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&keys)
            .ok();
        Automaton { ac, patterns }
    }
}

/// The compiled word lists. Build once, share behind an `Arc`.
#[derive(Debug)]
pub struct Matcher {
    entries: Vec<Entry>,
    /// Each entry's normalized term.
    terms: Vec<String>,
    arabic: Automaton,
    latin: Automaton,
    arabizi: Automaton,
    /// Whether a text could hold a hit at all, before it is tokenized: an ASCII text, and
    /// one without Latin letters.
    prefilter: Prefilter,
    arabic_prefilter: ArabicPrefilter,
    wildcards: Wildcards,
    allow: HashSet<String>,
    allow_squeezed: HashSet<String>,
    /// Allowed phrases, each word squeezed (they are compared with squeezed words).
    allow_phrases: Vec<Vec<String>>,
}

fn add(map: &mut BTreeMap<String, Vec<Pattern>>, key: &str, pattern: Pattern) {
    if !key.is_empty() {
        map.entry(key.to_owned()).or_default().push(pattern);
    }
}

/// Normalized term with single spaces between its words.
fn normalized_term(term: &str) -> String {
    normalize(term)
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Matcher {
    pub fn new(lexicon: &Lexicon) -> Matcher {
        let (mut arabic, mut latin, mut arabizi) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let mut wildcards = Wildcards::default();
        let mut terms = Vec::with_capacity(lexicon.entries.len());
        for (id, e) in lexicon.entries.iter().enumerate() {
            let t = normalized_term(&e.term);
            let entry = u32::try_from(id).unwrap_or(u32::MAX);
            let plain = Pattern {
                entry,
                squeezed: false,
                stem_t: false,
            };
            let sq = Pattern {
                squeezed: true,
                ..plain
            };
            match e.lang {
                Lang::Ar => {
                    add(&mut arabic, &t, plain);
                    add(&mut arabic, &squeeze(&t), sq);
                    if e.morph == Morph::Full && t.ends_with('ه') && !t.contains(' ') {
                        let stem = format!("{}ت", &t[..t.len() - 'ه'.len_utf8()]);
                        add(
                            &mut arabic,
                            &stem,
                            Pattern {
                                stem_t: true,
                                ..plain
                            },
                        );
                        add(&mut arabic, &squeeze(&stem), Pattern { stem_t: true, ..sq });
                    }
                    for key in arabizi::arabic_keys(&t) {
                        add(&mut arabizi, &key, plain);
                    }
                }
                Lang::En => {
                    let forms = english_forms(&t);
                    let word = matches!(e.mode, Mode::Word | Mode::Frame);
                    for form in if word { &forms[..] } else { &forms[..1] } {
                        add(&mut latin, form, plain);
                        add(&mut latin, &squeeze(form), sq);
                    }
                    for form in &forms {
                        wildcards.add(form, entry, e.severity);
                    }
                }
                Lang::Arabizi => {
                    add(&mut latin, &t, plain);
                    add(&mut latin, &squeeze(&t), sq);
                    for key in latin_phrase_keys(&t) {
                        add(&mut arabizi, &key, plain);
                    }
                }
            }
            terms.push(t);
        }
        let mut allow = HashSet::new();
        let mut allow_phrases = Vec::new();
        for word in &lexicon.allow {
            // Words as the tokenizer sees them: "al-Assad" is the phrase al + assad.
            let n = normalize(word).text;
            let words: Vec<String> = n
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            match words.len() {
                0 => {}
                1 => {
                    allow.extend(words);
                }
                _ => allow_phrases.push(words.iter().map(|w| squeeze(w)).collect()),
            }
        }
        let allow_squeezed = allow.iter().map(|w| squeeze(w)).collect();
        let prefilter = Prefilter::new(latin.iter().map(|(key, patterns)| {
            let squeezed = patterns.iter().any(|p| p.squeezed);
            let as_written = patterns.iter().any(|p| !p.squeezed);
            (key.as_str(), as_written, squeezed)
        }));
        let arabic_prefilter = ArabicPrefilter::new(arabic.iter().map(|(key, patterns)| {
            let whole_word = patterns.iter().all(|p| {
                let entry = p.entry as usize;
                !p.stem_t && whole_word_only(&lexicon.entries[entry], terms[entry].chars().count())
            });
            (key.as_str(), whole_word)
        }));
        Matcher {
            entries: lexicon.entries.clone(),
            terms,
            arabic: Automaton::build(arabic),
            latin: Automaton::build(latin),
            arabizi: Automaton::build(arabizi),
            prefilter,
            arabic_prefilter,
            wildcards,
            allow,
            allow_squeezed,
            allow_phrases,
        }
    }

    /// Every entry found in `text`, sorted by position; one hit per span (the most severe).
    pub fn find(&self, text: &str) -> Vec<Hit> {
        // The thread's buffers are taken out for the call, so a nested call would only
        // allocate its own.
        FIND_BUFFERS.with(|cell| {
            let mut normalized = cell.take();
            normalize_into(text, &mut normalized);
            let hits = self.find_normalized(text, &normalized.chars, normalized.span_map());
            if normalized.chars.capacity() <= SCRATCH_KEEP_BYTES {
                cell.replace(normalized);
            }
            hits
        })
    }

    /// As [`Matcher::find`], for a caller that already has `text` through `normalize_into`
    /// (the pipeline, which also feeds the normalized text to the models).
    pub fn find_normalized(&self, text: &str, chars: &[char], spans: SpanMap<'_>) -> Vec<Hit> {
        let mut hits = self.find_in(text, chars, spans);
        if has_bidi_override(text) {
            let (reversed, map) = reverse_overrides(text);
            let (r_chars, r_spans) = normalize_chars(&reversed);
            for mut hit in self.find_in(&reversed, &r_chars, SpanMap::Spans(&r_spans)) {
                let from = map[hit.span[0]..hit.span[1]].iter();
                let (lo, hi) = from.fold((usize::MAX, 0), |(lo, hi), &p| (lo.min(p), hi.max(p + 1)));
                if lo < hi {
                    hit.span = [lo, hi];
                    hits.push(hit);
                }
            }
        }
        hits.sort_by(|a, b| {
            (a.span, std::cmp::Reverse((a.severity, a.action)))
                .cmp(&(b.span, std::cmp::Reverse((b.severity, b.action))))
        });
        hits.dedup_by_key(|h| h.span);
        hits
    }

    fn find_in(&self, text: &str, chars: &[char], spans: SpanMap<'_>) -> Vec<Hit> {
        with_scratch(|scratch| {
            if !self
                .prefilter
                .may_match(text, chars, spans, &mut scratch.stripped)
                || !self.arabic_prefilter.may_match(text, chars, &mut scratch.letters)
            {
                return Vec::new();
            }
            self.find_with(text, chars, spans, scratch)
        })
    }

    fn find_with(&self, text: &str, chars: &[char], spans: SpanMap<'_>, scratch: &mut Scratch) -> Vec<Hit> {
        let Scratch {
            tokens,
            tokenizer,
            view,
            word,
            others,
            ..
        } = scratch;
        tokenize_into(chars, spans, text, tokens, tokenizer);
        let tokens = &*tokens;
        let mut scan = Scan {
            m: self,
            tokens,
            spans,
            hits: Vec::new(),
        };
        let units = || tokens.seq.iter().chain(&tokens.extra).enumerate();
        let readable = |u: &Unit, script| u.script == script && u.kind != Kind::Symbolic;
        let seq_len = tokens.seq.len();
        view.clear();
        for (g, u) in units().filter(|(_, u)| readable(u, Script::Arabic)) {
            view.push(g, tokens.text(u), seq_len, u.kind == Kind::Squeezed);
        }
        // Words near an elongated one once more, all squeezed, for phrases with repeats
        // (لعنننة الله عليك): a squeezed phrase pattern needs every word squeezed.
        let elongated =
            (0..seq_len).filter(|&g| tokens.seq[g].script == Script::Arabic && tokens.seq[g].runs.any >= 3);
        let mut next = 0;
        for e in elongated {
            for g in e.saturating_sub(3).max(next)..(e + 4).min(seq_len) {
                let u = &tokens.seq[g];
                if u.script == Script::Arabic {
                    squeeze_into(tokens.text(u), word);
                    view.push(g, word, seq_len, true);
                }
                next = g + 1;
            }
        }
        scan.run(&self.arabic, view, View::Arabic);
        view.clear();
        for (g, u) in units().filter(|(_, u)| readable(u, Script::Latin)) {
            view.push(g, tokens.text(u), seq_len, u.kind == Kind::Squeezed);
        }
        if view.items.is_empty() {
            // No Latin word: the leet and Arabizi readings have nothing to read either.
            return scan.hits;
        }
        scan.run(&self.latin, view, View::Latin);
        self.leet(&mut scan, view, word);
        let latin_words = tokens
            .seq
            .iter()
            .filter(|u| u.script == Script::Latin)
            .map(|u| (tokens.text(u), u.digits));
        let gate = Gate::new(latin_words, tokens.seq.iter().any(|u| u.script == Script::Arabic));
        view.clear();
        others.clear();
        for (g, u) in units().filter(|(_, u)| readable(u, Script::Latin) && u.kind != Kind::Squeezed) {
            let word = tokens.text(u);
            if gate.allows(word, u.digits) {
                for (k, key) in arabizi::latin_keys(word).into_iter().enumerate() {
                    if k == 0 {
                        view.push(g, &key, seq_len, false);
                    } else {
                        others.push((g, key));
                    }
                }
            }
        }
        // Other digit readings after the sequence, so they do not break its phrases.
        for (g, key) in others.drain(..) {
            view.push(g, &key, 0, false);
        }
        scan.run(&self.arabizi, view, View::Arabizi);
        scan.hits
    }

    /// Leet reading of Latin words with digits or symbols; `*` through the wildcards.
    /// `buf` holds one leet reading at a time.
    fn leet(&self, scan: &mut Scan<'_>, view: &mut ViewText, buf: &mut String) {
        let tokens = scan.tokens;
        view.clear();
        for (g, u) in tokens.seq.iter().chain(&tokens.extra).enumerate() {
            // Words and glued chunks hold letters and digits only: without a digit they have
            // no leet character and no `*`.
            let leetable = u.script == Script::Latin
                && (u.kind == Kind::Symbolic || matches!(u.kind, Kind::Word | Kind::Concat) && u.digits);
            if !leetable {
                continue;
            }
            for_each_leet_variant(tokens.text(u), buf, |variant| {
                if !variant.contains('*') {
                    view.push(g, variant, 0, false);
                } else if let Some(entry) = self.wildcards.find(variant) {
                    scan.emit(entry, g, g, View::Leet);
                }
            });
        }
        scan.run(&self.latin, view, View::Leet);
    }
}

/// Keys of an Arabizi entry: the product of its words' keys.
fn latin_phrase_keys(term: &str) -> Vec<String> {
    let mut keys = vec![String::new()];
    for word in term.split(' ') {
        let word_keys = arabizi::latin_keys(word);
        let mut next = Vec::new();
        for k in &keys {
            for w in &word_keys {
                next.push(if k.is_empty() {
                    w.clone()
                } else {
                    format!("{k} {w}")
                });
            }
        }
        keys = next;
    }
    keys
}

/// Whether `text` holds U+202D or U+202E (E2 80 AD, E2 80 AE): one vectorized search for
/// their first byte rather than decoding every character of every text for two that hardly
/// ever occur.
fn has_bidi_override(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(0xE2, bytes).any(|i| {
        bytes
            .get(i + 1..i + 3)
            .is_some_and(|t| matches!(t, [0x80, 0xAD | 0xAE]))
    })
}

/// Reverses each bidi override span (U+202D/U+202E up to U+202C or the end of the line):
/// the reversed text is what a reader sees. Returns the text and each char's source index.
fn reverse_overrides(text: &str) -> (String, Vec<usize>) {
    let chars: Vec<char> = text.chars().collect();
    let mut order = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        order.push(i);
        if matches!(chars[i], '\u{202D}' | '\u{202E}') {
            let end = (i + 1..chars.len())
                .find(|&j| matches!(chars[j], '\u{202C}' | '\u{202D}' | '\u{202E}' | '\n'))
                .unwrap_or(chars.len());
            order.extend((i + 1..end).rev());
            i = end;
        } else {
            i += 1;
        }
    }
    (order.iter().map(|&k| chars[k]).collect(), order)
}

/// The matcher's working buffers, one set per thread: the steady state allocates nothing
/// but the hits.
#[derive(Default)]
struct Scratch {
    tokens: Tokens,
    tokenizer: tokens::Scratch,
    /// The reading being scanned (one at a time).
    view: ViewText,
    /// A squeezed word, or a leet reading.
    word: String,
    /// Arabizi keys after a word's first.
    others: Vec<(usize, String)>,
    /// The prefilters' copies of the text.
    stripped: Stripped,
    letters: Letters,
}

/// Texts longer than this leave their buffers to be freed rather than kept for the thread.
const SCRATCH_KEEP_BYTES: usize = 1 << 16;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
    /// [`Matcher::find`]'s normalized text (the pipeline keeps its own).
    static FIND_BUFFERS: RefCell<Buffers> = RefCell::default();
}

fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let out = f(&mut scratch);
            if scratch.tokens.arena.capacity() > SCRATCH_KEEP_BYTES
                || scratch.stripped.capacity() + scratch.letters.capacity() > SCRATCH_KEEP_BYTES
            {
                *scratch = Scratch::default();
            }
            out
        }
        // Not reentrant today; a fresh set keeps it correct if it ever is.
        Err(_) => f(&mut Scratch::default()),
    })
}

/// One reading laid out for an automaton: words separated by a space where they follow
/// each other in the text (phrases may span them), by U+0001 elsewhere.
#[derive(Default)]
struct ViewText {
    text: String,
    /// `(start, end, unit, squeezed)`: bytes of each word in `text`, its unit (global
    /// index), and whether squeezed patterns apply.
    items: Vec<(usize, usize, usize, bool)>,
    last_seq: Option<usize>,
}

impl ViewText {
    fn clear(&mut self) {
        self.text.clear();
        self.items.clear();
        self.last_seq = None;
    }

    /// `seq_len` is the number of sequence units (0 to force a separate segment).
    fn push(&mut self, g: usize, text: &str, seq_len: usize, squeezed: bool) {
        let in_seq = g < seq_len;
        if !self.items.is_empty() {
            let adjacent = in_seq && self.last_seq.is_some_and(|s| s + 1 == g);
            self.text.push(if adjacent { ' ' } else { '\u{1}' });
        }
        self.last_seq = in_seq.then_some(g);
        let start = self.text.len();
        self.text.push_str(text);
        self.items.push((start, self.text.len(), g, squeezed));
    }

    fn item_at(&self, byte: usize) -> Option<usize> {
        let k = self.items.partition_point(|&(s, ..)| s <= byte).checked_sub(1)?;
        (byte < self.items[k].1).then_some(k)
    }
}

struct Scan<'a> {
    m: &'a Matcher,
    tokens: &'a Tokens,
    spans: SpanMap<'a>,
    hits: Vec<Hit>,
}

impl Scan<'_> {
    fn unit(&self, g: usize) -> &Unit {
        let seq = &self.tokens.seq;
        if g < seq.len() {
            &seq[g]
        } else {
            &self.tokens.extra[g - seq.len()]
        }
    }

    fn run(&mut self, automaton: &Automaton, view: &ViewText, kind: View) {
        let Some(ac) = &automaton.ac else { return };
        if view.items.is_empty() {
            return;
        }
        for m in ac.find_overlapping_iter(&view.text) {
            let (Some(first), Some(last)) = (view.item_at(m.start()), view.item_at(m.end() - 1)) else {
                continue;
            };
            let (f, l) = (view.items[first], view.items[last]);
            let prefix = &view.text[f.0..m.start()];
            let suffix = &view.text[m.end()..l.1];
            for p in &automaton.patterns[m.pattern().as_usize()] {
                let unit = self.unit(f.2);
                if kind != View::Arabizi && p.squeezed != f.3 {
                    continue;
                }
                let e = &self.m.entries[p.entry as usize];
                let glued = match kind {
                    View::Arabic => arabic_ok(
                        e,
                        self.m.terms[p.entry as usize].chars().count(),
                        prefix,
                        suffix,
                        p.stem_t,
                    ),
                    View::Arabizi => arabizi_ok(e, prefix, suffix, self.tokens.text(unit)).filter(|_| {
                        let word = self.tokens.text(unit);
                        let key = &view.text[m.start()..m.end()];
                        let (digit, consonants) =
                            (arabizi::has_arabizi_digit(word), arabizi::consonants(key));
                        let strict = !digit && consonants < 3;
                        // An Arabizi entry's own spellings of a short word match in the Latin
                        // reading; its key alone would take iraq for ayrak, beauty for pute.
                        let short_ok = consonants == 2 && word.len() >= 3 && e.lang == Lang::Ar;
                        let long_enough = digit || consonants >= 3 || short_ok;
                        let range = m.start() - f.0..m.end() - f.0;
                        long_enough
                            && (first != last && !strict
                                || first == last
                                    && self.vowels_fit(p.entry, unit, &view.text[f.0..f.1], range, strict))
                    }),
                    View::Latin | View::Leet => latin_ok(e.mode, prefix, suffix),
                };
                let Some(glued) = glued else { continue };
                if e.mode == Mode::Frame && !glued && !self.framed(unit.seq) {
                    continue;
                }
                if kind == View::Arabic
                    && first == last
                    && self.allowed_text(&self.tokens.text(unit)[prefix.len()..])
                {
                    continue;
                }
                self.emit(p.entry, f.2, l.2, kind);
            }
        }
    }

    /// The vowel-aware check of an Arabizi key match (see [`arabizi::fine_arabic`]).
    fn vowels_fit(
        &self,
        entry: u32,
        unit: &Unit,
        key: &str,
        matched: std::ops::Range<usize>,
        strict: bool,
    ) -> bool {
        let word = self.tokens.text(unit);
        let Some((_, ranges)) = arabizi::latin_keys_mapped(word)
            .into_iter()
            .find(|(k, _)| k == key)
        else {
            return false;
        };
        let (Some(a), Some(b)) = (
            ranges.get(matched.start),
            matched.end.checked_sub(1).and_then(|e| ranges.get(e)),
        ) else {
            return false;
        };
        let core = &word[a.start..b.end];
        let term = &self.m.terms[entry as usize];
        match self.m.entries[entry as usize].lang {
            Lang::Ar => arabizi::fine_arabic(core, term, strict),
            Lang::Arabizi => arabizi::fine_latin(core, term),
            Lang::En => true,
        }
    }

    /// Records a hit over units `first..=last` (whole tokens, even for a substring entry:
    /// "fucking" is the offending word) unless the allow-list covers it.
    fn emit(&mut self, entry: u32, first: usize, last: usize, view: View) {
        if (first..=last).any(|g| self.allowed(g)) {
            return;
        }
        let chars = [self.unit(first).chars[0], self.unit(last).chars[1]];
        let (Some(a), Some(b)) = (
            self.spans.get(chars[0]),
            chars[1].checked_sub(1).and_then(|k| self.spans.get(k)),
        ) else {
            return;
        };
        let e = &self.m.entries[entry as usize];
        self.hits.push(Hit {
            term: e.term.clone(),
            severity: e.severity,
            action: e.action,
            lang: e.lang,
            span: [a[0], b[1]],
            view,
        });
    }

    fn allowed_text(&self, text: &str) -> bool {
        self.m.allow.contains(text)
    }

    /// A unit is allowed if it, its word, or its word's glued chunk is an allowed word, or
    /// if it lies inside an allowed phrase.
    fn allowed(&self, g: usize) -> bool {
        let unit = self.unit(g);
        let m = self.m;
        let word = &self.tokens.seq[unit.seq.min(self.tokens.seq.len().saturating_sub(1))];
        let text = self.tokens.text(unit);
        if m.allow.contains(text) || unit.kind == Kind::Squeezed && m.allow_squeezed.contains(text) {
            return true;
        }
        if unit.kind != Kind::Concat
            && (m.allow.contains(self.tokens.text(word))
                || word
                    .concat
                    .is_some_and(|c| m.allow.contains(self.tokens.text(&self.tokens.extra[c]))))
        {
            return true;
        }
        m.allow_phrases.iter().any(|phrase| {
            (0..phrase.len()).any(|offset| {
                let Some(start) = unit.seq.checked_sub(offset) else {
                    return false;
                };
                phrase.iter().enumerate().all(|(k, w)| {
                    self.tokens
                        .seq
                        .get(start + k)
                        .is_some_and(|u| squeezes_to(self.tokens.text(u), w))
                })
            })
        })
    }

    /// Whether the sequence word `seq` follows an insult frame (يا, ابن, ya, ibn el …).
    fn framed(&self, seq: usize) -> bool {
        let word = |back: usize| {
            let k = seq.checked_sub(back)?;
            Some(squeeze(self.tokens.text(self.tokens.seq.get(k)?)))
        };
        let is_frame = |w: &Option<String>| w.as_deref().is_some_and(|w| FRAMES.contains(&w));
        let prev = word(1);
        is_frame(&prev) || prev.as_deref().is_some_and(|w| FRAME_ARTICLES.contains(&w)) && is_frame(&word(2))
    }
}

/// Whether `squeeze(word) == squeezed`, without building the squeezed copy (this runs for
/// every allowed phrase on every hit).
fn squeezes_to(word: &str, squeezed: &str) -> bool {
    let mut last = None;
    let mut target = squeezed.chars();
    for c in word.chars() {
        if last != Some(c) && target.next() != Some(c) {
            return false;
        }
        last = Some(c);
    }
    target.next().is_none()
}

/// The mode and morphology [`arabic_ok`] applies to an Arabic entry of `length` letters.
fn arabic_rule(e: &Entry, length: usize) -> (Mode, Morph) {
    let morph = if e.mode == Mode::Frame {
        e.morph.max(Morph::Proclitics)
    } else {
        e.morph
    };
    let mode = if e.mode == Mode::Substring && length < 4 {
        Mode::Word
    } else {
        e.mode
    };
    (mode, morph)
}

/// Whether [`arabic_ok`] takes a match of the entry only as a whole word: no clitic before
/// it, nothing after it (what lets the Arabic prefilter look for it between piece ends).
fn whole_word_only(e: &Entry, length: usize) -> bool {
    arabic_rule(e, length) == (Mode::Word, Morph::Exact)
}

/// Arabic whole-word rule. Returns whether the match was glued to يا.
fn arabic_ok(e: &Entry, length: usize, prefix: &str, suffix: &str, stem_t: bool) -> Option<bool> {
    let (mode, morph) = arabic_rule(e, length);
    if mode == Mode::Substring {
        return Some(false);
    }
    if !(prefix.is_empty() || morph != Morph::Exact && AR_PROCLITICS.contains(prefix)) {
        return None;
    }
    let pronoun = morph == Morph::Full && AR_SUFFIXES.contains(&suffix) && !(suffix == "ه" && length <= 3);
    let suffix_ok = match mode {
        Mode::Prefix => !stem_t || pronoun,
        _ if stem_t => pronoun,
        _ => suffix.is_empty() || pronoun,
    };
    suffix_ok.then(|| prefix.ends_with("يا"))
}

/// Arabizi whole-word rule on keys. Returns whether the word was glued to "ya".
fn arabizi_ok(e: &Entry, prefix: &str, suffix: &str, word: &str) -> Option<bool> {
    let morph = if e.mode == Mode::Frame {
        e.morph.max(Morph::Proclitics)
    } else {
        e.morph
    };
    if !(prefix.is_empty() || morph != Morph::Exact && arabizi::PROCLITICS.contains(prefix)) {
        return None;
    }
    let suffix_ok = e.mode == Mode::Prefix
        || suffix.is_empty()
        || morph == Morph::Full && arabizi::SUFFIXES.contains(suffix);
    suffix_ok.then(|| !prefix.is_empty() && word.starts_with("ya"))
}

/// English whole-word rule (forms are separate patterns).
fn latin_ok(mode: Mode, prefix: &str, suffix: &str) -> Option<bool> {
    let ok = match mode {
        Mode::Word | Mode::Frame => prefix.is_empty() && suffix.is_empty(),
        Mode::Prefix => prefix.is_empty(),
        Mode::Substring => true,
    };
    ok.then_some(false)
}

/// What the prefilters' tests share: the shipped lists' matcher, the full matcher's hits on
/// a text, and texts composed from the lists' own words.
#[cfg(test)]
mod test_support {
    use std::sync::LazyLock;

    use proptest::sample::Index;

    use super::*;

    pub(super) static MATCHER: LazyLock<Matcher> =
        LazyLock::new(|| Matcher::new(&Lexicon::builtin().expect("the shipped word lists")));

    /// What `prefilter` says of `text`, given its normalized characters and their spans, and
    /// the full matcher's hits (no prefilter).
    pub(super) fn prefilter_and_hits(
        text: &str,
        prefilter: impl FnOnce(&[char], SpanMap<'_>) -> bool,
    ) -> (bool, usize) {
        let mut normalized = Buffers::default();
        normalize_into(text, &mut normalized);
        let (chars, spans) = (&normalized.chars, normalized.span_map());
        let may = prefilter(chars, spans);
        let hits = with_scratch(|scratch| MATCHER.find_with(text, chars, spans, scratch));
        (may, hits.len())
    }

    /// A text of pieces, each picked from the words of a list (pool 0) or from what surrounds
    /// them in comments (the other pools), and written by `write` in the shape picked with it.
    pub(super) fn compose(
        picks: &[(Index, u8, u8)],
        pools: &[Vec<String>; 2],
        mut write: impl FnMut(&mut String, &str, u8),
    ) -> String {
        let mut text = String::new();
        for (pick, shape, pool) in picks {
            let piece: &String = pick.get(&pools[usize::from(*pool > 0)]);
            write(&mut text, piece, *shape);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_word_only_entry_takes_nothing_around_its_match() {
        let lexicon = Lexicon::builtin().expect("the shipped word lists");
        let around: Vec<String> = AR_PROCLITICS
            .iter()
            .cloned()
            .chain(AR_SUFFIXES.map(str::to_owned))
            .chain(["يا", "ا", "x"].map(str::to_owned))
            .collect();
        let mut whole = 0;
        for e in lexicon.entries.iter().filter(|e| e.lang == Lang::Ar) {
            let length = normalized_term(&e.term).chars().count();
            if !whole_word_only(e, length) {
                continue;
            }
            whole += 1;
            assert!(arabic_ok(e, length, "", "", false).is_some(), "{}", e.term);
            for a in &around {
                assert_eq!(arabic_ok(e, length, a, "", false), None, "{a}{}", e.term);
                assert_eq!(arabic_ok(e, length, "", a, false), None, "{}{a}", e.term);
            }
        }
        assert!(whole > 10, "{whole} whole-word entries");
    }

    #[test]
    fn squeezes_to_agrees_with_squeeze() {
        let pairs = [
            ("goood", "god"),
            ("", ""),
            ("aab", "ab"),
            ("ab", "abb"),
            ("abb", "a"),
            ("ccc", "c"),
            ("ccc", ""),
        ];
        for (word, squeezed) in pairs {
            assert_eq!(
                squeezes_to(word, squeezed),
                squeeze(word) == squeezed,
                "{word} {squeezed}"
            );
        }
    }

    #[test]
    fn bidi_overrides_are_found_as_a_character_search_finds_them() {
        // Neighbours share the first two bytes (… is E2 80 A6, U+202C is E2 80 AC).
        for text in [
            "",
            "abc",
            "…",
            "a\u{202C}b",
            "\u{202D}",
            "x\u{202E}y",
            "قحبه…\u{202E}ة",
            "\u{2026}\u{202F}",
            "\u{E2}",
        ] {
            let expected = text.contains('\u{202D}') || text.contains('\u{202E}');
            assert_eq!(has_bidi_override(text), expected, "{text:?}");
        }
    }
}
