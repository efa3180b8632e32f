//! A light Arabic stemmer for the classifiers' features: the word without its clitics, so that
//! والكلب، ياكلب and كلبك also count as كلب.
//!
//! The clitics are the lexicon's closed grammar (ARABIC.md §4.3): proclitics
//! (و|ف)? ((ب|ك|ل)? ال? | لل | يا) and the pronoun enclitics. Unlike the lexicon, which must
//! never strip generically (زبون is not زب), the classifier may: the stem is one more feature
//! beside the word itself and its character n-grams, and a wrong split only adds a feature the
//! model learns to weigh. At least three letters remain of a longer word, so the short roots
//! that the Scunthorpe probe is about (مص، زب، كس) never come out of one (بكس stays بكس).

/// Letters a stem keeps at least.
const MIN_STEM: usize = 3;

const WAW: u32 = 'و' as u32;
const FA: u32 = 'ف' as u32;
const BA: u32 = 'ب' as u32;
const KAF: u32 = 'ك' as u32;
const LAM: u32 = 'ل' as u32;
const ALEF: u32 = 'ا' as u32;
const YA: u32 = 'ي' as u32;
const HA: u32 = 'ه' as u32;
const MIM: u32 = 'م' as u32;
const NUN: u32 = 'ن' as u32;

/// Whether a code point is a letter of normalized Arabic text.
#[inline(always)]
pub fn is_arabic_letter(u: u32) -> bool {
    (0x0621..=0x063A).contains(&u) || (0x0641..=0x064A).contains(&u)
}

/// The stem of a normalized Arabic word as `start..end` in `word`: of the ways to take off a
/// proclitic and a pronoun suffix that leave at least [`MIN_STEM`] letters, the one that takes
/// off the most letters, and of those the one with the shorter proclitic (كلبك is كلب + ك,
/// not ك + لبك).
pub fn stem(word: &[u32]) -> (usize, usize) {
    let n = word.len();
    if n <= MIN_STEM {
        return (0, n);
    }
    let suffix = enclitic(word);
    let conj = usize::from(word[0] == WAW || word[0] == FA);
    let mut best = (0, n);
    let mut best_stripped = 0;
    for c in 0..=conj {
        let mut proclitics = [0usize; 3];
        let found = proclitic_lengths(&word[c..], &mut proclitics);
        for p in std::iter::once(0).chain(proclitics[..found].iter().copied()) {
            let start = c + p;
            if n < start + MIN_STEM {
                continue;
            }
            let end = if n - start - MIN_STEM >= suffix {
                n - suffix
            } else {
                n
            };
            let stripped = start + n - end;
            if stripped > best_stripped || stripped == best_stripped && start < best.0 {
                (best, best_stripped) = ((start, end), stripped);
            }
        }
    }
    best
}

/// The letter at `i`, or 0 past the end.
#[inline(always)]
fn at(w: &[u32], i: usize) -> u32 {
    w.get(i).copied().unwrap_or(0)
}

/// Writes the lengths of the proclitics after the optional و/ف that `w` starts with (ب ك ل,
/// ال, بال كال, لل, يا) and returns how many. Letter tests rather than slice comparisons:
/// this runs for every Arabic word the classifiers read.
#[inline(always)]
fn proclitic_lengths(w: &[u32], out: &mut [usize; 3]) -> usize {
    let mut k = 0;
    let mut push = |n: usize| {
        if let Some(slot) = out.get_mut(k) {
            *slot = n;
            k += 1;
        }
    };
    let (a, b, c) = (at(w, 0), at(w, 1), at(w, 2));
    if matches!(a, BA | KAF | LAM) {
        push(1);
    }
    if matches!((a, b), (ALEF | LAM, LAM) | (YA, ALEF)) {
        push(2);
    }
    if matches!(a, BA | KAF) && b == ALEF && c == LAM {
        push(3);
    }
    k
}

/// The length of the pronoun enclitic that `w` ends with (ه ها ك ي هم هن كم كن نا هما كما;
/// normalized, so ه also ends feminine nouns), 0 if none. No enclitic ends another, so at most
/// one matches.
#[inline(always)]
fn enclitic(w: &[u32]) -> usize {
    let n = w.len();
    let (z, y, x) = (
        at(w, n.wrapping_sub(1)),
        at(w, n.wrapping_sub(2)),
        at(w, n.wrapping_sub(3)),
    );
    match z {
        ALEF if y == MIM && matches!(x, HA | KAF) => 3,
        ALEF if matches!(y, HA | NUN) => 2,
        MIM | NUN if matches!(y, HA | KAF) => 2,
        HA | KAF | YA => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stemmed(word: &str) -> String {
        let w: Vec<u32> = word.chars().map(u32::from).collect();
        let (a, b) = stem(&w);
        w[a..b].iter().filter_map(|&u| char::from_u32(u)).collect()
    }

    #[test]
    fn clitics_come_off_both_ends() {
        for (word, expected) in [
            ("والكلب", "كلب"),
            ("ياكلب", "كلب"),
            ("كلبك", "كلب"),
            ("وللحمير", "حمير"),
            ("فبالحمار", "حمار"),
            ("الخونه", "خون"),
            ("لحكومتهم", "حكومت"),
            ("كلبها", "كلب"),
            ("بيته", "بيت"),
        ] {
            assert_eq!(stemmed(word), expected, "{word}");
        }
    }

    #[test]
    fn at_least_three_letters_remain() {
        for word in ["كلب", "وسخ", "بكس", "الزب", "ومص", "كسك", "كس"] {
            assert!(
                stemmed(word).chars().count() >= 3.min(word.chars().count()),
                "{word}"
            );
        }
        assert_eq!(stemmed("وسخ"), "وسخ");
        assert_eq!(stemmed("الزب"), "الزب");
    }
}
