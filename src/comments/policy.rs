//! Which status a new or edited comment gets. Order matters: bot signals first (they are
//! stored as spam whatever the text), then the filter's verdict, then pre-moderation.

use crate::config::{PremodPolicy, SiteSettings};
use crate::domain::{CommentStatus, CommenterStatus};
use crate::filter::{Action, Verdict};
use crate::storage::{Article, Commenter};

/// What the policy needs to know about a submission.
pub struct Submission<'a> {
    pub body: &'a str,
    pub honeypot_filled: bool,
    /// How long the form was open, as the widget measured it.
    pub form_ms: Option<i64>,
    pub min_form_ms: i64,
}

pub fn decide(
    sub: &Submission<'_>,
    verdict: &Verdict,
    site: &SiteSettings,
    article: &Article,
    author: &Commenter,
    author_status: CommenterStatus,
) -> CommentStatus {
    if sub.honeypot_filled || sub.form_ms.is_some_and(|ms| ms < sub.min_form_ms) {
        return CommentStatus::Spam;
    }
    match verdict.action {
        Action::Reject => return CommentStatus::Rejected,
        Action::Hold if verdict.spam => return CommentStatus::Spam,
        Action::Hold => return CommentStatus::Pending,
        Action::Publish => {}
    }
    let premod = match article.premod {
        Some(forced) => forced,
        None => match site.premod {
            PremodPolicy::Off => false,
            PremodPolicy::All => true,
            PremodPolicy::Links => contains_link(sub.body),
            PremodPolicy::NewUsers => author.approved_count == 0,
        },
    };
    if premod || author_status == CommenterStatus::Premod {
        CommentStatus::Pending
    } else {
        CommentStatus::Published
    }
}

/// A URL or a bare domain-looking word (`example.com/x`).
pub fn contains_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("http://")
        || lower.contains("https://")
        || lower.contains("www.")
        || lower.split_whitespace().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            w.rsplit_once('.').is_some_and(|(head, tld)| {
                !head.is_empty()
                    && (2..=6).contains(&tld.len())
                    && tld.chars().all(|c| c.is_ascii_lowercase())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_recognised_with_and_without_a_scheme() {
        assert!(contains_link("see https://x.test/a"));
        assert!(contains_link("زوروا example.com الآن"));
        assert!(!contains_link("مرحبا بكم. شكرا"));
        assert!(!contains_link("the end. Next"));
    }
}
