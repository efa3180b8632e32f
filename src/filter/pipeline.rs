//! The verdict: word-list hits, signals and model scores combined by the thresholds.
//!
//! Scores are probabilities. Spam evidence adds up (a link, a phone number and a spam-like
//! text together are stronger than any one), so spam signals combine as a noisy-or; abuse is
//! the strongest single piece of evidence (a slur is not made worse by a second one).

use super::classifier::Models;
use super::lexicon::{EntryAction, Severity};
use super::matcher::{Hit, Matcher};
use super::normalize::{Buffers, collect_normalized, is_ascii_space, normalize_into};
use super::signals::{self, Signal, SignalKind};
use super::{Action, FilterContext, Overrides, Reason, Verdict};

/// Everything the filter reads besides the text: the word lists and the models.
pub struct Judge<'a> {
    pub matcher: &'a Matcher,
    pub models: &'a Models,
}

impl Judge<'_> {
    pub fn judge(&self, text: &str, ctx: &FilterContext<'_>) -> Verdict {
        NORMALIZED.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buffers) => {
                let verdict = self.judge_with(text, ctx, &mut buffers);
                if buffers.normalized.capacity() > KEEP_BYTES {
                    *buffers = Normalization::default();
                }
                verdict
            }
            Err(_) => self.judge_with(text, ctx, &mut Normalization::default()),
        })
    }

    fn judge_with(&self, text: &str, ctx: &FilterContext<'_>, buffers: &mut Normalization) -> Verdict {
        // Normalized once, for the word lists, the signals and the models alike.
        normalize_into(text, &mut buffers.chars);
        let chars = &buffers.chars.chars;
        let hits = self
            .matcher
            .find_normalized(text, chars, buffers.chars.span_map());
        collect_normalized(text, &buffers.chars, &mut buffers.normalized);
        let normalized = buffers.normalized.as_str();
        let mut signals = signals::text_signals(text, normalized);
        signals.extend(signals::activity_signals(
            &ctx.activity,
            ctx.author_approved,
            ctx.author_rejected,
        ));
        let scores = self.models.scores(normalized);
        let evidence = Evidence {
            hits: &hits,
            signals: &signals,
            abuse_model: scores.abuse,
            spam_model: scores.spam,
            words: word_count(normalized, chars),
        };
        decide(text, &evidence, self.models, ctx.overrides)
    }
}

/// The normalized text of the comment being judged, kept per thread between comments so
/// that normalizing allocates nothing in the steady state.
#[derive(Default)]
struct Normalization {
    chars: Buffers,
    normalized: String,
}

/// Texts longer than this leave their buffers to be freed rather than kept for the thread.
const KEEP_BYTES: usize = 1 << 16;

thread_local! {
    static NORMALIZED: std::cell::RefCell<Normalization> = std::cell::RefCell::default();
}

/// `normalized.split_whitespace().count()`, on the characters already at hand (`chars`
/// are `normalized`'s). An ASCII text (one byte a character) is counted over its bytes:
/// counted character by character, this was 3% of the English pipeline's time.
fn word_count(normalized: &str, chars: &[char]) -> usize {
    if normalized.len() == chars.len() {
        // A word starts at a byte that is not a space, after one that is or at the start.
        // Summed in `u32` over pairs of bytes: half the instructions of a `usize` sum over
        // `windows(2)`.
        let b = normalized.as_bytes();
        let first = b.first().is_some_and(|&c| !is_ascii_space(c));
        let starts = b
            .iter()
            .zip(b.get(1..).unwrap_or_default())
            .fold(0u32, |n, (&before, &c)| {
                n + u32::from(is_ascii_space(before) & !is_ascii_space(c))
            });
        return usize::from(first) + starts as usize;
    }
    let mut after_space = true;
    let mut words = 0;
    for c in chars {
        let space = c.is_whitespace();
        words += usize::from(after_space && !space);
        after_space = space;
    }
    words
}

/// What the filter found in one text.
struct Evidence<'a> {
    hits: &'a [Hit],
    signals: &'a [Signal],
    abuse_model: f32,
    spam_model: f32,
    words: usize,
}

/// Words under which the spam model alone is not trusted. It learned from SMS and video
/// comments, where "first comment" or "nice" are spam more often than on a news site, and
/// a text this short carries too few n-grams to tell.
const SHORT_TEXT_WORDS: usize = 8;

fn decide(text: &str, evidence: &Evidence<'_>, models: &Models, overrides: Overrides) -> Verdict {
    let Evidence {
        hits,
        signals,
        abuse_model,
        words,
        ..
    } = *evidence;
    let (abuse_t, spam_t) = (models.abuse.thresholds(), models.spam.thresholds());
    let abuse_hold = overrides.abuse_hold.unwrap_or(abuse_t.hold);
    let spam_signals: Vec<f32> = signals
        .iter()
        .filter(|s| s.kind == SignalKind::Spam)
        .map(|s| s.weight)
        .collect();
    // A short text without any other sign of spam gets a proportionally smaller say.
    let spam_model = if spam_signals.is_empty() && words < SHORT_TEXT_WORDS {
        evidence.spam_model * words as f32 / SHORT_TEXT_WORDS as f32
    } else {
        evidence.spam_model
    };
    let author: f32 = signals
        .iter()
        .filter(|s| s.kind == SignalKind::Author)
        .map(|s| s.weight)
        .fold(0.0, f32::max);
    let lexicon_abuse = hits
        .iter()
        // A `mask` word is published starred: it is not evidence of abuse by itself.
        .filter(|h| h.action != EntryAction::Mask)
        .map(|h| severity_score(h.severity))
        .fold(0.0, f32::max);
    let signal_abuse = signals
        .iter()
        .filter(|s| s.kind == SignalKind::Abuse)
        .map(|s| s.weight)
        .fold(0.0, f32::max);
    let abuse = noisy_or([abuse_model.max(lexicon_abuse).max(signal_abuse), author]);
    let spam = noisy_or(spam_signals.iter().copied().chain([spam_model, author]));

    let mut reasons: Vec<Reason> = hits.iter().map(hit_reason).collect();
    reasons.extend(signals.iter().map(|s| s.reason.clone()));
    if abuse_model >= abuse_hold {
        reasons.push(model_reason("abuse_model", "reads as abusive", abuse_model));
    }
    // The spam model's own "reject" threshold is where this service holds: spam is never
    // rejected outright, and its "hold" threshold (tuned on SMS) holds too many news comments.
    let spam_hold = overrides.spam_hold.unwrap_or(spam_t.reject);
    if spam_model >= spam_hold {
        reasons.push(model_reason("spam_model", "reads as spam", spam_model));
    }

    let worst_entry = hits.iter().map(|h| h.action).max();
    let action = if worst_entry == Some(EntryAction::Reject) || abuse_model >= abuse_t.reject {
        Action::Reject
    } else if worst_entry == Some(EntryAction::Hold) || abuse >= abuse_hold || spam >= spam_hold {
        Action::Hold
    } else {
        Action::Publish
    };
    // Which queue a held text goes to. A rule's evidence (a link, a phone number, promotional
    // wording; a listed word) outweighs a model's score on the other side: a coupon ad is
    // spam even if its hashtags read as abusive to the abuse model, an insult is abuse even if
    // it reads as spam. Between evidence of the same kind, the higher score.
    let spam_rules = !spam_signals.is_empty();
    let abuse_rules = lexicon_abuse > 0.0;
    let spam_queue = match (spam_rules, abuse_rules) {
        (true, false) => true,
        (false, true) => false,
        _ => spam >= abuse,
    };
    let masked_body = (action == Action::Publish).then(|| mask(text, hits)).flatten();
    Verdict {
        action,
        score: abuse.max(spam),
        spam: action == Action::Hold && spam >= spam_hold && spam_queue,
        reasons,
        masked_body,
    }
}

fn noisy_or(weights: impl IntoIterator<Item = f32>) -> f32 {
    1.0 - weights
        .into_iter()
        .map(|w| 1.0 - w.clamp(0.0, 1.0))
        .product::<f32>()
}

fn severity_score(s: Severity) -> f32 {
    match s {
        Severity::Mild => 0.5,
        Severity::Strong => 0.8,
        Severity::Slur => 0.95,
    }
}

fn hit_reason(hit: &Hit) -> Reason {
    let severity = match hit.severity {
        Severity::Mild => "mild",
        Severity::Strong => "strong",
        Severity::Slur => "slur",
    };
    Reason {
        code: "word_list".into(),
        detail: format!("a {severity} word from the word lists"),
        span: Some(hit.span),
        term: Some(hit.term.clone()),
    }
}

fn model_reason(code: &str, detail: &str, score: f32) -> Reason {
    Reason {
        code: code.into(),
        detail: format!("{detail} ({score:.2})"),
        span: None,
        term: None,
    }
}

/// The text with every `mask` hit's span replaced by asterisks; `None` when nothing is masked.
fn mask(text: &str, hits: &[Hit]) -> Option<String> {
    let spans: Vec<[usize; 2]> = hits
        .iter()
        .filter(|h| h.action == EntryAction::Mask)
        .map(|h| h.span)
        .collect();
    if spans.is_empty() {
        return None;
    }
    let masked = text
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let covered = spans.iter().any(|[s, e]| (*s..*e).contains(&i));
            if covered && !c.is_whitespace() { '*' } else { c }
        })
        .collect();
    Some(masked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::lexicon::Lang;
    use crate::filter::matcher::View;

    fn promotion() -> Signal {
        Signal {
            reason: Reason {
                code: "promotion".into(),
                detail: "promotional wording".into(),
                span: None,
                term: None,
            },
            weight: 0.3,
            kind: SignalKind::Spam,
        }
    }

    fn listed_word() -> Hit {
        Hit {
            term: "كلب".into(),
            severity: Severity::Mild,
            action: EntryAction::Hold,
            lang: Lang::Ar,
            span: [0, 3],
            view: View::Arabic,
        }
    }

    #[allow(clippy::expect_used, reason = "the shipped models always load")]
    #[test]
    fn a_rule_on_one_side_outweighs_a_model_score_on_the_other_in_choosing_the_queue() {
        let models = Models::builtin().expect("shipped models");
        let (abuse_t, spam_hold) = (models.abuse.thresholds(), models.spam.thresholds().reject);
        // Over both hold thresholds, the abuse score the higher, under rejection.
        let (abuse, spam) = (abuse_t.hold + 0.1, spam_hold + 0.01);
        assert!(spam < abuse && abuse < abuse_t.reject);
        let queue = |hits: &[Hit], signals: &[Signal], spam_model: f32| {
            let evidence = Evidence {
                hits,
                signals,
                abuse_model: abuse,
                spam_model,
                words: 20,
            };
            let verdict = decide("text", &evidence, &models, Overrides::default());
            assert_eq!(verdict.action, Action::Hold);
            verdict.spam
        };
        let signals = [promotion()];
        let hits = [listed_word()];
        // An ad held by its wording goes to the spam queue, however abusive the model finds it.
        assert!(queue(&[], &signals, 0.0));
        // Held by the models alone, the higher score decides: abuse.
        assert!(!queue(&[], &[], spam));
        // A listed word keeps an insult in the moderation queue, even when the spam model
        // would hold it too.
        assert!(!queue(&hits, &[], 0.99));
        // Rules on both sides: the higher score again.
        assert!(!queue(&hits, &signals, 0.0));
        assert!(queue(&hits, &signals, 0.99));
    }

    #[test]
    fn word_count_counts_as_split_whitespace_does() {
        let ascii = (0u8..0x80).map(char::from).collect::<String>();
        for text in [
            "",
            " ",
            "a",
            " a  b\u{3000}ج\n",
            "يا\u{a0}كلب ",
            "a\u{200b}b",
            "a\tb\x0bc\x0cd\re\n",
            &ascii,
        ] {
            let chars: Vec<char> = text.chars().collect();
            assert_eq!(
                word_count(text, &chars),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        /// The byte path counts an ASCII text's words as `split_whitespace` does.
        #[test]
        fn the_ascii_word_count_is_split_whitespace(text in "[a \t\n\x0b\x0c\r\x1f!-]{0,200}") {
            let chars: Vec<char> = text.chars().collect();
            proptest::prop_assert_eq!(word_count(&text, &chars), text.split_whitespace().count());
        }
    }
}
