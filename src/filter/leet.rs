//! Leetspeak and self-censoring, a reading of Latin words matched against the English list
//! only (its digits mean other letters in Arabizi: ARABIC.md §2.2).

use std::collections::HashMap;

use super::lexicon::Severity;

/// The leet readings of a Latin word, each handed to `f`: none if it has no leet character,
/// two when `1` or `|` could be i or l. `*` is kept for [`Wildcards`]. Each reading is written
/// into `buf` (the matcher keeps one per thread), so nothing is allocated per word.
pub fn for_each_leet_variant(word: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    // Every leet character is ASCII, so the bytes tell (most words have none).
    if !word.bytes().any(is_leet_byte) {
        if word.contains('*') {
            f(word);
        }
        return;
    }
    let ones: &[char] = if word.contains(['1', '|']) {
        &['i', 'l']
    } else {
        &['i']
    };
    for &one in ones {
        buf.clear();
        buf.extend(word.chars().map(|c| unleet(c, one)));
        f(buf);
    }
}

fn is_leet_byte(b: u8) -> bool {
    matches!(
        b,
        b'0' | b'1' | b'3' | b'4' | b'5' | b'7' | b'8' | b'9' | b'@' | b'$' | b'!' | b'|' | b'+'
    )
}

/// The letter a leet character stands for (`one`: the reading of `1` and `|`).
pub(crate) fn unleet(c: char, one: char) -> char {
    match c {
        '0' => 'o',
        '1' | '|' => one,
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' | '+' => 't',
        '8' => 'b',
        '9' => 'g',
        '!' => 'i',
        c => c,
    }
}

/// English forms indexed for self-censored words: "f**k", "s**t", "p*****g", where each `*`
/// hides one letter. Written letters must agree, and at least two must be written.
#[derive(Debug, Default)]
pub struct Wildcards {
    /// (length, first letter) → (form, entry, severity).
    by_shape: HashMap<(usize, char), Vec<Form>>,
}

type Form = (Vec<char>, u32, Severity);

impl Wildcards {
    pub fn add(&mut self, form: &str, entry: u32, severity: Severity) {
        let chars: Vec<char> = form.chars().collect();
        if let Some(&first) = chars.first().filter(|_| chars.iter().all(|c| c.is_alphabetic())) {
            self.by_shape
                .entry((chars.len(), first))
                .or_default()
                .push((chars, entry, severity));
        }
    }

    /// The most severe entry whose form fits the masked word.
    pub fn find(&self, word: &str) -> Option<u32> {
        let chars: Vec<char> = word.chars().collect();
        let stars = chars.iter().filter(|&&c| c == '*').count();
        let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
        if stars == 0 || letters < 2 || letters + stars != chars.len() {
            return None;
        }
        let candidates = self.by_shape.get(&(chars.len(), *chars.first()?))?;
        candidates
            .iter()
            .filter(|(form, ..)| form.iter().zip(&chars).all(|(f, c)| *c == '*' || f == c))
            .max_by_key(|(_, entry, severity)| (*severity, std::cmp::Reverse(*entry)))
            .map(|(_, entry, _)| *entry)
    }
}
