//! Words spelled out one letter at a time ("غ.ب.ي", "ا ن ذ ل", "f-u-c-k"), joined back into
//! the word they spell before the models read the text, as the word lists' joined readings
//! do. Otherwise each letter is a word of its own and the word's n-grams never appear: the
//! disguise would hide from the models what it cannot hide from the word lists.

use std::borrow::Cow;

use super::{Class, DIGIT, class};

/// Fewest single letters in a row that make a spelled-out word ("e.g" is two).
const MIN_LETTERS: usize = 3;

/// `text` with every spelled-out word joined; borrowed when there is none (nearly always).
///
/// A spelled-out word is three or more single-letter words in a row, each two separated by
/// one and the same separator character (a space, `.`, `-`, `_`, `*`, `+`, `/`, `|` or a
/// comma). Digits never count as letters, so spaced phone numbers stay as they are.
pub fn join_spelled_out(text: &str) -> Cow<'_, str> {
    // Nearly every text can hold no run: a byte test says so much faster than the scan
    // below, which every character of every comment would otherwise go through.
    if !may_have_run(text) {
        return Cow::Borrowed(text);
    }
    let runs = spelled_runs(text);
    if runs.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for Run { start, end, sep } in runs {
        out.push_str(&text[at..start]);
        out.extend(text[start..end].chars().filter(|&c| c != sep));
        at = end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Bytes `[start, end)` from the first spelled letter to the end of the last, and the
/// separator between them.
struct Run {
    start: usize,
    end: usize,
    sep: char,
}

/// Whether `text` may hold a run (false only where [`spelled_runs`] finds none).
fn may_have_run(text: &str) -> bool {
    let b = text.as_bytes();
    // Outside ASCII, English comments mostly hold ’, “” and emoji: characters that are
    // neither letters nor separators nor skipped, so the scan reads each as one more
    // character between words, which is what the byte test makes of their bytes too.
    if text.is_ascii() || text.chars().all(|c| c.is_ascii() || is_plain_gap(c)) {
        return ascii_may_have_run(b);
    }
    // A text with the Arabic comma, the one separator outside ASCII, goes to the scan. In
    // the others, every separator is one byte: look around each.
    text.contains('،')
        || (0..b.len()).any(|p| b[p] < 0x80 && is_spelling_separator(char::from(b[p])) && run_may_cross(b, p))
}

/// A character outside ASCII that the scan reads as neither a letter, nor a separator
/// (the Arabic comma is one), nor one to skip.
fn is_plain_gap(c: char) -> bool {
    c != '،' && matches!(class(c), Class::Separator | Class::Symbol(_))
}

/// Whether the separator `b[p]` may stand between two single letters of a run, in a text
/// with other characters than ASCII. Any such character may be a letter or a mark that the
/// scan skips, so the test passes wherever one could complete the pattern: a letter (with
/// marks) and the same separator after, a letter (with marks) that starts its word before.
fn run_may_cross(b: &[u8], p: usize) -> bool {
    let forward = |mut j: usize| {
        while b.get(j).is_some_and(|c| !c.is_ascii()) {
            j += 1;
        }
        j
    };
    let backward = |mut k: usize| {
        while k > 0 && !b[k - 1].is_ascii() {
            k -= 1;
        }
        k
    };
    // After: one letter at most, with non-ASCII around it, then the separator again.
    let mut j = forward(p + 1);
    if b.get(j).is_some_and(u8::is_ascii_alphabetic) {
        j = forward(j + 1);
    }
    if j == p + 1 || b.get(j) != Some(&b[p]) {
        return false;
    }
    // Before: a single letter, or characters that may be one.
    let k = backward(p);
    if k > 0 && b[k - 1].is_ascii_alphabetic() {
        let before = backward(k - 1);
        before < k - 1 || before == 0 || !b[before - 1].is_ascii_alphabetic()
    } else {
        k < p
    }
}

/// Whether an ASCII text has two single letters one separator apart (`x a.b`, `a-b`), which
/// every run starts with: in ASCII, a letter is `[A-Za-z]` and anything else is between words.
///
/// Every comment goes through this, so it tests [`ascii_run_at`] over blocks of bytes
/// without branching, which the compiler turns into vector compares. (Measured 6% of the
/// English pipeline's time as a byte-by-byte loop; a block test of half the pattern, a
/// letter between two equal bytes, still sent a block in three to the exact test, as "did"
/// and "is a" have one.)
fn ascii_may_have_run(b: &[u8]) -> bool {
    const BLOCK: usize = 32;
    let letter = |c: u8| (c | 0x20).wrapping_sub(b'a') < 26;
    // Positions p with p - 2 and p + 2 inside the text.
    let end = b.len().saturating_sub(2);
    if end > 1 && ascii_run_at(b, 1) {
        return true;
    }
    let mut start = 2;
    while start + BLOCK <= end {
        let Ok(window) = <&[u8; BLOCK + 4]>::try_from(&b[start - 2..start + BLOCK + 2]) else {
            break;
        };
        let mut found = 0u8;
        for i in 0..BLOCK {
            // p = start + i is window[i + 2].
            let sep = window[i + 2];
            found |= u8::from(is_spelling_separator(char::from(sep)))
                & u8::from(window[i + 4] == sep)
                & u8::from(letter(window[i + 3]))
                & u8::from(letter(window[i + 1]))
                & u8::from(!letter(window[i]));
        }
        if found != 0 {
            return true;
        }
        start += BLOCK;
    }
    (start..end).any(|p| ascii_run_at(b, p))
}

/// Whether `b[p]` is a separator between two letters: `b[p - 1]` a letter that starts
/// its word, `b[p + 1]` a letter, and `b[p + 2]` the same separator again.
fn ascii_run_at(b: &[u8], p: usize) -> bool {
    let letter = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphabetic);
    let sep = b[p];
    is_spelling_separator(char::from(sep))
        && b.get(p + 2) == Some(&sep)
        && letter(p + 1)
        && letter(p - 1)
        && (p < 2 || !letter(p - 2))
}

fn is_spelling_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '_' | '*' | '+' | '/' | '|' | ',' | '،')
}

fn spelled_runs(text: &str) -> Vec<Run> {
    let mut scan = Scan {
        // The start of the text opens a run as a space does.
        gap_has_space: true,
        ..Scan::default()
    };
    for (i, c) in text.char_indices() {
        match class(c) {
            Class::Letter(u) if u != DIGIT => {
                if scan.letters == 0 {
                    scan.word_start = i;
                }
                scan.letters += 1;
                scan.word_end = i + c.len_utf8();
            }
            Class::Ignored => {}
            _ => {
                if scan.letters != 0 {
                    scan.end_word();
                }
                scan.gap_len += 1;
                scan.gap_char = c;
                scan.gap_has_space |= c.is_whitespace();
            }
        }
    }
    if scan.letters != 0 {
        scan.end_word();
    }
    scan.close_run();
    scan.runs
}

#[derive(Default)]
struct Scan {
    /// The current word's first byte, letters (0: between words) and end.
    word_start: usize,
    letters: usize,
    word_end: usize,
    /// Characters between the last word and the current one, the last of them, and whether
    /// one was a space.
    gap_len: usize,
    gap_char: char,
    gap_has_space: bool,
    /// The run of single letters being followed: its first byte, the end of its last letter,
    /// its letters and separator.
    run_start: usize,
    run_end: usize,
    run_letters: usize,
    run_sep: Option<char>,
    /// The last single letter, when a run could start at it: its first byte.
    last_opener: Option<usize>,
    runs: Vec<Run>,
}

impl Scan {
    /// A word has ended: extend the run, start one, or end it.
    #[inline(never)]
    fn end_word(&mut self) {
        let (start, letters) = (self.word_start, self.letters);
        self.letters = 0;
        let sep = (self.gap_len == 1 && is_spelling_separator(self.gap_char)).then_some(self.gap_char);
        // A run starts after a space or at the start of the text, never inside a word
        // ("he’s a" is not the run "s a").
        let opener = self.gap_has_space;
        self.gap_len = 0;
        self.gap_has_space = false;
        if letters != 1 {
            self.close_run();
            self.last_opener = None;
            return;
        }
        match (sep, self.last_opener) {
            (Some(sep), _) if self.run_letters > 0 && self.run_sep.is_none_or(|s| s == sep) => {
                self.run_sep = Some(sep);
                self.run_letters += 1;
            }
            // Another separator after a single letter: a run may start at that letter
            // ("و غ.ب.ي"), unless it ends one already joined.
            (Some(sep), Some(opener)) if self.run_letters > 0 && self.run_letters < MIN_LETTERS => {
                self.run_start = opener;
                self.run_sep = Some(sep);
                self.run_letters = 2;
            }
            _ => {
                self.close_run();
                if opener {
                    self.run_start = start;
                    self.run_letters = 1;
                }
            }
        }
        self.run_end = self.word_end;
        self.last_opener = opener.then_some(start);
    }

    fn close_run(&mut self) {
        if self.run_letters >= MIN_LETTERS
            && let Some(sep) = self.run_sep
        {
            self.runs.push(Run {
                start: self.run_start,
                end: self.run_end,
                sep,
            });
        }
        self.run_letters = 0;
        self.run_sep = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The byte test never says "no run" where the scan finds one.
        #[test]
        fn the_ascii_test_misses_no_run(text in "[abc1 .,_'-]{0,40}") {
            if !spelled_runs(&text).is_empty() {
                prop_assert!(ascii_may_have_run(text.as_bytes()));
            }
        }

        /// The block test agrees with the exact test at every position.
        #[test]
        fn the_block_test_is_the_exact_test(text in "[a-cA ._,-]{0,80}") {
            let b = text.as_bytes();
            let exact = (1..b.len().saturating_sub(2)).any(|p| ascii_run_at(b, p));
            prop_assert_eq!(ascii_may_have_run(b), exact);
        }

        /// The test for any text never says "no run" where the scan finds one either, with
        /// letters, marks and symbols outside ASCII.
        #[test]
        fn the_general_test_misses_no_run(text in "([ab1 ._,،-]|غ|ب|ـ|\u{64e}|\u{200b}|é|😀){0,40}") {
            if !spelled_runs(&text).is_empty() {
                prop_assert!(may_have_run(&text));
            }
        }

        /// Nor with ’, “ and emoji, which the byte test reads as it reads ASCII text.
        #[test]
        fn the_test_with_plain_symbols_misses_no_run(text in "([ab1 ._,-]|’|“|😀){0,40}") {
            if !spelled_runs(&text).is_empty() {
                prop_assert!(may_have_run(&text));
            }
        }

        /// Any text: no panic, and the joined text is the text with some separators removed.
        #[test]
        fn joining_only_removes_separators(text in "([a-cغب1 ._’-]|ـ){0,40}") {
            let joined = join_spelled_out(&text);
            let mut rest = text.chars();
            for c in joined.chars() {
                // Every character of the output is the next kept one of the input.
                prop_assert!(rest.by_ref().find(|&k| k == c || !is_spelling_separator(k)) == Some(c));
            }
            prop_assert!(rest.all(is_spelling_separator));
        }
    }

    #[test]
    fn letters_spelled_out_are_joined_into_their_word() {
        for (text, joined) in [
            ("و غ.ب.ي كاتب", "و غبي كاتب"),
            ("ا ن ذ ل منك", "انذل منك"),
            ("you f-u-c-k!", "you fuck!"),
            ("ك_ل_ب and s*h*i*t", "كلب and shit"),
            ("a b c", "abc"),
            ("x y-a-b-c", "x yabc"),
            ("he’s a r_a_p_i_s_t. at all", "he’s a rapist. at all"),
            // One run at a time: the second shares no letter with the first.
            ("x a b c_d_e f", "xabc_d_e f"),
        ] {
            assert_eq!(join_spelled_out(text), joined, "{text}");
            if text.is_ascii() {
                assert!(ascii_may_have_run(text.as_bytes()), "{text}");
            }
        }
    }

    #[test]
    fn ordinary_text_is_left_as_it_is_and_borrowed() {
        for text in [
            "",
            "و في كم واحد",
            "e.g. this, i.e. that",
            "call 0 1 2 3 4 5 6 7",
            "a-b.c",
            "I am a man",
            "غ. ب. ي",
            "he’s a-b",
            "it’s a b",
        ] {
            assert!(
                matches!(join_spelled_out(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }
}
