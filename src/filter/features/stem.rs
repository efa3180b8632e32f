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

/// What may follow the optional و/ف, longest first.
const PROCLITICS: [&[u32]; 8] = [
    &[BA, ALEF, LAM],
    &[KAF, ALEF, LAM],
    &[ALEF, LAM],
    &[LAM, LAM],
    &[YA, ALEF],
    &[BA],
    &[KAF],
    &[LAM],
];

/// Pronoun enclitics (normalized: ة is ه by now, so ه also ends feminine nouns), longest first.
const SUFFIXES: [&[u32]; 11] = [
    &[HA, MIM, ALEF],
    &[KAF, MIM, ALEF],
    &[HA, ALEF],
    &[HA, MIM],
    &[HA, NUN],
    &[KAF, MIM],
    &[KAF, NUN],
    &[NUN, ALEF],
    &[HA],
    &[KAF],
    &[YA],
];

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
    let conj = usize::from(matches!(word.first(), Some(&WAW | &FA)));
    let starts = (0..=conj).flat_map(|c| {
        std::iter::once(&[][..])
            .chain(PROCLITICS)
            .filter(move |p| word[c..].starts_with(p))
            .map(move |p| c + p.len())
    });
    let mut best = (0, word.len());
    let stripped = |(a, b): (usize, usize)| a + word.len() - b;
    for start in starts {
        let rest = &word[start..];
        let end = SUFFIXES
            .iter()
            .find(|s| rest.ends_with(s) && rest.len() - s.len() >= MIN_STEM)
            .map_or(word.len(), |s| word.len() - s.len());
        let (now, then) = (stripped((start, end)), stripped(best));
        if end.saturating_sub(start) >= MIN_STEM && (now > then || now == then && start < best.0) {
            best = (start, end);
        }
    }
    best
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
