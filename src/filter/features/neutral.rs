//! Words the classifiers do not read: the single words of the shipped allow-list.
//!
//! The allow-list names innocent words that contain or resemble a profane root (مصر, حزب,
//! ايران, بالعكس, class…). The word lists already ignore them; the models must too, or they
//! learn the topic rather than the abuse: OSACT's offensive tweets are often political, so
//! حزب and ايران had learned positive weights, and their character n-grams (زب inside حزب)
//! repeat the Scunthorpe problem inside the model. A neutral word gives no feature at all, as
//! if it were not in the text (measured in `config/models/README.md`).

use std::sync::LazyLock;

use foldhash::{HashSet, HashSetExt};

use super::{Class, SEED_WORD, STEM_WORD, class, fnv_step};
use crate::filter::lexicon::Lexicon;
use crate::filter::normalize::normalize;

/// Word hashes (as the walker computes them) of the allow-list's single words.
static NEUTRAL: LazyLock<HashSet<u32>> = LazyLock::new(|| {
    let mut set = HashSet::new();
    // The shipped lists are checked by their own tests; without them nothing is neutral.
    if let Ok(lexicon) = Lexicon::builtin() {
        set.extend(lexicon.allow.iter().filter_map(|w| word_hash(&normalize(w).text)));
    }
    set
});

/// The walker's hash of `word` if it is one word of letters the walker could hold back.
fn word_hash(word: &str) -> Option<u32> {
    let mut h = SEED_WORD;
    let mut len = 0;
    for c in word.chars() {
        let Class::Letter(u) = class(c) else {
            return None;
        };
        h = fnv_step(h, u);
        len += 1;
    }
    (1..=STEM_WORD).contains(&len).then_some(h)
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
