//! Display names: what readers see next to a comment, so nothing that could disguise it.

/// Characters refused in names: controls, bidi overrides and isolates (they can make a name
/// read as someone else's), zero-width characters and the BOM.
pub fn is_unsafe_in_name(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2066..=0x2069 | 0x061C | 0xFEFF | 0x00AD)
}

/// A guest's display name: trimmed, 1 to 50 scalar values, none of them unsafe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_LEN: usize = 50;

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("empty");
        }
        if name.chars().count() > Self::MAX_LEN {
            return Err("too_long");
        }
        if name.chars().any(is_unsafe_in_name) {
            return Err("unsafe_character");
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_bidi_overrides_and_zero_width_characters() {
        assert_eq!(
            DisplayName::parse(" سارة ").map(|n| n.as_str().to_string()),
            Ok("سارة".into())
        );
        for bad in [
            "",
            "  ",
            "admin\u{202E}nimda",
            "a\u{200B}b",
            "a\u{2066}b",
            "a\nb",
            &"ن".repeat(51),
        ] {
            assert!(DisplayName::parse(bad).is_err(), "{bad:?}");
        }
    }
}
