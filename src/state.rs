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
    /// The HMAC keyed with the `ip_hash` secret, cloned per hash: keying it again for every
    /// view beacon would cost two of its four SHA-256 blocks.
    ip_hash: Hmac<Sha256>,
}

impl ServerKeys {
    pub fn new(guest_tokens: GuestTokens, cursor: Vec<u8>, ip_hash: &[u8]) -> Self {
        Self {
            guest_tokens,
            cursor,
            ip_hash: Hmac::new_from_slice(ip_hash).unwrap_or_else(|_| unreachable!("HMAC takes any key")),
        }
    }

    /// A keyed hash of an IP address: equal addresses give equal hashes (for rate limits and
    /// moderation), but the address cannot be recovered without the key.
    pub fn hash_ip(&self, ip: &str) -> String {
        let mut mac = self.ip_hash.clone();
        mac.update(ip.as_bytes());
        short_hex(mac)
    }

    /// A reader's id for view counting: a keyed hash of what identifies them (the widget's
    /// opaque id, or address and User-Agent), so the counters hold no client value.
    pub fn hash_visitor(&self, parts: &[&str]) -> String {
        let mut mac = self.ip_hash.clone();
        mac.update(b"visitor");
        for part in parts {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        short_hex(mac)
    }
}

/// The first 16 bytes of the MAC as 32 hex digits.
fn short_hex(mac: Hmac<Sha256>) -> String {
    let mut digits = [0u8; 32];
    hex::encode_to_slice(&mac.finalize().into_bytes()[..16], &mut digits)
        .unwrap_or_else(|_| unreachable!("16 bytes are 32 hex digits"));
    std::str::from_utf8(&digits)
        .unwrap_or_else(|_| unreachable!("hex digits are ASCII"))
        .to_owned()
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
