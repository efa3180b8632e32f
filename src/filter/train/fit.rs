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
    /// Scale every feature by its naive-Bayes ratio, smoothed by this much (see [`fit_lr`]).
    pub nb_scaling: Option<f32>,
}

impl Default for LrParams {
    fn default() -> Self {
        LrParams {
            epochs: 20,
            rate: 0.2,
            l2: 1e-6,
            nb_scaling: None,
        }
    }
}

/// Logistic regression by AdaGrad (a per-bucket step size: rare n-grams learn fast, common
/// ones settle), in a fixed shuffled order per epoch so training is reproducible.
///
/// With `nb_scaling`, every feature is first scaled by its naive-Bayes log-count ratio (NBSVM,
/// Wang and Manning 2012): an n-gram that occurs in both classes alike starts near zero and
/// must earn its weight, one seen mostly in one class starts strong. On a few thousand short
/// texts this can rank better than either learner alone (`config/models/README.md`). Scaling
/// a feature by `r` and learning `w` scores as the weight `w·r` on the plain feature, so the
/// model file, scoring and moderators' updates are those of plain logistic regression.
pub fn fit_lr(spec: FeatureSpec, data: &[&Example], p: LrParams) -> Model {
    let (bias, w) = fit_lr_f32(spec, data, p);
    Model::from_f32(spec, bias, &w)
}

/// The trained bias and weights (NB ratios folded in) before quantization.
pub fn fit_lr_f32(spec: FeatureSpec, data: &[&Example], p: LrParams) -> (f32, Vec<f32>) {
    let r = match p.nb_scaling {
        Some(alpha) => nb_ratios(spec, data, alpha),
        None => vec![1.0; spec.buckets()],
    };
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
            let sum: f32 = ex.buckets.iter().map(|&b| w[b as usize] * r[b as usize]).sum();
            let err = (sigmoid(bias + scale * sum) - f32::from(u8::from(ex.label))) * ex.weight;
            for &b in &ex.buckets {
                let b = b as usize;
                let g = err * scale * r[b] + p.l2 * w[b];
                g2[b] += g * g;
                w[b] -= p.rate * g / (g2[b].sqrt() + 1e-8);
            }
            g2_bias += err * err;
            bias -= p.rate * err / (g2_bias.sqrt() + 1e-8);
        }
    }
    for (w, r) in w.iter_mut().zip(&r) {
        *w *= r;
    }
    (bias, w)
}

/// Per bucket, `ln` of how much more often the positive texts have it than the negative ones
/// (each text counted once, with its weight), smoothed by `alpha`.
fn nb_ratios(spec: FeatureSpec, data: &[&Example], alpha: f32) -> Vec<f32> {
    let n = spec.buckets();
    let mut present = [vec![alpha; n], vec![alpha; n]];
    let mut last_text = vec![usize::MAX; n];
    for (i, ex) in data.iter().enumerate() {
        let class = &mut present[usize::from(ex.label)];
        for &b in &ex.buckets {
            let b = b as usize;
            if last_text[b] != i {
                last_text[b] = i;
                class[b] += ex.weight;
            }
        }
    }
    let [neg, pos] = present.each_ref().map(|c| c.iter().sum::<f32>());
    (0..n)
        .map(|b| ((present[1][b] / pos) / (present[0][b] / neg)).ln())
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn example(buckets: &[u32], label: bool) -> Example {
        Example {
            buckets: buckets.to_vec(),
            label,
            weight: 1.0,
        }
    }

    #[test]
    fn nb_ratios_favour_what_one_class_has_and_the_other_lacks() {
        let spec = FeatureSpec {
            bits: 8,
            ..FeatureSpec::default()
        };
        // Bucket 1 only in abusive texts, 2 only in clean ones, 3 in all of them (twice in
        // one text: a text counts once).
        let data = [
            example(&[1, 3, 3], true),
            example(&[1, 3], true),
            example(&[2, 3], false),
            example(&[2, 3], false),
        ];
        let refs: Vec<&Example> = data.iter().collect();
        let r = nb_ratios(spec, &refs, 1.0);
        assert!(r[1] > 0.5 && r[2] < -0.5, "{} {}", r[1], r[2]);
        assert!(r[3].abs() < 1e-6 && r[4].abs() < 1e-6, "{} {}", r[3], r[4]);
    }

    #[test]
    fn scaled_features_learn_the_same_direction_as_plain_ones() {
        let spec = FeatureSpec {
            bits: 8,
            ..FeatureSpec::default()
        };
        let data: Vec<Example> = (0..20)
            .map(|i| example(&[1 + (i % 2), 10 + i % 5], i % 2 == 0))
            .collect();
        let refs: Vec<&Example> = data.iter().collect();
        for nb_scaling in [None, Some(1.0)] {
            let p = LrParams {
                nb_scaling,
                ..LrParams::default()
            };
            let (_, w) = fit_lr_f32(spec, &refs, p);
            assert!(w[1] > 0.1 && w[2] < -0.1, "{nb_scaling:?}: {} {}", w[1], w[2]);
        }
    }
}
