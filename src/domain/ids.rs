//! Site and article identifiers as they appear in URLs.

use std::fmt;

/// A site id: `demo`, `rt-ar`. Lowercase ASCII letters, digits, `-` and `_`, 1 to 64 long.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SiteId(String);

impl SiteId {
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = (1..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        ok.then(|| Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The CMS's own article id. Printable ASCII without `/`, `?`, `#`, `%`, `\` or spaces,
/// 1 to 128 long: it is used in URLs, cache keys and Redis keys, so nothing there may need escaping.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArticleId(String);

impl ArticleId {
    pub const MAX_LEN: usize = 128;

    pub fn parse(raw: &str) -> Option<Self> {
        let ok = (1..=Self::MAX_LEN).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"/?#%\\\"'<>".contains(&b))
            && raw != "."
            && raw != "..";
        ok.then(|| Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_ids_are_lowercase_slugs() {
        assert!(SiteId::parse("rt-ar").is_some());
        for bad in ["", "Demo", "a b", "../x", "x/y", &"a".repeat(65)] {
            assert!(SiteId::parse(bad).is_none(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn article_ids_refuse_path_tricks_and_control_characters() {
        assert!(ArticleId::parse("2026-11-29-summit_123").is_some());
        for bad in [
            "",
            "..",
            "a/b",
            "a\\b",
            "a b",
            "a\0b",
            "a%2f",
            "مقال",
            &"a".repeat(129),
        ] {
            assert!(ArticleId::parse(bad).is_none(), "{bad:?} must be refused");
        }
    }
}
