//! The content filter. Every new or edited comment passes through [`pipeline::Judge::judge`], a
//! pure function of the text, its context, the word lists and the models that returns a
//! [`Verdict`] with reasons and spans in the original text.
//!
//! Pipeline: `normalize` (one function for text and lexicon entries, with an offset map back
//! to the original) → `tokens` (words, joined single letters, squeezed repeats; Latin words
//! also read as leetspeak and as Arabizi) → `matcher` (one Aho-Corasick pass over the
//! tokens, Arabic clitics, insult frames, the allow-list) → `signals` (links, phones,
//! shouting, floods, rate and duplicates from the context) → `classifier` (learned abuse and
//! spam scores) → `policy` (the action).

pub mod arabizi;
pub mod classifier;
pub mod features;
pub mod leet;
pub mod lexicon;
pub mod matcher;
pub mod normalize;
pub mod pipeline;
pub mod signals;
pub mod tokens;
pub mod train;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What the filter recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Publish,
    Hold,
    Reject,
}

/// Why: which rule fired and, for words, where (`[start, end)` in scalar values of the
/// original text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Reason {
    pub code: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Verdict {
    pub action: Action,
    pub score: f32,
    pub reasons: Vec<Reason>,
    pub masked_body: Option<String>,
    /// Held as suspected spam (stored in the spam queue rather than the pending one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub spam: bool,
}

/// What the filter may know besides the text.
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterContext<'a> {
    pub site: &'a str,
    pub lang: Option<&'a str>,
    /// Approved comments of the author so far.
    pub author_approved: i64,
    /// Rejected comments of the author so far.
    pub author_rejected: i64,
    /// Posting rate and duplicates, from the shared state.
    pub activity: signals::Activity,
    /// The site's own thresholds, where it overrides the models' proposed ones.
    pub overrides: Overrides,
}

impl<'a> FilterContext<'a> {
    /// An established commenter in good standing, with no recent activity: how dry runs,
    /// backtests and the CLI judge a text (SPEC §1).
    pub fn established(site: &'a str) -> Self {
        Self {
            site,
            author_approved: 10,
            author_rejected: 0,
            ..Self::default()
        }
    }
}

/// Per-site thresholds on the combined abuse and spam scores (`None`: the models' own).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overrides {
    pub abuse_hold: Option<f32>,
    pub spam_hold: Option<f32>,
}
