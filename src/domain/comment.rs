//! Comment bodies, statuses, sorts and roles.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A comment body: trimmed, 1 to `max` Unicode scalar values, no NUL or other C0 controls
/// except tab and newlines, and not a flood of combining marks (at most 8 in a row: no script
/// needs more, Zalgo text uses hundreds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    Empty,
    TooLong,
    ControlCharacter,
    CombiningFlood,
}

impl BodyError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLong => "too_long",
            Self::ControlCharacter => "control_character",
            Self::CombiningFlood => "combining_flood",
        }
    }
}

const MAX_COMBINING_RUN: usize = 8;

impl CommentBody {
    pub fn parse(raw: &str, max: usize) -> Result<Self, BodyError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(BodyError::Empty);
        }
        if text.chars().count() > max {
            return Err(BodyError::TooLong);
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(BodyError::ControlCharacter);
        }
        let mut run = 0;
        for c in text.chars() {
            run = if is_combining(c) { run + 1 } else { 0 };
            if run > MAX_COMBINING_RUN {
                return Err(BodyError::CombiningFlood);
            }
        }
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Combining marks of the blocks that matter here (general, Arabic harakat, Quranic marks,
/// supplements). Arabic text carries at most two or three marks on a letter.
fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0670 | 0x06D6..=0x06ED | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Where a comment is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommentStatus {
    Published,
    Pending,
    Rejected,
    Spam,
    Deleted,
}

impl CommentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Pending => "pending",
            Self::Rejected => "rejected",
            Self::Spam => "spam",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "published" => Self::Published,
            "pending" => Self::Pending,
            "rejected" => Self::Rejected,
            "spam" => Self::Spam,
            "deleted" => Self::Deleted,
            _ => return None,
        })
    }
}

/// A commenter's standing on a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommenterStatus {
    Active,
    Premod,
    Suspended,
    Banned,
}

impl CommenterStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Premod => "premod",
            Self::Suspended => "suspended",
            Self::Banned => "banned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "active" => Self::Active,
            "premod" => Self::Premod,
            "suspended" => Self::Suspended,
            "banned" => Self::Banned,
            _ => return None,
        })
    }
}

/// Thread orders. `top` is by likes, then newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Top,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Top => "top",
        }
    }
}

/// Staff roles, from least to most powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Publisher,
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publisher => "publisher",
            Self::Moderator => "moderator",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "publisher" => Self::Publisher,
            "moderator" => Self::Moderator,
            "admin" => Self::Admin,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_trimmed_and_counted_in_scalar_values() {
        assert_eq!(
            CommentBody::parse("  مرحبا  ", 5).map(CommentBody::into_inner),
            Ok("مرحبا".into())
        );
        assert_eq!(CommentBody::parse("مرحباً", 5), Err(BodyError::TooLong));
        assert_eq!(CommentBody::parse(" \n\t ", 5), Err(BodyError::Empty));
    }

    #[test]
    fn bodies_refuse_nul_and_combining_floods_but_keep_harakat() {
        assert_eq!(CommentBody::parse("a\0b", 50), Err(BodyError::ControlCharacter));
        assert_eq!(
            CommentBody::parse(&format!("a{}", "\u{0301}".repeat(100)), 500),
            Err(BodyError::CombiningFlood)
        );
        assert!(CommentBody::parse("بِسْمِ اللَّهِ الرَّحْمَٰنِ", 100).is_ok());
        assert!(CommentBody::parse("line one\nline two", 100).is_ok());
    }
}
