//! Guest tokens: issued on a guest's first post and sent back as `Authorization: Guest …`.
//! Stateless: the token is the commenter id and a MAC over (site, id), so it verifies without
//! a database read and cannot be moved to another site or forged.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

const TAG_LEN: usize = 16;

#[derive(Clone)]
pub struct GuestTokens {
    key: Vec<u8>,
}

impl GuestTokens {
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.to_vec() }
    }

    pub fn issue(&self, site: &str, id: Uuid) -> String {
        let mut bytes = id.as_bytes().to_vec();
        bytes.extend_from_slice(&self.tag(site, id)[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn verify(&self, site: &str, token: &str) -> Option<Uuid> {
        if token.len() > 64 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != 16 + TAG_LEN {
            return None;
        }
        let id = Uuid::from_slice(&bytes[..16]).ok()?;
        let mac = self.mac(site, id);
        mac.verify_truncated_left(&bytes[16..]).ok()?;
        Some(id)
    }

    fn mac(&self, site: &str, id: Uuid) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(b"guest:");
        mac.update(site.as_bytes());
        mac.update(b":");
        mac.update(id.as_bytes());
        mac
    }

    fn tag(&self, site: &str, id: Uuid) -> Vec<u8> {
        self.mac(site, id).finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guest_token_verifies_only_on_its_own_site() {
        let tokens = GuestTokens::new(b"secret");
        let id = Uuid::now_v7();
        let token = tokens.issue("demo", id);
        assert_eq!(tokens.verify("demo", &token), Some(id));
        assert_eq!(tokens.verify("other", &token), None);
        assert_eq!(GuestTokens::new(b"other key").verify("demo", &token), None);
        let mut forged = URL_SAFE_NO_PAD.decode(&token).expect("b64");
        forged[0] ^= 1;
        assert_eq!(tokens.verify("demo", &URL_SAFE_NO_PAD.encode(forged)), None);
    }
}
