//! Arabizi: Arabic written in Latin letters and digits (ARABIC.md §2.2).
//!
//! Both sides become a *key* over one small alphabet of consonant classes plus `V` for any
//! vowel, with repeats squeezed: a Latin word through its digraphs and digits (sh/ch → ش,
//! kh/5 → خ, gh → غ, th/dh → ث ذ ظ, 3 → ع, 7 → ح, 6 → ط, 2 → ء or ق, 8 → ق or غ, 9 → ص or ق),
//! an Arabic entry through its letters (ا و ي → V). Arabic leaves short vowels unwritten, so
//! an entry gets a key variant with and without a vowel in every gap between consonants, and
//! a final ه (from ة) may be read as a vowel: sharmouta, sharmoota, charmouta, shrmw6a all
//! meet شرموطة, 7mar and 7maar meet حمار, kos omak meets كس امك.
//!
//! The key is forgiving, so it is read only where Arabizi is plausible ([`Gate`]): a word
//! with Arabizi digits, or a text with Arabic script or Arabizi function words that is not
//! English (kiss, keys and major would otherwise meet كس, كس and مأجور).

use std::ops::Range;
use std::sync::LazyLock;

use foldhash::HashSet;

/// Keys of a Latin word (up to four: the readings of 2, 8 and 9).
pub fn latin_keys(word: &str) -> Vec<String> {
    latin_keys_mapped(word).into_iter().map(|(key, _)| key).collect()
}

/// Classes of a Latin word with the byte range each comes from. With `split_final`, a final
/// digraph is read as two letters: letter-by-letter transliteration writes كه as "kh".
fn latin_classes(word: &str, split_final: bool) -> Vec<([u8; 2], Range<usize>)> {
    let b = word.as_bytes();
    let mut classes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let pair = (b[i], b.get(i + 1).copied().unwrap_or(0));
        let (class, step) = match pair {
            (_, b'h') if split_final && i + 2 == b.len() => (latin_class(b[i]), 1),
            (b's' | b'c', b'h') => ([b'W', 0], 2),
            (b'k', b'h') => ([b'X', 0], 2),
            (b'g', b'h') => ([b'G', 0], 2),
            (b't' | b'd', b'h') => ([b'C', 0], 2),
            (c, _) => (latin_class(c), 1),
        };
        classes.push((class, i..i + step));
        i += step;
    }
    classes
}

/// Keys of a Latin word, each with the byte range of the word behind every key character.
pub fn latin_keys_mapped(word: &str) -> Vec<(String, Vec<Range<usize>>)> {
    let mut keys = keys_of(latin_classes(word, false));
    if word.len() > 2
        && word.ends_with('h')
        && matches!(
            word.as_bytes()[word.len() - 2],
            b's' | b'c' | b'k' | b'g' | b't' | b'd'
        )
    {
        for key in keys_of(latin_classes(word, true)) {
            if !keys.iter().any(|(k, _)| *k == key.0) {
                keys.push(key);
            }
        }
    }
    keys
}

fn keys_of(classes: Vec<([u8; 2], Range<usize>)>) -> Vec<(String, Vec<Range<usize>>)> {
    let ambiguous: Vec<usize> = (0..classes.len())
        .filter(|&k| classes[k].0[1] != 0)
        .take(2)
        .collect();
    let mut keys: Vec<(String, Vec<Range<usize>>)> = Vec::with_capacity(1 << ambiguous.len());
    for choice in 0..(1usize << ambiguous.len()) {
        let mut key = String::with_capacity(classes.len());
        let mut ranges: Vec<Range<usize>> = Vec::with_capacity(classes.len());
        for (k, (class, range)) in classes.iter().enumerate() {
            let pick = ambiguous
                .iter()
                .position(|&a| a == k)
                .map_or(0, |bit| (choice >> bit) & 1);
            let c = char::from(class[pick]);
            match ranges.last_mut() {
                Some(last) if key.ends_with(c) => last.end = range.end,
                _ => {
                    key.push(c);
                    ranges.push(range.clone());
                }
            }
        }
        if !keys.iter().any(|(k, _)| *k == key) {
            keys.push((key, ranges));
        }
    }
    keys
}

/// Vowel qualities: a, i (e, y), u (o, w); `ANY` for a hamza. Short vowels are free, so e
/// (imala, kelb) matters only against a long vowel.
const A: u8 = 1;
const I: u8 = 2;
const U: u8 = 4;
const ANY: u8 = 7;

fn latin_vowel(c: u8) -> u8 {
    match c {
        b'a' => A,
        b'e' => I,
        b'i' | b'y' => I,
        b'o' | b'u' | b'w' | b'0' => U,
        _ => 0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Seg {
    Cons([u8; 2]),
    Vowel(u8),
    /// The digit 2: a hamza (any vowel) or ق.
    Hamza,
}

fn latin_segments(word: &str, split_final: bool) -> Vec<Seg> {
    let mut segs: Vec<Seg> = Vec::new();
    for (class, range) in latin_classes(word, split_final) {
        let seg = match (class, word.as_bytes()[range.start]) {
            (_, b'2') => Seg::Hamza,
            ([b'V', 0], c) => Seg::Vowel(latin_vowel(c)),
            (class, _) => Seg::Cons(class),
        };
        match (segs.last_mut(), seg) {
            (Some(Seg::Vowel(q)), Seg::Vowel(r)) => *q |= r,
            (Some(Seg::Cons(a)), Seg::Cons(b)) if *a == b => {}
            (_, seg) => segs.push(seg),
        }
    }
    segs
}

/// The vowel-aware check behind a key match: a long vowel of the Arabic word (ا و ي) must
/// meet a Latin vowel of its quality (Dawoud is not ديود, Latoya is not لوطي); a Latin vowel
/// where Arabic writes none is a short vowel; a final ه may be read as -a/-e.
///
/// `strict` (for short words without digits) reads no Latin vowel as a short vowel: every
/// vowel written must be a long vowel of the Arabic word (ghby is غبي, tiba is not طيب).
pub fn fine_arabic(latin: &str, arabic: &str, strict: bool) -> bool {
    let letters: Vec<char> = arabic.chars().collect();
    aligns(&letters, &latin_segments(latin, false), strict)
        || latin.ends_with('h') && aligns(&letters, &latin_segments(latin, true), strict)
}

fn aligns(letters: &[char], segs: &[Seg], strict: bool) -> bool {
    let n = letters.len();
    let m = segs.len();
    let quality = |k: usize| match letters[k] {
        'ا' if k == 0 => Some(ANY),
        'ا' | 'آ' => Some(A),
        'و' => Some(U),
        'ي' | 'ى' => Some(I),
        'ء' | 'ئ' | 'ؤ' | 'أ' | 'إ' => Some(ANY),
        _ => None,
    };
    let mut dp = vec![vec![false; m + 1]; n + 1];
    dp[0][0] = true;
    for i in 0..=n {
        for j in 0..=m {
            if !dp[i][j] {
                continue;
            }
            if i < n && letters[i] == 'ء' {
                dp[i + 1][j] = true;
            }
            let Some(&seg) = segs.get(j) else { continue };
            if !strict && matches!(seg, Seg::Vowel(_)) {
                dp[i][j + 1] = true;
            }
            if i == n {
                continue;
            }
            match quality(i) {
                Some(_) => {
                    let end = (i..n).find(|&k| quality(k).is_none()).unwrap_or(n);
                    let fits = match seg {
                        Seg::Vowel(q) => (i..end).all(|k| quality(k).is_some_and(|v| v & q != 0)),
                        Seg::Hamza => true,
                        Seg::Cons(_) => false,
                    };
                    if fits {
                        dp[end][j + 1] = true;
                    }
                }
                None => {
                    let class = arabic_class(letters[i]) as u8;
                    let fits = match seg {
                        Seg::Cons(c) => c[0] == class || c[1] == class,
                        Seg::Hamza => class == b'K',
                        Seg::Vowel(q) => i + 1 == n && letters[i] == 'ه' && q & (A | I) != 0,
                    };
                    if fits {
                        let mut end = i + 1;
                        while end < n && quality(end).is_none() && arabic_class(letters[end]) as u8 == class {
                            end += 1;
                        }
                        dp[end][j + 1] = true;
                    }
                }
            }
        }
    }
    dp[n][m]
}

/// The same check against an Arabizi entry's own spelling: vowels in the same places must
/// share a quality (sharmoota is sharmouta; kiss is not kos).
pub fn fine_latin(latin: &str, term: &str) -> bool {
    let (a, b) = (latin_segments(latin, false), latin_segments(term, false));
    let vowels = |s: &[Seg]| s.iter().filter(|g| matches!(g, Seg::Vowel(_))).count();
    if vowels(&a) != vowels(&b) {
        return true;
    }
    a.iter()
        .filter(|g| matches!(g, Seg::Vowel(_)))
        .zip(b.iter().filter(|g| matches!(g, Seg::Vowel(_))))
        .all(|(x, y)| match (x, y) {
            (Seg::Vowel(p), Seg::Vowel(q)) => p & q != 0,
            _ => true,
        })
}

fn latin_class(c: u8) -> [u8; 2] {
    let class = match c {
        b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w' | b'0' => b'V',
        b'b' | b'p' => b'B',
        b't' | b'6' => b'T',
        b'j' | b'g' => b'J',
        b'h' | b'7' => b'H',
        b'x' => b'W',
        b'5' => b'X',
        b'd' => b'D',
        b'r' => b'R',
        b'z' => b'Z',
        b's' => b'S',
        b'3' => b'E',
        b'f' | b'v' => b'F',
        b'q' | b'k' => b'K',
        b'l' => b'L',
        b'm' => b'M',
        b'n' => b'N',
        b'2' => return [b'V', b'K'],
        b'8' => return [b'K', b'G'],
        b'9' => return [b'S', b'K'],
        _ => b'?',
    };
    [class, 0]
}

fn arabic_class(c: char) -> char {
    match c {
        'ا' | 'و' | 'ي' | 'ء' | 'ى' | 'ئ' | 'ؤ' | 'أ' | 'إ' | 'آ' => 'V',
        'ب' => 'B',
        'ت' | 'ط' => 'T',
        'ث' | 'ذ' | 'ظ' => 'C',
        'ج' => 'J',
        'ح' | 'ه' | 'ة' => 'H',
        'خ' => 'X',
        'د' | 'ض' => 'D',
        'ر' => 'R',
        'ز' => 'Z',
        'س' | 'ص' => 'S',
        'ش' => 'W',
        'ع' => 'E',
        'غ' => 'G',
        'ف' => 'F',
        'ق' | 'ك' => 'K',
        'ل' => 'L',
        'م' => 'M',
        'ن' => 'N',
        _ => '?',
    }
}

fn push_squeezed(key: &mut String, c: char) {
    if !key.ends_with(c) {
        key.push(c);
    }
}

/// Keys of a normalized Arabic term (words separated by spaces), every vowel reading.
pub fn arabic_keys(term: &str) -> Vec<String> {
    let mut keys = vec![String::new()];
    for (w, word) in term.split(' ').filter(|w| !w.is_empty()).enumerate() {
        let variants = word_keys(word);
        let mut next = Vec::with_capacity(keys.len() * variants.len());
        for prefix in &keys {
            for v in &variants {
                let sep = if w == 0 { "" } else { " " };
                next.push(format!("{prefix}{sep}{v}"));
            }
        }
        next.truncate(1024);
        keys = next;
    }
    keys.retain(|k| !k.is_empty() && !k.contains('?'));
    keys
}

fn word_keys(word: &str) -> Vec<String> {
    let classes: Vec<char> = word.chars().map(arabic_class).collect();
    let last = classes.len().saturating_sub(1);
    let final_h = word.ends_with('ه') && classes.len() > 1;
    let gaps: Vec<usize> = (1..classes.len())
        .filter(|&k| classes[k - 1] != 'V' && classes[k] != 'V')
        .take(8)
        .collect();
    let mut out: Vec<String> = Vec::new();
    for ending in 0..if final_h { 2 } else { 1 } {
        for mask in 0..(1usize << gaps.len()) {
            let mut key = String::with_capacity(classes.len() * 2);
            for (k, &class) in classes.iter().enumerate() {
                if gaps
                    .iter()
                    .position(|&g| g == k)
                    .is_some_and(|bit| (mask >> bit) & 1 == 1)
                {
                    push_squeezed(&mut key, 'V');
                }
                let class = if k == last && ending == 1 { 'V' } else { class };
                push_squeezed(&mut key, class);
            }
            if !out.contains(&key) {
                out.push(key);
            }
        }
    }
    out
}

fn key_set(spellings: &[&str]) -> HashSet<String> {
    spellings.iter().flat_map(|s| latin_keys(s)).collect()
}

/// Keys of the Arabizi proclitics: al/el/il (ال), w/wa (و), ya (يا), b/bi (ب), f (ف), l/li (ل).
pub static PROCLITICS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    key_set(&[
        "", "al", "el", "il", "w", "wa", "we", "wi", "u", "wal", "wel", "wil", "ya", "yal", "yel", "b", "bi",
        "bel", "bil", "bal", "f", "fa", "fi", "fel", "fil", "l", "li", "lel", "lil",
    ])
});

/// Keys of the pronoun suffixes: -ak/-ek/-ik (ك), -ha (ها), -o/-uh (ه), -i (ي), -kom, -hom, -na.
pub static SUFFIXES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    key_set(&[
        "", "ak", "ek", "ik", "k", "ki", "kom", "kum", "kon", "hom", "hum", "hon", "ha", "a", "ah", "o",
        "oh", "hu", "i", "na", "ena", "ina",
    ])
});

/// Where the Arabizi reading of a Latin word is allowed.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    english: bool,
    signal: bool,
}

impl Gate {
    /// `latin` are the text's Latin words, each with whether it has an ASCII digit (the
    /// tokenizer knows, and most words have none); `arabic` whether the text also has Arabic
    /// words.
    pub fn new<'a>(latin: impl Iterator<Item = (&'a str, bool)> + Clone, arabic: bool) -> Gate {
        // Once the signal is seen, the rest of the words need not be looked up. No
        // placeholder is a marker or has a digit, so the placeholders (seven compares a
        // word) need not be set aside for this look, only for the count of English words.
        let signal = arabic
            || latin
                .clone()
                .any(|(w, digits)| w.len() > 1 && (is_marker(w) || digits && has_arabizi_digit(w)));
        let words = latin.filter(|(w, _)| w.len() > 1 && !PLACEHOLDERS.contains(w));
        // Whether the text reads as English matters only where the signal opens the gate
        // (most Latin texts have none, and skip this second look at their words).
        let english = signal && {
            let (count, english) = words.fold((0usize, 0usize), |(count, english), (w, _)| {
                (count + 1, english + usize::from(ENGLISH.contains(w)))
            });
            english >= 2 && english * 4 >= count
        };
        Gate { english, signal }
    }

    /// Whether the Arabizi reading applies to `word` (`digits`: whether it has an ASCII digit).
    pub fn allows(&self, word: &str, digits: bool) -> bool {
        digits && has_arabizi_digit(word) || self.signal && !self.english && !ENGLISH.contains(word)
    }
}

/// Dataset and markup placeholders that say nothing about the language.
const PLACEHOLDERS: [&str; 7] = ["user", "url", "rt", "http", "https", "www", "com"];

/// A Latin word with a letter and an Arabizi digit (3 ع, 7 ح …; 1 and 4 are leet).
///
/// Numbers with a unit or a suffix are not Arabizi (90s, 2h, EU27, tf2): a digit run is one
/// digit (two before two letters, as in 87ba), and a final digit follows two letters and
/// is not 2 or 8 (ws5 and 3r9 are words, tf2 is a game).
pub fn has_arabizi_digit(word: &str) -> bool {
    let b = word.as_bytes();
    // The digit test first: most words have no digit, and it runs for every Latin word of
    // every text (the gate), so they cost one pass, not two.
    if !b
        .iter()
        .any(|c| matches!(c, b'2' | b'3' | b'5' | b'6' | b'7' | b'8' | b'9'))
        || b.iter().filter(|c| c.is_ascii_alphabetic()).count() < 2
    {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let after = b[i..].iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let ok = match (i - start, i == b.len()) {
            (1, false) => true,
            (1, true) => start >= 2 && !matches!(b[start], b'2' | b'8'),
            (2, false) => after >= 2,
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Consonant classes in a key. Without an Arabizi digit, a match of one class is refused and
/// one of two must be strict (ARABIC.md §4.3.10: no loose matching of short words; oh, tv,
/// Keas and iraq are not احه, تف, كس, ايرك).
pub fn consonants(key: &str) -> usize {
    key.bytes().filter(|&c| c != b'V' && c != b' ').count()
}

/// Arabizi function words: a text with one of them is read as Arabizi.
const MARKERS: [&str; 73] = [
    "ya",
    "yaa",
    "enta",
    "enti",
    "inta",
    "inti",
    "ana",
    "howa",
    "huwa",
    "hiya",
    "heya",
    "mesh",
    "mish",
    "msh",
    "mush",
    "mafi",
    "shu",
    "shou",
    "chou",
    "ezay",
    "izzay",
    "leh",
    "lesh",
    "wallah",
    "walla",
    "wallahi",
    "yalla",
    "yallah",
    "habibi",
    "habibti",
    "ibn",
    "ebn",
    "bint",
    "kaman",
    "kamen",
    "ktir",
    "kteer",
    "awi",
    "khalas",
    "tayeb",
    "ahla",
    "marhaba",
    "shukran",
    "inshallah",
    "mashallah",
    "akhi",
    "ukhti",
    "3ala",
    "fi",
    "wel",
    "bel",
    "el",
    "kol",
    "kell",
    "ento",
    "intu",
    "homa",
    "hadi",
    "hada",
    "hadak",
    "dyal",
    "dial",
    "bzaf",
    "wach",
    "wesh",
    "zwin",
    "ghir",
    "rabi",
    "allah",
    "yel3an",
    "ykhrb",
    "tfou",
    "tfo",
];

/// Which markers could a word be, by its first two bytes and its length: bit `n` of
/// `MARKER_SHAPES[a][b]` is set when a marker of `n` bytes starts with `a`, `b` (as
/// [`shape_index`] numbers them). The gate asks this of every Latin word of every text and
/// most are no marker: the table turns nearly all of them away with one load (a `match` on
/// the word, compiled to a switch on the length and a compare per marker of that length,
/// was 3% of the English pipeline's time).
const MARKER_SHAPES: [[u16; 36]; 36] = {
    let mut table = [[0u16; 36]; 36];
    let mut k = 0;
    while k < MARKERS.len() {
        let b = MARKERS[k].as_bytes();
        if let (Some(x), Some(y)) = (shape_index(b[0]), shape_index(b[1])) {
            table[x][y] |= 1 << b.len();
        }
        k += 1;
    }
    table
};

/// Lower-case ASCII letters and digits, numbered 0–35 (what markers are written with).
const fn shape_index(c: u8) -> Option<usize> {
    match c {
        b'a'..=b'z' => Some((c - b'a') as usize),
        b'0'..=b'9' => Some((c - b'0') as usize + 26),
        _ => None,
    }
}

fn is_marker(word: &str) -> bool {
    is_marker_bytes(word.as_bytes())
}

/// [`is_marker`] of a word's UTF-8 bytes (the prefilter writes words as bytes).
pub(crate) fn is_marker_bytes(b: &[u8]) -> bool {
    let shape = match b {
        [x, y, ..] if b.len() < 16 => shape_index(*x).zip(shape_index(*y)),
        _ => None,
    };
    shape.is_some_and(|(x, y)| MARKER_SHAPES[x][y] >> b.len() & 1 == 1) && MARKER_SET.contains(b)
}

/// The markers, for the words that pass their shape (and, the commonest, every "and").
static MARKER_SET: LazyLock<HashSet<&'static [u8]>> =
    LazyLock::new(|| MARKERS.iter().map(|m| m.as_bytes()).collect());

/// Common English words: they make a text English, and are never read as Arabizi. Besides
/// function words, the list holds English words whose key meets an Arabic entry.
static ENGLISH: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    [
        "the", "and", "you", "your", "youre", "is", "are", "was", "were", "be", "been", "to", "of", "in",
        "on", "at", "for", "with", "that", "this", "it", "its", "i", "im", "me", "my", "we", "they", "he",
        "she", "not", "no", "but", "so", "do", "does", "did", "dont", "have", "has", "had", "what", "who",
        "how", "why", "all", "just", "like", "get", "got", "can", "will", "would", "if", "or", "an", "as",
        "from", "about", "by", "up", "out", "them", "his", "her", "our", "their", "there", "then", "than",
        "when", "more", "one", "people", "know", "think", "really", "lol", "a", "should", "could", "want",
        "good", "time", "see", "now", "make", "need", "going", "go", "yes", "yeah", "thank", "thanks",
        "love", "please", "here", "where", "which", "into", "over", "after", "before", "because", "very",
        "much", "many", "some", "any", "other", "new", "also", "even", "still", "well", "way", "day", "man",
        "men", "us", "him", "these", "those", "being", "kiss", "keys", "case", "kids", "kid", "quad", "cod",
        "code", "hammer", "humor", "homer", "hummer", "hiker", "tofu", "ate", "eat", "late", "lot", "let",
        "lit", "light", "death", "major", "nook", "hen", "nags", "oh", "ah", "yeh", "aha", "whoa", "wow",
        "york",
    ]
    .into_iter()
    .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The gate looks for its signal among all the words, placeholders included.
    #[test]
    fn no_placeholder_opens_the_gate() {
        for word in PLACEHOLDERS {
            assert!(!is_marker(word) && !has_arabizi_digit(word), "{word}");
        }
        // Every marker is one (the table has room for each), and a longer word is not.
        for marker in MARKERS {
            assert!(
                marker.len() >= 2 && marker.len() < 16 && is_marker(marker),
                "{marker}"
            );
            assert!(!is_marker(&format!("{marker}s")), "{marker}");
        }
        for word in ["the", "and", "a", "", "y", "you", "shukrann", "Ya"] {
            assert!(!is_marker(word), "{word}");
        }
        // And a placeholder still counts for nothing among the English words.
        let text = [("user", false), ("url", false), ("ya", false)];
        assert!(!Gate::new(text.into_iter(), false).english);
    }
}
