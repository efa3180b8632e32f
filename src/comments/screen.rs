//! Runs the filter on a comment body with what the shared state knows about its author:
//! how much they (and their address) posted recently, and whether the text was seen before.

use std::time::Duration;

use uuid::Uuid;

use crate::error::ApiResult;
use crate::filter::signals::{Activity, fingerprints};
use crate::filter::{FilterContext, Verdict};
use crate::state::AppState;
use crate::storage::Commenter;

/// Posting rate is judged over this window.
const RATE_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Near-duplicates are remembered this long.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(60 * 60);

/// `ip_hash` is `None` for edits: an edit is not a new post from an address.
pub async fn screen(
    state: &AppState,
    site: &str,
    lang: &str,
    text: &str,
    author: &Commenter,
    ip_hash: Option<&str>,
) -> ApiResult<Verdict> {
    let settings = state.site(site)?.1;
    let activity = activity(state, site, text, author.id, ip_hash).await;
    let ctx = FilterContext {
        site,
        lang: Some(lang),
        author_approved: author.approved_count,
        author_rejected: author.rejected_count,
        activity,
        overrides: settings.filter_overrides(),
    };
    Ok(state.screening.check(state.store.as_ref(), text, &ctx).await?)
}

async fn activity(state: &AppState, site: &str, text: &str, author: Uuid, ip_hash: Option<&str>) -> Activity {
    // The author's and the address's posts, then the near-duplicate bands: one round trip.
    let mut counters = vec![(format!("posts:c:{}", author.simple()), RATE_WINDOW)];
    counters.extend(ip_hash.map(|ip| (format!("posts:ip:{ip}"), RATE_WINDOW)));
    let rates = counters.len();
    counters.extend(
        fingerprints(text)
            .into_iter()
            .enumerate()
            .map(|(band, value)| (format!("dup:{band}:{value:08x}"), DUPLICATE_WINDOW)),
    );
    let counts = state.shared.count_recent(site, &counters).await;
    let count = |i: usize| counts.get(i).copied().unwrap_or(0);
    // A near-duplicate shares at least one half of its fingerprint with an earlier text.
    let seen = counts
        .get(rates..)
        .into_iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0);
    Activity {
        recent_by_author: u32::try_from(count(0)).unwrap_or(u32::MAX),
        recent_by_ip: if ip_hash.is_some() {
            u32::try_from(count(1)).unwrap_or(u32::MAX)
        } else {
            0
        },
        near_duplicates: u32::try_from(seen.saturating_sub(1)).unwrap_or(u32::MAX),
    }
}
