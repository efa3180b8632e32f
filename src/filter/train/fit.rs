//! The two learners compared: logistic regression (AdaGrad) and multinomial naive Bayes.

use super::data::SplitMix;
use crate::filter::classifier::{Model, sigmoid};
use crate::filter::features::FeatureSpec;

/// A text as its feature buckets (repeats kept), hashed once for all epochs.
pub struct Example {
    pub buckets: Vec<u32>,
    pub label: bool,
    /// How much the example counts in training (a domain can weigh more).
    pub weight: f32,
}

impl Example {
    pub fn new(spec: &FeatureSpec, normalized: &str, label: bool, weight: f32) -> Example {
        let mut buckets = Vec::new();
        spec.for_each(normalized, |b| buckets.push(b as u32));
        Example {
            buckets,
            label,
            weight,
        }
    }

    fn scale(&self) -> f32 {
        if self.buckets.is_empty() {
            0.0
        } else {
            1.0 / (self.buckets.len() as f32).sqrt()
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct LrParams {
    pub epochs: usize,
    pub rate: f32,
    pub l2: f32,
}

impl Default for LrParams {
    fn default() -> Self {
        LrParams {
            epochs: 20,
            rate: 0.2,
            l2: 1e-6,
        }
    }
}

/// Logistic regression by AdaGrad (a per-bucket step size: rare n-grams learn fast, common
/// ones settle), in a fixed shuffled order per epoch so training is reproducible.
pub fn fit_lr(spec: FeatureSpec, data: &[&Example], p: LrParams) -> Model {
    let (bias, w) = fit_lr_f32(spec, data, p);
    Model::from_f32(spec, bias, &w)
}

/// The trained bias and weights before quantization.
pub fn fit_lr_f32(spec: FeatureSpec, data: &[&Example], p: LrParams) -> (f32, Vec<f32>) {
    let mut w = vec![0.0f32; spec.buckets()];
    let mut bias = 0.0f32;
    let mut g2 = vec![0.0f32; w.len()];
    let mut g2_bias = 0.0f32;
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = SplitMix(0x5eed);
    for _ in 0..p.epochs {
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        for &i in &order {
            let ex = data[i];
            let scale = ex.scale();
            let sum: f32 = ex.buckets.iter().map(|&b| w[b as usize]).sum();
            let err = (sigmoid(bias + scale * sum) - f32::from(u8::from(ex.label))) * ex.weight;
            for &b in &ex.buckets {
                let b = b as usize;
                let g = err * scale + p.l2 * w[b];
                g2[b] += g * g;
                w[b] -= p.rate * g / (g2[b].sqrt() + 1e-8);
            }
            g2_bias += err * err;
            bias -= p.rate * err / (g2_bias.sqrt() + 1e-8);
        }
    }
    (bias, w)
}

/// Multinomial naive Bayes over the same buckets, kept to justify the choice of model.
pub struct NaiveBayes {
    prior: f32,
    log_ratio: Vec<f32>,
}

impl NaiveBayes {
    pub fn fit(spec: FeatureSpec, data: &[&Example], alpha: f32) -> NaiveBayes {
        let n = spec.buckets();
        let mut counts = [vec![0.0f32; n], vec![0.0f32; n]];
        let mut docs = [0.0f32; 2];
        for ex in data {
            let c = usize::from(ex.label);
            docs[c] += ex.weight;
            for &b in &ex.buckets {
                counts[c][b as usize] += ex.weight;
            }
        }
        let total = [0, 1].map(|c| counts[c].iter().sum::<f32>() + alpha * n as f32);
        let log_ratio = (0..n)
            .map(|b| ((counts[1][b] + alpha) / total[1]).ln() - ((counts[0][b] + alpha) / total[0]).ln())
            .collect();
        NaiveBayes {
            prior: (docs[1].max(1.0) / docs[0].max(1.0)).ln(),
            log_ratio,
        }
    }

    pub fn score(&self, ex: &Example) -> f32 {
        sigmoid(
            self.prior
                + ex.buckets
                    .iter()
                    .map(|&b| self.log_ratio[b as usize])
                    .sum::<f32>(),
        )
    }
}
