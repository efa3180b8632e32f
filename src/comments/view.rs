//! Representations of SPEC §3, built from store rows for one viewer.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::CommentStatus;
use crate::storage::CommentRow;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorView {
    pub id: Uuid,
    pub name: String,
    pub avatar: Option<String>,
    pub is_staff: bool,
}

/// A comment as readers see it. A tombstone (`status: deleted`) has neither author nor body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommentView {
    pub id: Uuid,
    pub site: String,
    pub article: String,
    pub parent_id: Option<Uuid>,
    pub author: Option<AuthorView>,
    pub body: Option<String>,
    pub lang: Option<String>,
    pub status: CommentStatus,
    pub like_count: i64,
    pub reply_count: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub edited_at: Option<OffsetDateTime>,
    pub liked_by_me: bool,
    /// The first replies, in thread listings only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub replies: Option<Vec<CommentView>>,
    /// Only for the author: why the comment is not (yet) public, in the site's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation_message: Option<String>,
}

/// Who is looking, and what they like.
pub struct ViewContext {
    pub viewer: Option<Uuid>,
    pub liked: HashSet<Uuid>,
    /// The site's language, for moderation messages.
    pub lang: String,
}

impl ViewContext {
    pub fn view(&self, row: &CommentRow) -> CommentView {
        let is_author = self.viewer == Some(row.author_id);
        let status = match row.status() {
            // Suspected spam looks merely held to its author: telling a bot why helps the bot.
            CommentStatus::Spam => CommentStatus::Pending,
            other => other,
        };
        let tombstone = status == CommentStatus::Deleted;
        CommentView {
            id: row.id,
            site: row.site.clone(),
            article: row.article_id.clone(),
            parent_id: row.parent_id,
            author: (!tombstone).then(|| AuthorView {
                id: row.author_id,
                name: row.author_name.clone(),
                avatar: row.author_avatar.clone(),
                is_staff: row.author_is_staff,
            }),
            body: (!tombstone).then(|| row.masked_body.clone().unwrap_or_else(|| row.body.clone())),
            lang: row.lang.clone(),
            status,
            like_count: row.like_count,
            reply_count: row.reply_count,
            created_at: row.created_at,
            edited_at: row.edited_at,
            liked_by_me: self.liked.contains(&row.id),
            replies: None,
            moderation_message: is_author
                .then(|| moderation_message(status, rejection_cause(row), &self.lang))
                .flatten(),
        }
    }

    /// Top-level comments, each with its first replies attached.
    pub fn thread(&self, top: &[CommentRow], replies: &[CommentRow]) -> Vec<CommentView> {
        let mut by_parent: HashMap<Uuid, Vec<CommentView>> = HashMap::new();
        for reply in replies {
            if let Some(parent) = reply.parent_id {
                by_parent.entry(parent).or_default().push(self.view(reply));
            }
        }
        top.iter()
            .map(|row| CommentView {
                replies: Some(by_parent.remove(&row.id).unwrap_or_default()),
                ..self.view(row)
            })
            .collect()
    }
}

/// Why a comment was rejected, in broad strokes the author can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectionCause {
    Words,
    Tone,
    Moderator,
}

fn rejection_cause(row: &CommentRow) -> RejectionCause {
    let verdict = row
        .verdict
        .as_deref()
        .and_then(|v| serde_json::from_str::<crate::filter::Verdict>(v).ok());
    match verdict {
        Some(v) if v.action == crate::filter::Action::Reject => {
            if v.reasons.iter().any(|r| r.code == "word_list") {
                RejectionCause::Words
            } else {
                RejectionCause::Tone
            }
        }
        _ => RejectionCause::Moderator,
    }
}

/// What the author is told about a comment that is not public.
pub fn moderation_message(status: CommentStatus, cause: RejectionCause, lang: &str) -> Option<String> {
    let arabic = lang == "ar";
    let text = match (status, cause) {
        (CommentStatus::Pending, _) if arabic => "تعليقك بانتظار المراجعة وسيظهر بعد موافقة المشرفين.",
        (CommentStatus::Pending, _) => "Your comment is awaiting moderation and will appear once approved.",
        (CommentStatus::Rejected, RejectionCause::Words) if arabic => {
            "لم يُنشر تعليقك لأنه يحتوي على كلمات غير مسموح بها هنا."
        }
        (CommentStatus::Rejected, RejectionCause::Words) => {
            "Your comment was not published: it contains words that are not allowed here."
        }
        (CommentStatus::Rejected, RejectionCause::Tone) if arabic => {
            "لم يُنشر تعليقك لأنه يبدو مسيئاً. انتقد الأفكار لا الأشخاص."
        }
        (CommentStatus::Rejected, RejectionCause::Tone) => {
            "Your comment was not published: it reads as abusive. Criticise ideas, not people."
        }
        (CommentStatus::Rejected, RejectionCause::Moderator) if arabic => "رفض المشرفون هذا التعليق.",
        (CommentStatus::Rejected, RejectionCause::Moderator) => {
            "The moderators did not publish this comment."
        }
        _ => return None,
    };
    Some(text.to_string())
}
