//! `majlis_moderation_queue_depth{site,queue}`, refreshed by one grouped query every
//! `DEPTH_EVERY` on each instance (every instance reports the same shared database; Prometheus
//! takes any of them).

use std::sync::Arc;
use std::time::Duration;

use crate::config::Settings;
use crate::metrics::Metrics;
use crate::storage::{ReportThresholds, Store};

use super::Queue;

pub const DEPTH_EVERY: Duration = Duration::from_secs(10);

/// Each configured site's report threshold.
pub fn thresholds(settings: &Settings) -> ReportThresholds {
    let mut t: Vec<(String, i64)> = settings
        .sites
        .iter()
        .map(|(site, s)| (site.clone(), s.report_threshold.max(1)))
        .collect();
    t.sort();
    ReportThresholds(t)
}

/// Sets every (configured site, queue) gauge, zero where the query found nothing, so a
/// queue that empties drops to 0 instead of keeping its last value.
pub async fn refresh(store: &dyn Store, settings: &Settings, metrics: &Metrics) -> anyhow::Result<()> {
    let counts = store.queue_counts(&thresholds(settings)).await?;
    for site in settings.sites.keys() {
        for queue in Queue::ALL {
            let n = counts
                .iter()
                .find(|(s, q, _)| s == site && *q == queue)
                .map_or(0, |c| c.2);
            metrics
                .moderation_queue_depth
                .with_label_values(&[site.as_str(), queue.as_str()])
                .set(n);
        }
    }
    Ok(())
}

pub fn spawn_refresher(store: Arc<dyn Store>, settings: Arc<Settings>, metrics: Metrics) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(DEPTH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = refresh(store.as_ref(), &settings, &metrics).await {
                tracing::warn!(error = %e, "queue depths not refreshed");
            }
        }
    });
}
