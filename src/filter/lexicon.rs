//! Word lists: the shipped `config/lexicons/*.toml` files and entries added at run time.
//!
//! Entries keep their term as written; the matcher normalizes every term with the same
//! [`normalize`](super::normalize::normalize) as the text, so a list may say شرموطة and
//! still match شرموطه, شرمـوطة or ﺷﺮﻣﻮﻃﺔ.

use std::sync::LazyLock;

use foldhash::{HashSet, HashSetExt};
use serde::{Deserialize, Serialize};

/// How bad a word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Mild,
    Strong,
    Slur,
}

/// What an entry asks the pipeline to do with a comment that contains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryAction {
    Mask,
    Hold,
    Reject,
}

/// Where a term may match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The whole token (plus the clitics its `morph` allows, or English inflections).
    Word,
    /// A token that starts with the term.
    Prefix,
    /// Anywhere, even inside a longer token (English only: Arabic terms shorter than four
    /// letters are matched as words, see the matcher).
    Substring,
    /// A word that counts only inside an insult frame (يا X, ابن X, ya X …).
    Frame,
}

/// Which Arabic clitics may surround the term (ARABIC.md §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Morph {
    #[default]
    Exact,
    Proclitics,
    Full,
}

/// The language of an entry, which decides the reading it is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    Ar,
    En,
    Arabizi,
}

/// One word-list entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Entry {
    pub term: String,
    pub lang: Lang,
    pub severity: Severity,
    pub action: EntryAction,
    pub mode: Mode,
    #[serde(default)]
    pub morph: Morph,
}

/// The entries and the allow-list the matcher is built from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    pub entries: Vec<Entry>,
    /// Words (or phrases) that are never flagged, as written.
    pub allow: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{file}: not a valid lexicon file: {source}")]
    Toml {
        file: String,
        #[source]
        source: toml::de::Error,
    },
    #[error("{file}: entry {term:?}: {reason}")]
    Invalid {
        file: String,
        term: String,
        reason: String,
    },
}

/// A file as written: `lang` at the top, `[[entry]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    lang: Option<Lang>,
    #[serde(default)]
    entry: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    term: String,
    lang: Option<Lang>,
    severity: Option<Severity>,
    action: Option<EntryAction>,
    mode: Option<Mode>,
    morph: Option<Morph>,
    #[allow(dead_code)]
    dialect: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

const WORD_LISTS: [(&str, &str); 3] = [
    (
        "config/lexicons/ar.toml",
        include_str!("../../config/lexicons/ar.toml"),
    ),
    (
        "config/lexicons/en.toml",
        include_str!("../../config/lexicons/en.toml"),
    ),
    (
        "config/lexicons/arabizi.toml",
        include_str!("../../config/lexicons/arabizi.toml"),
    ),
];
const ALLOW_LIST: (&str, &str) = (
    "config/lexicons/allow.toml",
    include_str!("../../config/lexicons/allow.toml"),
);

impl Lexicon {
    /// The lists shipped in `config/lexicons/` (compiled into the binary).
    pub fn builtin() -> Result<Lexicon, LexiconError> {
        let mut lexicon = Lexicon::default();
        for (file, text) in WORD_LISTS.into_iter().chain([ALLOW_LIST]) {
            let part = Self::parse_named(file, text)?;
            lexicon.entries.extend(part.entries);
            lexicon.allow.extend(part.allow);
        }
        Ok(lexicon)
    }

    /// The shipped allow-list alone, without parsing the word lists.
    pub fn builtin_allow() -> Result<Vec<String>, LexiconError> {
        let (file, text) = ALLOW_LIST;
        Ok(Self::parse_named(file, text)?.allow)
    }

    /// This lexicon plus run-time entries and allow-list words (from the database).
    pub fn with_extra(&self, extra: &[Entry], extra_allow: &[String]) -> Lexicon {
        let mut lexicon = self.clone();
        lexicon.entries.extend_from_slice(extra);
        lexicon.allow.extend_from_slice(extra_allow);
        lexicon
    }

    /// Parses one lexicon file. A word list needs `severity`, `action` and `mode` on every
    /// entry and a `lang`; a file whose entries have none of the three is an allow-list
    /// (`allow.toml`). A word list with one incomplete entry is an error, never an allow-list.
    pub fn parse_toml(text: &str) -> Result<Lexicon, LexiconError> {
        Self::parse_named("lexicon", text)
    }

    fn parse_named(file: &str, text: &str) -> Result<Lexicon, LexiconError> {
        let raw: RawFile = toml::from_str(text).map_err(|source| LexiconError::Toml {
            file: file.to_owned(),
            source,
        })?;
        let is_allow = raw
            .entry
            .iter()
            .all(|e| e.severity.is_none() && e.action.is_none() && e.mode.is_none());
        let mut lexicon = Lexicon::default();
        for e in raw.entry {
            let invalid = |reason: &str| LexiconError::Invalid {
                file: file.to_owned(),
                term: e.term.clone(),
                reason: reason.to_owned(),
            };
            if super::normalize::normalize(&e.term).text.trim().is_empty() {
                return Err(invalid("the term is empty after normalization"));
            }
            if is_allow {
                lexicon.allow.push(e.term);
                continue;
            }
            let (Some(severity), Some(action), Some(mode)) = (e.severity, e.action, e.mode) else {
                return Err(invalid("severity, action and mode are all required"));
            };
            let Some(lang) = e.lang.or(raw.lang) else {
                return Err(invalid(
                    "no lang (neither on the entry nor at the top of the file)",
                ));
            };
            let morph = e.morph.unwrap_or_default();
            lexicon.entries.push(Entry {
                term: e.term,
                lang,
                severity,
                action,
                mode,
                morph,
            });
        }
        Ok(lexicon)
    }
}

/// Arabic proclitics (ARABIC.md §4.3): (و|ف)? (ب|ك|ل)? (ال)? | لل | يا | ويا, combined.
pub static AR_PROCLITICS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut set = HashSet::new();
    for a in ["", "و", "ف"] {
        for b in ["", "ب", "ك", "ل"] {
            for c in ["", "ال"] {
                set.insert(format!("{a}{b}{c}"));
            }
        }
        for d in ["لل", "يا"] {
            set.insert(format!("{a}{d}"));
        }
    }
    set.remove("");
    set
});

/// Pronoun enclitics, for `full` entries only. No inflectional endings (ات ون ين ان ة): those
/// forms are listed in the lexicon, because stripping them turns زبون into زب.
pub const AR_SUFFIXES: [&str; 11] = ["ه", "ها", "ك", "ي", "هم", "هن", "كم", "كن", "نا", "هما", "كما"];

/// Words that open an insult frame (normalized): يا X, ابن X, انت X, ايها X, ya X, ibn el X,
/// you X. The vocative ايها/ايتها (ايها الخونة) and the second-person pronouns (انت حمار،
/// انتم خونة، Gulf انته، Moroccan نتا حمار) aim the word at the
/// reader or another commenter, as `you` does in English; ولد is the Gulf and Maghrebi ابن
/// (ولد الكلب). None of them is a frame for a third person: هذا حيوان stays the model's call.
pub const FRAMES: [&str; 39] = [
    "يا",
    "ي",
    "ابن",
    "بنت",
    "ولاد",
    "اولاد",
    "ولد",
    "انت",
    "انتي",
    "انته",
    "انتم",
    "انتو",
    "انتوا",
    "وانت",
    "وانتم",
    "نتا",
    "نتي",
    "ايها",
    "ايتها",
    "wld",
    "يابن",
    "يابنت",
    "ياولاد",
    "وابن",
    "وبنت",
    "ya",
    "yaa",
    "ibn",
    "ebn",
    "bint",
    "bent",
    "wlad",
    "awlad",
    "weld",
    "ould",
    "you",
    "u",
    "ur",
    "youre",
];

/// The article between ibn/bint and the insult: "ibn el kalb".
pub const FRAME_ARTICLES: [&str; 4] = ["el", "al", "il", "l"];

/// Inflections generated for English `word` entries, besides the forms the list spells out
/// (-in only after four letters: cum → cumin is a spice).
const EN_SUFFIXES: [&str; 8] = ["s", "es", "ed", "ing", "er", "ers", "y", "in"];

/// Generated forms that are ordinary English words (checked against a dictionary): spic →
/// spicy, spices, spiced; cock → cocky; prick → pricked; damn → damning …
const EN_INNOCENT_FORMS: [&str; 28] = [
    "craps",
    "crapes",
    "dicker",
    "dickers",
    "dicky",
    "cocked",
    "cocking",
    "cocky",
    "cocker",
    "cockers",
    "pricked",
    "pricking",
    "fagged",
    "fagging",
    "dyked",
    "dyking",
    "retarding",
    "spices",
    "spiced",
    "spicing",
    "spicy",
    "chinked",
    "chinking",
    "japes",
    "japed",
    "japing",
    "damning",
    "pricker",
];

/// An English word entry and its inflections: -s -es -ed -ing -er -ers -y -in, with the
/// usual spelling changes (rape → raping, pussy → pussies, shit → shitty).
pub fn english_forms(term: &str) -> Vec<String> {
    let mut forms = vec![term.to_owned()];
    if term.contains(' ') || term.chars().count() < 3 {
        return forms;
    }
    let chars: Vec<char> = term.chars().collect();
    let n = chars.len();
    let vowel = |c: char| "aeiou".contains(c);
    let last = chars[n - 1];
    let cvc = !vowel(last) && !"wxy".contains(last) && vowel(chars[n - 2]) && !vowel(chars[n - 3]);
    for suffix in EN_SUFFIXES {
        if suffix == "in" && n < 4 {
            continue;
        }
        let starts_vowel = suffix.starts_with(['e', 'i', 'y']);
        let stem = &term[..term.len() - last.len_utf8()];
        if last == 'e' && starts_vowel {
            forms.push(format!("{stem}{suffix}"));
        } else if last == 'y' && suffix == "es" {
            forms.push(format!("{stem}ies"));
        } else {
            forms.push(format!("{term}{suffix}"));
            if cvc && starts_vowel {
                forms.push(format!("{term}{last}{suffix}"));
            }
        }
    }
    forms.retain(|f| f == term || !EN_INNOCENT_FORMS.contains(&f.as_str()));
    forms.dedup();
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incomplete_entry_is_an_error_not_an_allow_word() {
        let text = "lang = \"en\"\n[[entry]]\nterm = \"a\"\nseverity = \"mild\"\n";
        assert!(Lexicon::parse_toml(text).is_err());
    }

    #[test]
    fn entries_without_policy_fields_form_an_allow_list() {
        let text = "[[entry]]\nterm = \"Scunthorpe\"\nnote = \"town\"\n";
        let lexicon = Lexicon::parse_toml(text).unwrap();
        assert_eq!(lexicon.allow, vec!["Scunthorpe".to_owned()]);
    }
}
