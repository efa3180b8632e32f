//! What training measured, printable as plain-text tables.

use super::fit::LrParams;
use super::metrics::{Confusion, Pct, average_precision};
use super::whole::WholeEvaluation;
use crate::filter::classifier::Thresholds;
use crate::filter::features::FeatureSpec;
use std::fmt;

/// One learner on one group of held-out rows (threshold 0.5 and the best F1 over thresholds).
#[derive(Debug, Clone)]
pub struct Comparison {
    pub learner: &'static str,
    pub group: String,
    pub average_precision: Option<f64>,
    pub at_half: Confusion,
    pub best_f1: f64,
    pub best_mcc: f64,
}

impl Comparison {
    pub fn new(learner: &'static str, group: &str, scored: &[(f32, bool)]) -> Comparison {
        let (mut best_f1, mut best_mcc) = (0.0f64, -1.0f64);
        for step in 1..200 {
            let c = Confusion::at(scored, step as f32 / 200.0);
            best_f1 = best_f1.max(c.f1().unwrap_or(0.0));
            best_mcc = best_mcc.max(c.mcc().unwrap_or(-1.0));
        }
        Comparison {
            learner,
            group: group.to_owned(),
            average_precision: average_precision(scored),
            at_half: Confusion::at(scored, 0.5),
            best_f1,
            best_mcc,
        }
    }
}

/// A group of rows at the proposed thresholds: `hold` counts everything at or above the hold
/// threshold (hold + reject), `reject` only what is rejected.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub group: String,
    pub rows: usize,
    pub positives: usize,
    pub average_precision: Option<f64>,
    pub hold: Confusion,
    pub reject: Confusion,
}

impl Evaluation {
    pub fn new(group: &str, scored: &[(f32, bool)], t: Thresholds) -> Evaluation {
        Evaluation {
            group: group.to_owned(),
            rows: scored.len(),
            positives: scored.iter().filter(|x| x.1).count(),
            average_precision: average_precision(scored),
            hold: Confusion::at(scored, t.hold),
            reject: Confusion::at(scored, t.reject),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TaskReport {
    pub name: &'static str,
    /// The learner that made the model.
    pub learner: &'static str,
    pub trained_rows: usize,
    pub thresholds: Thresholds,
    pub file_bytes: usize,
    pub comparison: Vec<Comparison>,
    /// Precision and recall on the target rows (out-of-fold) at thresholds 0.05, 0.10, … 0.95.
    pub curve: Vec<(f32, Confusion)>,
    pub held_out: Vec<Evaluation>,
    pub evaluation_only: Vec<Evaluation>,
    /// The whole filter on the target rows, out-of-fold (empty when not measured).
    pub whole: Vec<WholeEvaluation>,
}

#[derive(Debug, Clone)]
pub struct TrainReport {
    pub spec: FeatureSpec,
    pub params: LrParams,
    pub abuse: TaskReport,
    pub spam: TaskReport,
}

impl fmt::Display for TrainReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.spec;
        writeln!(
            f,
            "features: 2^{} buckets, char {}-{} grams, word 1-{} grams{}{}; logistic regression, \
             AdaGrad, {} epochs, rate {}, l2 {}",
            s.bits,
            s.char_min,
            s.char_max,
            s.word_max,
            if s.stems { ", Arabic stems" } else { "" },
            if s.neutral {
                ", neutral words (allow-list, names) skipped by the abuse model"
            } else {
                ""
            },
            self.params.epochs,
            self.params.rate,
            self.params.l2
        )?;
        write!(f, "{}\n{}", self.abuse, self.spam)
    }
}

impl fmt::Display for TaskReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.thresholds;
        writeln!(
            f,
            "\n== {} ({}): {} training rows, file {} bytes, thresholds hold {:.3} reject {:.3}",
            self.name, self.learner, self.trained_rows, self.file_bytes, t.hold, t.reject
        )?;
        writeln!(f, "\nlearners, out-of-fold (percent; P/R/F1 at 0.5):")?;
        writeln!(
            f,
            "{:<20} {:<16} {:>5} {:>5} {:>5} {:>5} {:>7} {:>8}",
            "learner", "group", "AP", "P", "R", "F1", "bestF1", "bestMCC"
        )?;
        for c in &self.comparison {
            let h = c.at_half;
            writeln!(
                f,
                "{:<20} {:<16} {} {} {} {} {:>7.1} {:>8.3}",
                c.learner,
                c.group,
                Pct(c.average_precision),
                Pct(h.precision()),
                Pct(h.recall()),
                Pct(h.f1()),
                100.0 * c.best_f1,
                c.best_mcc
            )?;
        }
        writeln!(
            f,
            "\ntarget rows out-of-fold by threshold (P R flagged-negatives, percent):"
        )?;
        for chunk in self.curve.chunks(5) {
            for (t, c) in chunk {
                write!(
                    f,
                    "  {t:.2}: {} {} {}",
                    Pct(c.precision()),
                    Pct(c.recall()),
                    Pct(c.fpr())
                )?;
            }
            writeln!(f)?;
        }
        writeln!(f, "\nheld out (out-of-fold), at the thresholds:")?;
        table(f, &self.held_out)?;
        writeln!(f, "\nevaluation-only sources, shipped model:")?;
        table(f, &self.evaluation_only)?;
        if !self.whole.is_empty() {
            writeln!(
                f,
                "\nthe whole filter (word lists, signals, both models) on the target rows, out-of-fold:"
            )?;
            whole_table(f, &self.whole)?;
        }
        Ok(())
    }
}

fn whole_table(f: &mut fmt::Formatter<'_>, rows: &[WholeEvaluation]) -> fmt::Result {
    writeln!(
        f,
        "{:<34} {:>6} {:>6} | {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5}",
        "group", "rows", "pos", "P≥h", "R≥h", "neg≥h", "P≥r", "R≥r", "neg≥r"
    )?;
    for e in rows {
        let (h, r) = (e.held, e.rejected);
        writeln!(
            f,
            "{:<34} {:>6} {:>6} | {} {} {} | {} {} {}  [rejected {}]",
            e.group,
            e.rows,
            e.positives,
            Pct(h.precision()),
            Pct(h.recall()),
            Pct(h.fpr()),
            Pct(r.precision()),
            Pct(r.recall()),
            Pct(r.fpr()),
            r.tp + r.fp
        )?;
    }
    Ok(())
}

fn table(f: &mut fmt::Formatter<'_>, rows: &[Evaluation]) -> fmt::Result {
    writeln!(
        f,
        "{:<34} {:>6} {:>6} {:>5} | {:>5} {:>5} {:>5} {:>6} | {:>5} {:>5} {:>5} {:>6}",
        "group", "rows", "pos", "AP", "P≥h", "R≥h", "neg≥h", "MCC≥h", "P≥r", "R≥r", "neg≥r", "MCC≥r"
    )?;
    for e in rows {
        let (h, r) = (e.hold, e.reject);
        let mcc = |c: Confusion| c.mcc().map_or("     -".to_owned(), |m| format!("{m:6.3}"));
        writeln!(
            f,
            "{:<34} {:>6} {:>6} {} | {} {} {} {} | {} {} {} {}",
            e.group,
            e.rows,
            e.positives,
            Pct(e.average_precision),
            Pct(h.precision()),
            Pct(h.recall()),
            Pct(h.fpr()),
            mcc(h),
            Pct(r.precision()),
            Pct(r.recall()),
            Pct(r.fpr()),
            mcc(r)
        )?;
    }
    Ok(())
}
