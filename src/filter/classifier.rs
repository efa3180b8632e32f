//! Learned abuse and spam scores: logistic regression over hashed word and character
//! n-grams of the normalized text (see [`super::features`]).
//!
//! Logistic regression rather than naive Bayes because it measured better on held-out news
//! comments (`config/models/README.md` has the comparison) and because a moderator's decision
//! is one gradient step ([`Model::update`]) that needs no per-class counts.
//!
//! The committed parameters are trained by [`super::train::train`] from the sources that may
//! ship, and compiled into the binary ([`Models::builtin`]).

use std::sync::Arc;

use super::features::{FeatureSpec, Sink};

/// File format: magic, then a little-endian header, the weights as `i16`, and an FNV-1a
/// checksum of everything before it.
const MAGIC: &[u8; 4] = b"MJLM";
/// Version 2 added a flags byte to the feature spec (bit 0: stems; bit 1, later: neutral
/// words; bit 2, later still: spelled-out words). Files without a bit score without that
/// feature kind. Version 1 files, such as models that moderators' decisions taught before it,
/// still load, without stems, and keep scoring as they were trained.
const VERSION: u16 = 2;
const HEADER_LEN_V1: usize = 4 + 2 + 4 + 4 * 5 + 4;
const HEADER_LEN: usize = HEADER_LEN_V1 + 1;
const FLAG_STEMS: u8 = 1;
/// Bit 1, since the shipped models of session 8: the allow-list's words give no feature.
const FLAG_NEUTRAL: u8 = 2;
/// Bit 2, since session 11: words spelled out letter by letter are read as the word.
const FLAG_SPELLED: u8 = 4;
/// Learning rate of one moderator decision. Features are L2-normalised, so one update on a
/// text moves its own margin by about this much times `1 - p`: a decision counts, but one
/// decision does not flip the model (measured in `config/models/README.md`).
pub const DEFAULT_ONLINE_RATE: f32 = 0.5;
/// Room left above the largest trained weight for moderators' updates to grow into.
const HEADROOM: f32 = 2.0;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    #[error("model file is truncated or has trailing bytes")]
    Length,
    #[error("not a majlis model file")]
    Magic,
    #[error("model file version {0} is not supported")]
    Version(u16),
    #[error("model file has an invalid header")]
    Header,
    #[error("model file checksum does not match (corrupt file)")]
    Checksum,
}

/// Thresholds on [`Model::score`] proposed by training, stored with the weights because they
/// belong to them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub hold: f32,
    pub reject: f32,
}

/// One binary classifier. Cheap to share (`Arc` it); `update` needs `&mut`.
///
/// Weights are 16-bit integers times `scale`, in memory as in the file: half the cache
/// footprint of `f32` (both models fit in one core's L2), integer sums while scoring, and a
/// saved model is exactly the model in memory. A moderator's update is hundreds of units, so
/// 16 bits lose nothing that matters (measured in `config/models/README.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    spec: FeatureSpec,
    bias: f32,
    scale: f32,
    online_rate: f32,
    thresholds: Thresholds,
    weights: Weights,
}

/// A model's weights: its own table, or one lane of a table it shares with the other model
/// of a pair ([`Models::new`]).
///
/// Each table is 512 KB and an n-gram's bucket is random, so two separate tables cost two
/// cache misses per n-gram; interleaved (`[abuse, spam]` per bucket), both weights of an
/// n-gram are in one cache line. The layout is only in memory: files hold one model each.
#[derive(Debug, Clone)]
enum Weights {
    Own(Vec<i16>),
    Lane(Arc<[[i16; 2]]>, usize),
}

impl Weights {
    fn len(&self) -> usize {
        match self {
            Weights::Own(w) => w.len(),
            Weights::Lane(t, _) => t.len(),
        }
    }

    #[inline(always)]
    fn get(&self, bucket: usize) -> i16 {
        match self {
            Weights::Own(w) => w.get(bucket).copied().unwrap_or(0),
            Weights::Lane(t, lane) => t.get(bucket).map_or(0, |w| w[*lane & 1]),
        }
    }

    fn iter(&self) -> impl Iterator<Item = i16> + '_ {
        (0..self.len()).map(|b| self.get(b))
    }

    /// The model's own table, copied out of a shared one first (a moderator's update
    /// changes one model, not its partner).
    fn own_mut(&mut self) -> &mut Vec<i16> {
        if let Weights::Lane(..) = self {
            *self = Weights::Own(self.iter().collect());
        }
        match self {
            Weights::Own(w) => w,
            Weights::Lane(..) => unreachable!("made its own just above"),
        }
    }
}

/// Equal weights are equal models, whatever their layout.
impl PartialEq for Weights {
    fn eq(&self, other: &Weights) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Model {
    /// A model that scores everything `sigmoid(0) = 0.5` until trained.
    pub fn new(spec: FeatureSpec) -> Model {
        Model::from_f32(spec, 0.0, &vec![0.0; spec.buckets()])
    }

    /// Quantizes trained weights (one per bucket of `spec`; missing ones are zero).
    pub fn from_f32(spec: FeatureSpec, bias: f32, weights: &[f32]) -> Model {
        let max = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        let scale = (HEADROOM * max).max(1.0) / f32::from(i16::MAX);
        let mut q = vec![0i16; spec.buckets()];
        for (q, w) in q.iter_mut().zip(weights) {
            *q = (w / scale)
                .round()
                .clamp(-f32::from(i16::MAX), f32::from(i16::MAX)) as i16;
        }
        Model {
            spec,
            bias,
            scale,
            online_rate: DEFAULT_ONLINE_RATE,
            thresholds: Thresholds {
                hold: 0.5,
                reject: 0.9,
            },
            weights: Weights::Own(q),
        }
    }

    pub fn spec(&self) -> FeatureSpec {
        self.spec
    }

    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    pub fn set_thresholds(&mut self, t: Thresholds) {
        self.thresholds = t;
    }

    pub fn set_online_rate(&mut self, rate: f32) {
        self.online_rate = rate;
    }

    /// Probability-like score in `[0, 1]` that the text is positive (abusive, spam).
    pub fn score(&self, normalized_text: &str) -> f32 {
        sigmoid(self.margin(normalized_text))
    }

    /// The linear score before the sigmoid.
    pub fn margin(&self, normalized_text: &str) -> f32 {
        let skip = self.spec.neutral;
        let ([sum, _], (all, neutral)) = Sums::walk(
            &self.spec,
            normalized_text,
            skip,
            |b| [self.weight(b), 0],
            [skip, false],
        );
        // Without `skip`, no word is found neutral.
        self.finish(sum, all - neutral)
    }

    #[inline(always)]
    fn weight(&self, bucket: usize) -> i64 {
        i64::from(self.weights.get(bucket))
    }

    /// Bias plus the L2-normalised sum of `n` features' weights.
    fn finish(&self, sum: i64, n: usize) -> f32 {
        if n == 0 {
            self.bias
        } else {
            self.bias + self.scale * sum as f32 / (n as f32).sqrt()
        }
    }

    /// One online logistic-regression step for a moderator's decision: approve → `false`,
    /// spam or reject-as-abuse → `true`. The bias is left alone: decisions arrive mostly as
    /// approvals, and moving the bias would lower every score, not only those like this text.
    pub fn update(&mut self, normalized_text: &str, positive: bool) {
        let p = self.score(normalized_text);
        let n = self.spec.for_each(normalized_text, |_| {});
        if n == 0 {
            return;
        }
        // Every feature of the text gets the same step (they all have value 1/√n).
        let step = self.online_rate * (f32::from(u8::from(positive)) - p) / (n as f32).sqrt();
        let units = (step / self.scale).round() as i32;
        let weights = self.weights.own_mut();
        self.spec.for_each(normalized_text, |b| {
            if let Some(w) = weights.get_mut(b) {
                *w = (i32::from(*w) + units).clamp(-i32::from(i16::MAX), i32::from(i16::MAX)) as i16;
            }
        });
    }

    /// The model as bytes; [`Model::from_bytes`] gives back an identical model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + 2 * self.weights.len() + 4);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        let s = self.spec;
        let flags = if s.stems { FLAG_STEMS } else { 0 }
            | if s.neutral { FLAG_NEUTRAL } else { 0 }
            | if s.spelled { FLAG_SPELLED } else { 0 };
        out.extend_from_slice(&[s.bits, s.char_min, s.char_max, s.word_max, flags]);
        let t = self.thresholds;
        for f in [self.bias, self.scale, self.online_rate, t.hold, t.reject] {
            out.extend_from_slice(&f.to_le_bytes());
        }
        out.extend_from_slice(&(self.weights.len() as u32).to_le_bytes());
        for w in self.weights.iter() {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&fnv1a(&out).to_le_bytes());
        out
    }

    pub fn from_bytes(b: &[u8]) -> Result<Model, ModelError> {
        if b.len() < HEADER_LEN_V1 + 4 {
            return Err(ModelError::Length);
        }
        let mut r = Reader { b, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(ModelError::Magic);
        }
        let version = u16::from_le_bytes(r.array()?);
        let header_len = match version {
            1 => HEADER_LEN_V1,
            VERSION => HEADER_LEN,
            _ => return Err(ModelError::Version(version)),
        };
        let [bits, char_min, char_max, word_max] = r.array()?;
        let flags = if version == 1 { 0 } else { r.array::<1>()?[0] };
        let spec = FeatureSpec {
            bits,
            char_min,
            char_max,
            word_max,
            stems: flags & FLAG_STEMS != 0,
            neutral: flags & FLAG_NEUTRAL != 0,
            spelled: flags & FLAG_SPELLED != 0,
        };
        let floats = [r.f32()?, r.f32()?, r.f32()?, r.f32()?, r.f32()?];
        let [bias, scale, online_rate, hold, reject] = floats;
        let n = u32::from_le_bytes(r.array()?) as usize;
        if !spec.is_valid()
            || flags & !(FLAG_STEMS | FLAG_NEUTRAL | FLAG_SPELLED) != 0
            || n != spec.buckets()
            || !floats.iter().all(|f| f.is_finite())
            || scale <= 0.0
        {
            return Err(ModelError::Header);
        }
        if b.len() != header_len + 2 * n + 4 {
            return Err(ModelError::Length);
        }
        let (body, sum) = b.split_at(b.len() - 4);
        if fnv1a(body).to_le_bytes() != sum {
            return Err(ModelError::Checksum);
        }
        let weights = body[header_len..]
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        Ok(Model {
            spec,
            bias,
            scale,
            online_rate,
            thresholds: Thresholds { hold, reject },
            weights: Weights::Own(weights),
        })
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let s = self.b.get(self.at..self.at + n).ok_or(ModelError::Length)?;
        self.at += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        self.take(N)?.try_into().map_err(|_| ModelError::Length)
    }

    fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_le_bytes(self.array()?))
    }
}

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

pub(crate) fn sigmoid(x: f32) -> f32 {
    if x.is_nan() {
        return 0.5;
    }
    1.0 / (1.0 + (-x).exp())
}

/// The abuse and spam models the service starts with. Build it with [`Models::new`], which
/// interleaves the two tables; a `Models { abuse, spam }` scores the same, more slowly.
#[derive(Debug, Clone)]
pub struct Models {
    pub abuse: Model,
    pub spam: Model,
}

/// Both learned scores of one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub abuse: f32,
    pub spam: f32,
}

impl Models {
    /// The committed models, compiled into the binary.
    pub fn builtin() -> Result<Models, ModelError> {
        Ok(Models::new(
            Model::from_bytes(include_bytes!("../../config/models/abuse.bin"))?,
            Model::from_bytes(include_bytes!("../../config/models/spam.bin"))?,
        ))
    }

    /// The pair, with their weights interleaved in one table when they hash the same
    /// features (as trained together they do).
    pub fn new(mut abuse: Model, mut spam: Model) -> Models {
        // Read the allow-list's words now rather than while judging the first comment.
        super::features::neutral::warm();
        if abuse.spec.same_walk(&spam.spec) && abuse.weights.len() == spam.weights.len() {
            let table: Arc<[[i16; 2]]> = abuse
                .weights
                .iter()
                .zip(spam.weights.iter())
                .map(|(a, s)| [a, s])
                .collect();
            abuse.weights = Weights::Lane(table.clone(), 0);
            spam.weights = Weights::Lane(table, 1);
        }
        Models { abuse, spam }
    }

    /// Both scores, hashing the text once when the two models hash the same features (as
    /// trained together they do): about the cost of one model. The abuse model skips the
    /// neutral words, the spam model reads them (`config/models/README.md`).
    pub fn scores(&self, normalized_text: &str) -> Scores {
        let (a, s) = (&self.abuse, &self.spam);
        if !a.spec.same_walk(&s.spec) {
            return Scores {
                abuse: a.score(normalized_text),
                spam: s.score(normalized_text),
            };
        }
        let (skip_a, skip_s) = (a.spec.neutral, s.spec.neutral);
        let find_neutral = skip_a || skip_s;
        let skip = [skip_a, skip_s];
        let ([sum_a, sum_s], (all, neutral)) = match (&a.weights, &s.weights) {
            (Weights::Lane(table, 0), Weights::Lane(other, 1)) if Arc::ptr_eq(table, other) => {
                // Indexed, not `get`: a bucket is below `2^bits`, and both models' tables
                // have that many weights (`from_bytes` and training make sure of it). The
                // test and the zero pair of `get` were 2% of scoring's instructions.
                let weights = |b: usize| {
                    let [wa, ws] = table[b];
                    [wa.into(), ws.into()]
                };
                Sums::walk(&a.spec, normalized_text, find_neutral, weights, skip)
            }
            _ => Sums::walk(
                &a.spec,
                normalized_text,
                find_neutral,
                |b| [a.weight(b), s.weight(b)],
                skip,
            ),
        };
        let read = |skip: bool| if skip { all - neutral } else { all };
        Scores {
            abuse: sigmoid(a.finish(sum_a, read(skip_a))),
            spam: sigmoid(s.finish(sum_s, read(skip_s))),
        }
    }
}

/// Two sums of feature weights (`weights` gives a bucket's pair), each leaving out the
/// features of neutral words when its `skip` says so. Weights are added as they come into
/// the current group's sums, which are kept or dropped when the walk settles the group.
struct Sums<W> {
    weights: W,
    skip: [bool; 2],
    group: [i64; 2],
    total: [i64; 2],
}

impl<W: Fn(usize) -> [i64; 2]> Sums<W> {
    /// The two sums over `text`'s features as `spec` hashes them, and the counts of features
    /// and of neutral ones ([`FeatureSpec::walk`]).
    fn walk(
        spec: &FeatureSpec,
        text: &str,
        find_neutral: bool,
        weights: W,
        skip: [bool; 2],
    ) -> ([i64; 2], (usize, usize)) {
        let mut sums = Sums {
            weights,
            skip,
            group: [0; 2],
            total: [0; 2],
        };
        let counts = spec.walk(text, find_neutral, &mut sums);
        (sums.total, counts)
    }
}

impl<W: Fn(usize) -> [i64; 2]> Sink for Sums<W> {
    #[inline(always)]
    fn feature(&mut self, bucket: usize) {
        let [a, s] = (self.weights)(bucket);
        self.group[0] += a;
        self.group[1] += s;
    }

    #[inline(always)]
    fn settle(&mut self, neutral: bool) {
        for k in 0..2 {
            if !(neutral && self.skip[k]) {
                self.total[k] += self.group[k];
            }
        }
        self.group = [0; 2];
    }
}

/// The normalization the models are trained and scored with: the filter's own
/// ([`super::normalize::normalize`]), without the offset map. Retrain the models
/// (`config/models/README.md`) whenever normalization changes: the n-grams of the committed
/// weights are those of its output.
pub fn classifier_normalize(text: &str) -> String {
    super::normalize::normalize(text).text
}
