//! Training the abuse and spam models from `../shared/data/` (`majlis filter train`).
//!
//! Only the sources whose licence allows shipping train the parameters (see
//! [`data::may_ship`]); the others are scored by the shipped model as evaluation only.
//! Figures on the shippable sources are out-of-fold: 5-fold cross-validation, so every row is
//! scored by a model that did not see it. The shipped model is then trained on all of them.

pub(crate) mod data;
pub(crate) mod fit;
pub(crate) mod metrics;
mod report;
pub(crate) mod whole;

use super::classifier::{Model, Thresholds, classifier_normalize};
use super::features::FeatureSpec;
use super::lexicon::Lexicon;
use super::matcher::Matcher;
use data::Row;
use fit::{Example, LrParams, NaiveBayes};
use metrics::Confusion;
use std::path::Path;

pub use report::{Comparison, Evaluation, TaskReport, TrainReport};
pub use whole::WholeEvaluation;

pub(crate) const FOLDS: usize = 5;
pub(crate) const NB_ALPHA: f32 = 0.1;
/// Smoothing of the naive-Bayes ratios when a task's learner scales by them (Wang and
/// Manning's 1; 0.25–1 measured alike, 2 worse: `config/models/README.md`).
const NB_SCALING: f32 = 1.0;
const LR_PLAIN: &str = "logistic regression";
const LR_SCALED: &str = "LR, NB-scaled";

/// What is learned, from which rows, and how thresholds are chosen.
pub(crate) struct Task {
    pub name: &'static str,
    /// Source prefix of the rows closest to our domain: weighted up, and thresholds are set on
    /// them.
    pub target: &'static str,
    /// How many times a target row counts as much as another row in training.
    pub target_weight: f32,
    pub policy: Policy,
    /// Logistic regression over naive-Bayes-scaled features, smoothed by this much, rather
    /// than over plain ones ([`fit::fit_lr`]).
    pub nb_scaling: Option<f32>,
}

pub(crate) enum Policy {
    /// Hold flags at most 10% of clean target rows; reject keeps precision ≥ 0.95 on them
    /// ([`whole::REJECT_PRECISION`]).
    Abuse,
    /// Reject at most 1% of ham; hold at most 3%.
    Spam,
}

/// MPOLD (news-post comments) is the source closest to our users.
pub(crate) const ABUSE: Task = Task {
    name: "abuse",
    target: "mpold_",
    target_weight: 3.0,
    policy: Policy::Abuse,
    // Measured out-of-fold: MPOLD average precision 54.8 → 61.0, recall of the whole filter
    // at 10% of clean comments held 62.7% → 67.5% (`config/models/README.md`).
    nb_scaling: Some(NB_SCALING),
};
pub(crate) const SPAM: Task = Task {
    name: "spam",
    target: "",
    target_weight: 1.0,
    policy: Policy::Spam,
    // Scaled, the spam model learned the English and the seeds' spam better but caught 10
    // points less of the Arabic spam it never saw (`config/models/README.md`).
    nb_scaling: None,
};

/// Reads the allowed sources, writes `abuse.bin` and `spam.bin` into `out_dir`, and reports
/// held-out and evaluation-only figures.
///
/// The spam model is trained first: the abuse thresholds are chosen for the whole filter
/// (word lists, signals, spam model and abuse model together, [`whole`]), so they depend on
/// the shipped word lists too. Retrain when the word lists change.
pub fn train(data_dir: &Path, out_dir: &Path) -> anyhow::Result<TrainReport> {
    let offense = data::read_tsv(&data_dir.join("offense_dev.tsv"), "offensive")?;
    let spam = data::read_tsv(&data_dir.join("spam_dev.tsv"), "spam")?;
    let spec = FeatureSpec::default();
    let params = LrParams::default();
    let matcher = Matcher::new(&Lexicon::builtin()?);

    // Arabic spam comes only from our own seeds; OSACT tweets (all of them: offensive is not
    // spam) add Arabic ham so that Arabic script alone does not look like spam.
    let mut extra = data::arabic_spam_seeds();
    extra.extend(
        offense
            .iter()
            .filter(|r| r.source.starts_with("osact2020_"))
            .map(|r| Row {
                label: false,
                ..r.clone()
            }),
    );
    let mut spam_rows = spam;
    // Offensive-data sources that may not ship are still useful as ham-like comments for
    // measuring how much real Arabic and English text the spam model would reject.
    spam_rows.extend(
        offense
            .iter()
            .filter(|r| !data::may_ship(&r.source))
            .map(|r| Row {
                source: format!("{} (as ham)", r.source),
                label: false,
                ..r.clone()
            }),
    );
    // Neutral words (Scunthorpe words, names) are an abuse model's concern; the spam model
    // reads every word (skipping them there moved its threshold and lost Arabic spam, README).
    let spam_spec = FeatureSpec {
        neutral: false,
        ..spec
    };
    let (spam_model, spam, _) = run(&SPAM, spam_spec, params, &spam_rows, &extra, None)?;

    let base = |texts: &[&str]| whole::base_verdicts(&matcher, &spam_model, texts);
    let (abuse_model, mut abuse, fold_models) = run(&ABUSE, spec, params, &offense, &[], Some(&base))?;
    let target: Vec<(&str, &str, usize, bool)> = offense
        .iter()
        .filter(|r| data::may_ship(&r.source) && r.source.starts_with(ABUSE.target))
        .map(|r| {
            (
                r.source.as_str(),
                r.text.as_str(),
                data::fold(&r.id, FOLDS),
                r.label,
            )
        })
        .collect();
    abuse.whole = whole::evaluate(&matcher, &fold_models, &spam_model, abuse.thresholds, &target);

    std::fs::create_dir_all(out_dir)?;
    std::fs::write(out_dir.join("abuse.bin"), abuse_model.to_bytes())?;
    std::fs::write(out_dir.join("spam.bin"), spam_model.to_bytes())?;
    Ok(TrainReport {
        spec,
        params,
        abuse,
        spam,
    })
}

/// The verdicts of the rest of the filter on the target rows' texts (see [`whole`]).
pub(crate) type BaseFn<'a> = &'a dyn Fn(&[&str]) -> Vec<whole::Base>;

/// Cross-validates, picks thresholds, trains on all shippable rows (plus `extra`, which is
/// only ever trained on), and evaluates the model as it will ship (16-bit weights). With
/// `base`, thresholds are chosen for the whole filter on the target rows. Also returns the
/// fold models (fold `k` did not see the rows of fold `k`).
pub(crate) fn run(
    task: &Task,
    spec: FeatureSpec,
    params: LrParams,
    rows: &[Row],
    extra: &[Row],
    base: Option<BaseFn<'_>>,
) -> anyhow::Result<(Model, TaskReport, Vec<Model>)> {
    let (ship, eval_only): (Vec<&Row>, Vec<&Row>) = rows.iter().partition(|r| data::may_ship(&r.source));
    let weight = |r: &Row| {
        if !task.target.is_empty() && r.source.starts_with(task.target) {
            task.target_weight
        } else {
            1.0
        }
    };
    let texts: Vec<String> = ship.iter().map(|r| classifier_normalize(&r.text)).collect();
    let examples: Vec<Example> = ship
        .iter()
        .zip(&texts)
        .map(|(r, t)| Example::new(&spec, t, r.label, weight(r)))
        .collect();
    let extra: Vec<Example> = extra
        .iter()
        .map(|r| Example::new(&spec, &classifier_normalize(&r.text), r.label, 1.0))
        .collect();

    // The task's learner, the other kind of logistic regression and naive Bayes, out-of-fold,
    // so that every report shows the choice against its alternatives.
    let params = LrParams {
        nb_scaling: task.nb_scaling,
        ..params
    };
    let other = LrParams {
        nb_scaling: match task.nb_scaling {
            Some(_) => None,
            None => Some(NB_SCALING),
        },
        ..params
    };
    let mut oof_lr = vec![0.0f32; ship.len()];
    let mut oof_other = vec![0.0f32; ship.len()];
    let mut oof_nb = vec![0.0f32; ship.len()];
    let mut fold_models = Vec::with_capacity(FOLDS);
    for k in 0..FOLDS {
        let held: Vec<usize> = (0..ship.len())
            .filter(|&i| data::fold(&ship[i].id, FOLDS) == k)
            .collect();
        let train: Vec<&Example> = (0..ship.len())
            .filter(|&i| data::fold(&ship[i].id, FOLDS) != k)
            .map(|i| &examples[i])
            .chain(&extra)
            .collect();
        let lr = fit::fit_lr(spec, &train, params);
        let lr_other = fit::fit_lr(spec, &train, other);
        let nb = NaiveBayes::fit(spec, &train, NB_ALPHA);
        for i in held {
            oof_lr[i] = lr.score(&texts[i]);
            oof_other[i] = lr_other.score(&texts[i]);
            oof_nb[i] = nb.score(&examples[i]);
        }
        fold_models.push(lr);
    }

    let scored = |idx: &[usize], s: &[f32]| -> Vec<(f32, bool)> {
        idx.iter().map(|&i| (s[i], ship[i].label)).collect()
    };
    let all: Vec<usize> = (0..ship.len()).collect();
    let target: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| ship[i].source.starts_with(task.target))
        .collect();
    let thresholds = match base {
        Some(base) => {
            let texts: Vec<&str> = target.iter().map(|&i| ship[i].text.as_str()).collect();
            whole::choose(&scored(&target, &oof_lr), &base(&texts))
        }
        None => choose_thresholds(task, &scored(&target, &oof_lr)),
    };

    let mut comparison = Vec::new();
    let (lr_name, other_name) = match task.nb_scaling {
        Some(_) => (LR_SCALED, LR_PLAIN),
        None => (LR_PLAIN, LR_SCALED),
    };
    for (learner, s) in [
        (lr_name, &oof_lr),
        (other_name, &oof_other),
        ("naive Bayes", &oof_nb),
    ] {
        comparison.push(Comparison::new(learner, "all shippable", &scored(&all, s)));
        if !task.target.is_empty() {
            comparison.push(Comparison::new(
                learner,
                task.target.trim_end_matches('_'),
                &scored(&target, s),
            ));
        }
    }

    let mut held_out = vec![Evaluation::new(
        "all shippable",
        &scored(&all, &oof_lr),
        thresholds,
    )];
    for source in sources(&ship) {
        let idx: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| ship[i].source == source)
            .collect();
        held_out.push(Evaluation::new(&source, &scored(&idx, &oof_lr), thresholds));
    }
    if !task.target.is_empty() {
        held_out.push(Evaluation::new(
            task.target.trim_end_matches('_'),
            &scored(&target, &oof_lr),
            thresholds,
        ));
    }

    let target_scored = scored(&target, &oof_lr);
    let curve = (1..20)
        .map(|s| s as f32 / 20.0)
        .map(|t| (t, Confusion::at(&target_scored, t)))
        .collect();

    let train: Vec<&Example> = examples.iter().chain(&extra).collect();
    let mut model = fit::fit_lr(spec, &train, params);
    model.set_thresholds(thresholds);
    let bytes = model.to_bytes();
    let shipped = Model::from_bytes(&bytes)?;
    let mut evaluation_only = Vec::new();
    for source in sources(&eval_only) {
        let s: Vec<(f32, bool)> = eval_only
            .iter()
            .filter(|r| r.source == source)
            .map(|r| (shipped.score(&classifier_normalize(&r.text)), r.label))
            .collect();
        evaluation_only.push(Evaluation::new(&source, &s, thresholds));
    }
    let report = TaskReport {
        name: task.name,
        learner: lr_name,
        trained_rows: train.len(),
        thresholds,
        file_bytes: bytes.len(),
        comparison,
        curve,
        held_out,
        evaluation_only,
        whole: Vec::new(),
    };
    Ok((shipped, report, fold_models))
}

fn sources(rows: &[&Row]) -> Vec<String> {
    let mut s: Vec<String> = rows.iter().map(|r| r.source.clone()).collect();
    s.sort();
    s.dedup();
    s
}

fn choose_thresholds(task: &Task, scored: &[(f32, bool)]) -> Thresholds {
    match task.policy {
        Policy::Abuse => {
            let hold = metrics::negative_quantile(scored, 0.90);
            // The precision measured on at least 10 flagged rows; 0.95 if never reached.
            let reject = metrics::precision_threshold(scored, whole::REJECT_PRECISION, 10)
                .unwrap_or(0.95)
                .max(hold);
            Thresholds { hold, reject }
        }
        Policy::Spam => {
            // Among thresholds rejecting at most 1% of ham, the one with the best MCC.
            let floor = metrics::negative_quantile(scored, 0.99);
            let reject = (1..100)
                .map(|s| s as f32 / 100.0)
                .chain([floor])
                .filter(|&t| t >= floor)
                .max_by(|&a, &b| {
                    let m = |t| Confusion::at(scored, t).mcc().unwrap_or(-1.0);
                    m(a).total_cmp(&m(b)).then(b.total_cmp(&a))
                })
                .unwrap_or(floor);
            let hold = metrics::negative_quantile(scored, 0.97).min(reject);
            Thresholds { hold, reject }
        }
    }
}
