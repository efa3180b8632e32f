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
    let shared = &state.shared;
    let author_key = format!("{site}:posts:c:{}", author.simple());
    let ip_key = ip_hash.map(|ip| format!("{site}:posts:ip:{ip}"));
    let band_keys: Vec<String> = fingerprints(text)
        .into_iter()
        .enumerate()
        .map(|(band, value)| format!("{site}:dup:{band}:{value:08x}"))
        .collect();
    // The counters are independent: asked at once, they cost one round trip, not four.
    let by_ip = async {
        match &ip_key {
            Some(key) => shared.count_recent(key, RATE_WINDOW).await,
            None => 0,
        }
    };
    let bands = futures_util::future::join_all(
        band_keys
            .iter()
            .map(|key| shared.count_recent(key, DUPLICATE_WINDOW)),
    );
    let (recent_by_author, recent_by_ip, band_counts) =
        tokio::join!(shared.count_recent(&author_key, RATE_WINDOW), by_ip, bands);
    // A near-duplicate shares at least one half of its fingerprint with an earlier text.
    let seen = band_counts.into_iter().max().unwrap_or(0);
    Activity {
        recent_by_author: u32::try_from(recent_by_author).unwrap_or(u32::MAX),
        recent_by_ip: u32::try_from(recent_by_ip).unwrap_or(u32::MAX),
        near_duplicates: u32::try_from(seen.saturating_sub(1)).unwrap_or(u32::MAX),
    }
}
