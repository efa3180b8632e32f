//! Readership for moderation: each site's most read articles of the last hour, written to the
//! articles as a share of the top one (0 to 1), so the `priority` queue order can weigh a held
//! comment by how many people are reading under it (SPEC §5). Every instance runs it; they
//! write the same values, and a failed round keeps the previous shares.

use std::time::Duration;

use super::{Scope, Window};
use crate::state::AppState;
use crate::storage::StoreResult;

/// As often as the rankings it reads can change (they are cached 30 s): a shorter round would
/// only write the same shares again.
const EVERY: Duration = Duration::from_secs(30);
/// Articles per site that get a share; the rest count as unread.
const DEPTH: usize = 50;

/// One round over every configured site.
pub async fn refresh(state: &AppState) -> StoreResult<()> {
    let now = state.clock.now();
    for site in state.settings.sites.keys() {
        // No ranking (Redis down and nothing cached): keep the shares already written.
        let Ok(ranking) = state
            .popularity
            .ranking(site, &Scope::Site, Window::Hour, now)
            .await
        else {
            continue;
        };
        let top = ranking.first().map_or(0, |(_, views)| *views);
        let shares: Vec<(String, f64)> = ranking
            .iter()
            .take(DEPTH)
            .filter(|(_, views)| *views > 0)
            .map(|(article, views)| (article.clone(), *views as f64 / top as f64))
            .collect();
        state.store.set_readership(site, &shares).await?;
    }
    Ok(())
}

pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            if let Err(e) = refresh(&state).await {
                tracing::warn!(error = %e, "readership for moderation not refreshed");
            }
        }
    });
}
