//! The filter as a service: the shipped word lists merged with moderators' run-time entries,
//! one matcher per site rebuilt whenever the entries change (every instance polls a version
//! every two seconds, so a change reaches all of them within five), each site's learned
//! models, and the filter's metrics. The judging itself stays in the pure `filter` module.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::filter::classifier::{Model, Models};
use crate::filter::lexicon::{Entry, Lexicon};
use crate::filter::matcher::Matcher;
use crate::filter::normalize::normalize;
use crate::filter::pipeline::Judge;
use crate::filter::{FilterContext, Verdict};
use crate::metrics::Metrics;
use crate::storage::{LexiconRow, Store, StoreError, StoreResult};

/// How often each instance checks the word lists' version, and a site's models' revision.
pub const REFRESH_EVERY: Duration = Duration::from_secs(2);
/// Saves a decision tries before giving up, when other instances keep saving the site's
/// models first.
const LEARN_ATTEMPTS: usize = 5;

pub struct Screening {
    shipped: Lexicon,
    shipped_models: Arc<Models>,
    matchers: RwLock<Arc<Matchers>>,
    /// Each site's models: their revision is checked again after `REFRESH_EVERY`, so what
    /// another instance learned arrives here too.
    models: RwLock<HashMap<String, CachedModels>>,
    metrics: Metrics,
}

#[derive(Clone)]
struct CachedModels {
    models: Arc<Models>,
    /// The stored revision they are (`None`: the site has none, these are the shipped ones).
    revision: Option<i64>,
    checked_at: Instant,
}

/// The matchers built from one version of the word lists.
struct Matchers {
    version: i64,
    /// Shipped lists plus global run-time entries: for sites without entries of their own.
    global: Arc<Matcher>,
    per_site: HashMap<String, Arc<Matcher>>,
}

impl Screening {
    pub async fn load(store: &dyn Store, metrics: Metrics) -> anyhow::Result<Self> {
        let shipped = Lexicon::builtin().context("loading the shipped word lists")?;
        let shipped_models = Arc::new(Models::builtin().context("loading the shipped models")?);
        let version = store.lexicon_version().await?;
        let rows = store.lexicon_entries().await?;
        let matchers = build_matchers(shipped.clone(), rows, version).await?;
        Ok(Self {
            shipped,
            shipped_models,
            matchers: RwLock::new(Arc::new(matchers)),
            models: RwLock::new(HashMap::new()),
            metrics,
        })
    }

    /// Rebuilds the matchers when the stored entries changed; `true` when it did.
    pub async fn refresh(&self, store: &dyn Store) -> anyhow::Result<bool> {
        let version = store.lexicon_version().await?;
        if version == self.current().version {
            return Ok(false);
        }
        let rows = store.lexicon_entries().await?;
        let matchers = build_matchers(self.shipped.clone(), rows, version).await?;
        *self
            .matchers
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(matchers);
        Ok(true)
    }

    fn current(&self) -> Arc<Matchers> {
        self.matchers
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn matcher(&self, site: &str) -> Arc<Matcher> {
        let m = self.current();
        m.per_site.get(site).cloned().unwrap_or_else(|| m.global.clone())
    }

    /// The site's models: learned ones from the store, or the shipped ones. Every
    /// `REFRESH_EVERY` it asks the store for their revision; the models themselves (about
    /// 1 MB) are read only when that changed.
    pub async fn models(&self, site: &str, store: &dyn Store) -> StoreResult<Arc<Models>> {
        let cached = self
            .models
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(site)
            .cloned();
        let Some(cached) = cached else {
            return Ok(self.reload_models(site, store).await?.0);
        };
        if cached.checked_at.elapsed() < REFRESH_EVERY {
            return Ok(cached.models);
        }
        if store.site_models_revision(site).await? == cached.revision {
            self.cache_models(site, cached.models.clone(), cached.revision);
            return Ok(cached.models);
        }
        Ok(self.reload_models(site, store).await?.0)
    }

    /// Reads the site's models from the store, and their revision.
    async fn reload_models(&self, site: &str, store: &dyn Store) -> StoreResult<(Arc<Models>, Option<i64>)> {
        let (models, revision) = match store.site_models(site).await? {
            Some(stored) => match (Model::from_bytes(&stored.abuse), Model::from_bytes(&stored.spam)) {
                (Ok(abuse), Ok(spam)) => (Arc::new(Models::new(abuse, spam)), Some(stored.revision)),
                _ => {
                    tracing::warn!(site, "stored models do not load; using the shipped ones");
                    (self.shipped_models.clone(), Some(stored.revision))
                }
            },
            None => (self.shipped_models.clone(), None),
        };
        self.cache_models(site, models.clone(), revision);
        Ok((models, revision))
    }

    fn cache_models(&self, site: &str, models: Arc<Models>, revision: Option<i64>) {
        let cached = CachedModels {
            models,
            revision,
            checked_at: Instant::now(),
        };
        self.models
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(site.to_string(), cached);
    }

    /// Judges a text for a site, counting reasons and time in the metrics.
    pub async fn check(
        &self,
        store: &dyn Store,
        text: &str,
        ctx: &FilterContext<'_>,
    ) -> StoreResult<Verdict> {
        let models = self.models(ctx.site, store).await?;
        let matcher = self.matcher(ctx.site);
        let started = Instant::now();
        let verdict = Judge {
            matcher: &matcher,
            models: &models,
        }
        .judge(text, ctx);
        self.metrics
            .filter_duration
            .observe(started.elapsed().as_secs_f64());
        for reason in &verdict.reasons {
            self.metrics
                .filter_reasons
                .with_label_values(&[reason.code.as_str()])
                .inc();
        }
        Ok(verdict)
    }

    /// A moderator's decision teaches the site's models: `abuse` / `spam` say whether the text
    /// was abusive / spam (`None`: the decision says nothing about it). Persisted at once, so
    /// every instance and every restart keeps what was learned; when another instance saved
    /// the site's models meanwhile, the step is taken again on what it saved, so neither
    /// decision is lost.
    pub async fn learn(
        &self,
        store: &dyn Store,
        site: &str,
        text: &str,
        abuse: Option<bool>,
        spam: Option<bool>,
        now: time::OffsetDateTime,
    ) -> StoreResult<()> {
        let normalized = normalize(text).text;
        for _ in 0..LEARN_ATTEMPTS {
            // Start from the stored models, not the cache: another instance may have learned since.
            let (stored, revision) = self.reload_models(site, store).await?;
            let mut models = (*stored).clone();
            if let Some(positive) = abuse {
                models.abuse.update(&normalized, positive);
            }
            if let Some(positive) = spam {
                models.spam.update(&normalized, positive);
            }
            let (abuse_bytes, spam_bytes) = (models.abuse.to_bytes(), models.spam.to_bytes());
            if store
                .save_site_models(site, &abuse_bytes, &spam_bytes, revision, now)
                .await?
            {
                let saved = Some(revision.map_or(1, |r| r + 1));
                self.cache_models(site, Arc::new(Models::new(models.abuse, models.spam)), saved);
                return Ok(());
            }
        }
        Err(StoreError::Conflict("site_models_busy"))
    }
}

impl Screening {
    /// For a backtest: the site's matcher as it is, and as it would be with `add` added and
    /// the entries `remove` removed.
    pub async fn backtest_matchers(
        &self,
        store: &dyn Store,
        site: &str,
        add: Vec<LexiconRow>,
        remove: &[uuid::Uuid],
    ) -> anyhow::Result<(Arc<Matcher>, Arc<Matcher>)> {
        let current = self.matcher(site);
        let mut rows: Vec<LexiconRow> = store
            .lexicon_entries()
            .await?
            .into_iter()
            .filter(|r| (r.site.is_none() || r.site.as_deref() == Some(site)) && !remove.contains(&r.id))
            .collect();
        rows.extend(add);
        let proposed = build_matchers(self.shipped.clone(), rows, 0).await?;
        let matcher = proposed.per_site.get(site).cloned().unwrap_or(proposed.global);
        Ok((current, matcher))
    }
}

/// Converts a stored row to a lexicon entry; `None` for an allow-list row.
pub fn row_entry(row: &LexiconRow) -> Option<Entry> {
    if row.allow {
        return None;
    }
    let value = serde_json::json!({
        "term": row.term, "lang": row.lang, "severity": row.severity,
        "action": row.action, "mode": row.mode, "morph": row.morph,
    });
    serde_json::from_value(value).ok()
}

/// Building automatons takes milliseconds: off the async threads.
async fn build_matchers(shipped: Lexicon, rows: Vec<LexiconRow>, version: i64) -> anyhow::Result<Matchers> {
    tokio::task::spawn_blocking(move || {
        let scoped = |site: Option<&str>| {
            let chosen: Vec<&LexiconRow> = rows
                .iter()
                .filter(|r| r.site.is_none() || r.site.as_deref() == site)
                .collect();
            let entries: Vec<Entry> = chosen.iter().filter_map(|r| row_entry(r)).collect();
            let allow: Vec<String> = chosen
                .iter()
                .filter(|r| r.allow)
                .map(|r| r.term.clone())
                .collect();
            Arc::new(Matcher::new(&shipped.with_extra(&entries, &allow)))
        };
        let global = scoped(None);
        let mut sites: Vec<&str> = rows.iter().filter_map(|r| r.site.as_deref()).collect();
        sites.sort_unstable();
        sites.dedup();
        let per_site = sites
            .into_iter()
            .map(|s| (s.to_string(), scoped(Some(s))))
            .collect();
        Matchers {
            version,
            global,
            per_site,
        }
    })
    .await
    .context("building the matchers")
}

/// Polls the word lists' version until the process ends.
pub fn spawn_refresher(screening: Arc<Screening>, store: Arc<dyn Store>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = screening.refresh(store.as_ref()).await {
                tracing::warn!(error = %e, "word lists not refreshed");
            }
        }
    });
}
