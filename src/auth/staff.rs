//! Staff API keys: `mk_` and 32 random bytes, shown once. Only the SHA-256 is stored: a fast
//! hash is right for high-entropy keys (argon2 on every request would only add latency).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ApiResult};
use crate::storage::{StaffKey, Store};

pub const PREFIX: &str = "mk_";

/// A new key and its hash.
pub fn generate_staff_key() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let key = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_staff_key(&key);
    (key, hash)
}

pub fn hash_staff_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

pub(super) async fn verify(key: &str, store: &dyn Store) -> ApiResult<StaffKey> {
    let hash = hash_staff_key(key);
    let invalid = || ApiError::unauthorized("invalid_staff_key", "the staff key is not valid");
    let found = store.staff_key_by_hash(&hash).await?.ok_or_else(invalid)?;
    // The lookup is by hash already; compare in constant time anyway so a future lookup by
    // prefix cannot turn into a timing oracle.
    if !bool::from(found.key_hash.as_bytes().ct_eq(hash.as_bytes())) || found.revoked_at.is_some() {
        return Err(invalid());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_prefixed_random_and_hashed() {
        let (a, hash_a) = generate_staff_key();
        let (b, _) = generate_staff_key();
        assert!(a.starts_with("mk_") && a.len() > 40);
        assert_ne!(a, b);
        assert_eq!(hash_a, hash_staff_key(&a));
        assert_eq!(hash_a.len(), 64);
    }
}
