//! Opaque page cursors. A cursor is the sort key of the last item of a page, signed with the
//! server's cursor key so a forged or tampered cursor is refused instead of silently
//! paging from somewhere unexpected.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use super::Sort;

/// Keyset position: comments come after (`id`, `likes`) in the order of `sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub sort: Sort,
    pub likes: i64,
    pub id: Uuid,
}

const TAG_LEN: usize = 12;

impl Cursor {
    pub fn encode(&self, key: &[u8]) -> String {
        seal(
            &format!("{}:{}:{}", self.sort.as_str(), self.likes, self.id.simple()),
            key,
        )
    }

    /// `None` for anything this server did not issue, or issued for another sort.
    pub fn decode(raw: &str, sort: Sort, key: &[u8]) -> Option<Self> {
        let text = unseal(raw, key)?;
        let mut parts = text.split(':');
        let (s, likes, id) = (parts.next()?, parts.next()?, parts.next()?);
        if s != sort.as_str() || parts.next().is_some() {
            return None;
        }
        Some(Self {
            sort,
            likes: likes.parse().ok()?,
            id: Uuid::parse_str(id).ok()?,
        })
    }
}

/// `payload` with its signature, as opaque URL-safe text. Other cursors (the moderation
/// queues') sign their own payloads with this, so every cursor is checked the same way.
pub fn seal(payload: &str, key: &[u8]) -> String {
    let mut bytes = payload.as_bytes().to_vec();
    bytes.extend_from_slice(&tag(key, &bytes));
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The payload of a cursor this server sealed; `None` for anything else.
pub fn unseal(raw: &str, key: &[u8]) -> Option<String> {
    if raw.len() > 200 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let (payload, sig) = bytes.split_at_checked(bytes.len().checked_sub(TAG_LEN)?)?;
    let mut mac = mac(key);
    mac.update(payload);
    mac.verify_truncated_left(sig).ok()?;
    String::from_utf8(payload.to_vec()).ok()
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; this cannot fail.
    Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

fn tag(key: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut mac = mac(key);
    mac.update(payload);
    mac.finalize().into_bytes()[..TAG_LEN].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_refuses_tampering() {
        let key = b"k";
        let c = Cursor {
            sort: Sort::Top,
            likes: 7,
            id: Uuid::now_v7(),
        };
        let raw = c.encode(key);
        assert_eq!(Cursor::decode(&raw, Sort::Top, key), Some(c));
        assert_eq!(Cursor::decode(&raw, Sort::Newest, key), None, "another sort");
        assert_eq!(Cursor::decode(&raw, Sort::Top, b"other"), None, "another key");
        let forged = URL_SAFE_NO_PAD.encode(format!("top:7:{}AAAAAAAAAAAA", c.id.simple()));
        assert_eq!(Cursor::decode(&forged, Sort::Top, key), None);
        assert_eq!(Cursor::decode("!!!", Sort::Top, key), None);
        assert_eq!(Cursor::decode("", Sort::Top, key), None);
    }
}
