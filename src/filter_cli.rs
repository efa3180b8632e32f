//! `majlis filter check | eval | train`: the filter offline, on the shipped word lists and
//! models, judged as for an established commenter in good standing on a site with
//! pre-moderation off (SPEC §1).

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::Context as _;

use crate::filter::classifier::Models;
use crate::filter::lexicon::Lexicon;
use crate::filter::matcher::Matcher;
use crate::filter::pipeline::Judge;
use crate::filter::{Action, FilterContext, Verdict};

/// The shipped word lists and models.
pub struct Offline {
    matcher: Matcher,
    models: Models,
}

impl Offline {
    pub fn load() -> anyhow::Result<Self> {
        let lexicon = Lexicon::builtin().context("loading the word lists")?;
        Ok(Self {
            matcher: Matcher::new(&lexicon),
            models: Models::builtin().context("loading the models")?,
        })
    }

    pub fn judge(&self, text: &str) -> Verdict {
        let ctx = FilterContext::established("cli");
        Judge {
            matcher: &self.matcher,
            models: &self.models,
        }
        .judge(text, &ctx)
    }
}

pub fn check() -> anyhow::Result<()> {
    let offline = Offline::load()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines() {
        let verdict = offline.judge(&line?);
        writeln!(out, "{}", serde_json::to_string(&verdict)?)?;
    }
    Ok(())
}

/// Counts for a binary confusion matrix; "positive" = the filter held or rejected.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Confusion {
    pub true_pos: u64,
    pub false_pos: u64,
    pub true_neg: u64,
    pub false_neg: u64,
}

impl Confusion {
    pub fn add(&mut self, flagged: bool, expected: bool) {
        match (flagged, expected) {
            (true, true) => self.true_pos += 1,
            (true, false) => self.false_pos += 1,
            (false, false) => self.true_neg += 1,
            (false, true) => self.false_neg += 1,
        }
    }

    fn ratio(a: u64, b: u64) -> f64 {
        if a + b == 0 {
            0.0
        } else {
            a as f64 / (a + b) as f64
        }
    }

    pub fn precision(&self) -> f64 {
        Self::ratio(self.true_pos, self.false_pos)
    }

    pub fn recall(&self) -> f64 {
        Self::ratio(self.true_pos, self.false_neg)
    }

    /// Share of negatives flagged: clean comments held, or ham called spam.
    pub fn false_positive_rate(&self) -> f64 {
        Self::ratio(self.false_pos, self.true_neg)
    }

    /// Matthews correlation coefficient: one figure that stays honest on unbalanced data.
    pub fn mcc(&self) -> f64 {
        let (tp, fp, tn, fn_) = (
            self.true_pos as f64,
            self.false_pos as f64,
            self.true_neg as f64,
            self.false_neg as f64,
        );
        let denominator = ((tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_)).sqrt();
        if denominator == 0.0 {
            0.0
        } else {
            (tp * tn - fp * fn_) / denominator
        }
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

/// Reads `text<TAB>label` lines; a label is `1`/`0`, or a word (`offensive`, `spam`, `clean`,
/// `ham`, `not`). A header line whose label is not one of those is skipped.
pub fn eval(file: &Path) -> anyhow::Result<()> {
    let offline = Offline::load()?;
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let [mut found, mut flagged, mut rejected, mut spam, mut words] = [Confusion::default(); 5];
    let mut skipped = 0;
    for line in text.lines() {
        let Some((body, label)) = line.rsplit_once('\t') else {
            skipped += 1;
            continue;
        };
        let Some(expected) = parse_label(label) else {
            skipped += 1;
            continue;
        };
        let verdict = offline.judge(body);
        found.add(
            verdict.action != Action::Publish || verdict.masked_body.is_some(),
            expected,
        );
        flagged.add(verdict.action != Action::Publish, expected);
        rejected.add(verdict.action == Action::Reject, expected);
        spam.add(verdict.spam, expected);
        words.add(verdict.reasons.iter().any(|r| r.code == "word_list"), expected);
    }
    let lines = [
        ("masked, held or rejected", found),
        ("held or rejected", flagged),
        ("rejected", rejected),
        ("classed as spam", spam),
        ("word lists", words),
    ];
    for (name, c) in lines {
        println!(
            "{name}: precision {:.3} recall {:.3} F1 {:.3} MCC {:.3} negatives flagged {:.2}%  [tp {} fp {} fn {} tn {}]",
            c.precision(),
            c.recall(),
            c.f1(),
            c.mcc(),
            100.0 * c.false_positive_rate(),
            c.true_pos,
            c.false_pos,
            c.false_neg,
            c.true_neg
        );
    }
    if skipped > 0 {
        println!("skipped {skipped} line(s) without a text and a label");
    }
    Ok(())
}

fn parse_label(label: &str) -> Option<bool> {
    match label.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "offensive" | "abusive" | "spam" | "hold" | "reject" => Some(true),
        "0" | "false" | "clean" | "ham" | "not" | "none" | "publish" => Some(false),
        _ => None,
    }
}

pub fn train(data: &Path, out: &Path) -> anyhow::Result<()> {
    let report = crate::filter::train::train(data, out)?;
    println!("{report}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_figures_match_their_definitions() {
        let mut c = Confusion::default();
        for (flagged, expected, times) in [
            (true, true, 8),
            (true, false, 2),
            (false, true, 2),
            (false, false, 88),
        ] {
            (0..times).for_each(|_| c.add(flagged, expected));
        }
        assert!((c.precision() - 0.8).abs() < 1e-9);
        assert!((c.recall() - 0.8).abs() < 1e-9);
        assert!((c.f1() - 0.8).abs() < 1e-9);
        assert!((c.false_positive_rate() - 2.0 / 90.0).abs() < 1e-9);
        // (8·88 − 2·2) / √(10·10·90·90) = 700 / 900
        assert!((c.mcc() - 700.0 / 900.0).abs() < 1e-9);
        assert_eq!(Confusion::default().mcc(), 0.0, "no data, no correlation");
    }

    #[test]
    fn labels_are_read_as_numbers_or_words() {
        assert_eq!(parse_label("1"), Some(true));
        assert_eq!(parse_label(" spam "), Some(true));
        assert_eq!(parse_label("ham"), Some(false));
        assert_eq!(parse_label("0"), Some(false));
        assert_eq!(parse_label("expected_offensive"), None, "a header");
    }
}
