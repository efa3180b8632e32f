//! Words the abuse model does not read: the single words of the shipped allow-list, and the
//! names in `config/models/neutral_words.txt`.
//!
//! The allow-list names innocent words that contain or resemble a profane root (مصر, حزب,
//! ايران, بالعكس, class…). The word lists already ignore them; the model must too, or it
//! learns the topic rather than the abuse: OSACT's offensive tweets are often political, so
//! حزب and ايران had learned positive weights, and their character n-grams (زب inside حزب)
//! repeat the Scunthorpe problem inside the model. The names of countries, peoples, leaders,
//! movements and faiths are neutral for the same reason: mentioning them is not abuse. A
//! neutral word gives no feature at all, as if it were not in the text (measured in
//! `config/models/README.md`).

use std::sync::LazyLock;

use foldhash::{HashSet, HashSetExt};

use super::{Class, SEED_WORD, STEM_WORD, class, fnv_step};
use crate::filter::lexicon::Lexicon;
use crate::filter::normalize::normalize;

/// The team's list of names, one or more words a line, `#` starting a comment.
const NAMES: &str = include_str!("../../../config/models/neutral_words.txt");

/// Word hashes (as the walker computes them) of the neutral words.
static NEUTRAL: LazyLock<HashSet<u32>> = LazyLock::new(|| {
    let mut set = HashSet::new();
    // The shipped lists are checked by their own tests; without them only the names are.
    if let Ok(allow) = Lexicon::builtin_allow() {
        let allowed = allow.iter().filter_map(|w| letters(&normalize(w).text));
        set.extend(allowed.map(|l| hash(&l)));
    }
    // As written; a word with clitics is neutral when its stem is listed (والسعوديه: سعودي).
    // Listing the names' own stems too was measured and not kept (models README, session 8).
    let names = NAMES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace);
    set.extend(
        names
            .filter_map(|w| letters(&normalize(w).text))
            .map(|l| hash(&l)),
    );
    set
});

/// The word's letters as the walker reads them, if it is one word the walker could find neutral.
fn letters(word: &str) -> Option<Vec<u32>> {
    let letters = word
        .chars()
        .map(|c| match class(c) {
            Class::Letter(u) => Some(u),
            _ => None,
        })
        .collect::<Option<Vec<u32>>>()?;
    (1..=STEM_WORD).contains(&letters.len()).then_some(letters)
}

/// The walker's word hash.
fn hash(letters: &[u32]) -> u32 {
    letters.iter().fold(SEED_WORD, |h, &u| fnv_step(h, u))
}

/// Whether a word (its hash, or its stem's letters hashed as a word) is neutral.
#[inline]
pub(super) fn is_neutral(hash: u32) -> bool {
    NEUTRAL.contains(&hash)
}

/// Builds the set now rather than on the first comment.
pub fn warm() {
    LazyLock::force(&NEUTRAL);
}
