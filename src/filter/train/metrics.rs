//! Counting and summarising predictions.

use std::fmt;

/// Outcomes at one threshold (`score >= threshold` is positive).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Confusion {
    pub tp: usize,
    pub fp: usize,
    pub tn: usize,
    pub fn_: usize,
}

impl Confusion {
    pub fn at(scored: &[(f32, bool)], threshold: f32) -> Confusion {
        let mut c = Confusion::default();
        for &(s, y) in scored {
            match (s >= threshold, y) {
                (true, true) => c.tp += 1,
                (true, false) => c.fp += 1,
                (false, false) => c.tn += 1,
                (false, true) => c.fn_ += 1,
            }
        }
        c
    }

    /// `None` when nothing was predicted positive.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// Share of the negatives predicted positive (clean held, ham rejected).
    pub fn fpr(&self) -> Option<f64> {
        ratio(self.fp, self.fp + self.tn)
    }

    pub fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        if p + r == 0.0 {
            Some(0.0)
        } else {
            Some(2.0 * p * r / (p + r))
        }
    }

    /// Matthews correlation coefficient.
    pub fn mcc(&self) -> Option<f64> {
        let [tp, fp, tn, fn_] = [self.tp, self.fp, self.tn, self.fn_].map(|x| x as f64);
        let d = ((tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_)).sqrt();
        if d == 0.0 {
            None
        } else {
            Some((tp * tn - fp * fn_) / d)
        }
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    if b == 0 { None } else { Some(a as f64 / b as f64) }
}

/// Area under the precision–recall curve (average precision); `None` without positives.
pub fn average_precision(scored: &[(f32, bool)]) -> Option<f64> {
    let positives = scored.iter().filter(|x| x.1).count();
    if positives == 0 {
        return None;
    }
    let mut sorted = scored.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut tp, mut sum) = (0usize, 0.0f64);
    for (i, &(_, y)) in sorted.iter().enumerate() {
        if y {
            tp += 1;
            sum += tp as f64 / (i + 1) as f64;
        }
    }
    Some(sum / positives as f64)
}

/// The score below which a share `q` of the negatives falls: a threshold that flags at most
/// `1 - q` of them.
pub fn negative_quantile(scored: &[(f32, bool)], q: f64) -> f32 {
    let mut neg: Vec<f32> = scored.iter().filter(|x| !x.1).map(|x| x.0).collect();
    if neg.is_empty() {
        return 0.5;
    }
    neg.sort_by(f32::total_cmp);
    let i = ((neg.len() as f64 * q).ceil() as usize).min(neg.len() - 1);
    // Just above the score at that rank, so ties at the rank are not flagged.
    neg[i] + 1e-6
}

/// The smallest threshold on a 0.01 grid from which precision stays at or above `target`,
/// ignoring thresholds that flag fewer than `min_flagged` rows (too few to measure). `None`
/// when no threshold qualifies.
pub fn precision_threshold(scored: &[(f32, bool)], target: f64, min_flagged: usize) -> Option<f32> {
    let mut best = None;
    for step in (1..100).rev() {
        let t = step as f32 / 100.0;
        let c = Confusion::at(scored, t);
        if c.tp + c.fp < min_flagged {
            continue;
        }
        match c.precision() {
            Some(p) if p < target => break,
            _ => best = Some(t),
        }
    }
    best
}

/// A percentage with one decimal, or `-` when undefined.
pub struct Pct(pub Option<f64>);

impl fmt::Display for Pct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(x) => write!(f, "{:5.1}", 100.0 * x),
            None => write!(f, "{:>5}", "-"),
        }
    }
}
