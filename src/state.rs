//! What every handler shares: settings, the store, the shared state, metrics, the clock and
//! the server's keys.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::auth::GuestTokens;
use crate::clock::Clock;
use crate::comments::page_cache::PageCache;
use crate::config::{Settings, SiteSettings};
use crate::counters::SharedState;
use crate::domain::SiteId;
use crate::error::{ApiError, ApiResult};
use crate::metrics::Metrics;
use crate::popularity::Popularity;
use crate::screening::Screening;
use crate::storage::Store;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: Arc<dyn Store>,
    pub shared: Arc<dyn SharedState>,
    pub metrics: Metrics,
    pub clock: Clock,
    pub keys: Arc<ServerKeys>,
    pub screening: Arc<Screening>,
    /// Serialized thread pages for anonymous readers.
    pub pages: Arc<PageCache>,
    pub popularity: Arc<Popularity>,
}

/// Keys derived from the configured or locally generated secrets.
pub struct ServerKeys {
    pub guest_tokens: GuestTokens,
    pub cursor: Vec<u8>,
    pub ip_hash: Vec<u8>,
}

impl ServerKeys {
    /// A keyed hash of an IP address: equal addresses give equal hashes (for rate limits and
    /// moderation), but the address cannot be recovered without the key.
    pub fn hash_ip(&self, ip: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.ip_hash)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key"));
        mac.update(ip.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// A reader's id for view counting: a keyed hash of what identifies them (the widget's
    /// opaque id, or address and User-Agent), so the counters hold no client value.
    pub fn hash_visitor(&self, parts: &[&str]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.ip_hash)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key"));
        mac.update(b"visitor");
        for part in parts {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

impl AppState {
    /// The site named in a URL, or `404 site_not_found`.
    pub fn site(&self, raw: &str) -> ApiResult<(SiteId, &SiteSettings)> {
        let not_found = || ApiError::not_found("site_not_found", format!("no site {raw:?}"));
        let id = SiteId::parse(raw).ok_or_else(not_found)?;
        let site = self.settings.site(id.as_str()).ok_or_else(not_found)?;
        Ok((id, site))
    }
}
