//! Rows and inputs of the `Store`.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::{CommentStatus, CommenterStatus, Role};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Article {
    pub site: String,
    pub article_id: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub section: Option<String>,
    /// JSON array of strings.
    pub tags: String,
    pub story: Option<String>,
    pub published_at: Option<OffsetDateTime>,
    pub lang: Option<String>,
    pub image: Option<String>,
    pub comments_open: bool,
    /// `None`: the site's policy applies.
    pub premod: Option<bool>,
    pub close_at: Option<OffsetDateTime>,
    pub comment_count: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Article {
    pub fn tag_list(&self) -> Vec<String> {
        serde_json::from_str(&self.tags).unwrap_or_default()
    }

    /// Open for new comments at `now`: not closed, and its scheduled close not reached.
    pub fn accepts_comments(&self, now: OffsetDateTime) -> bool {
        self.comments_open && self.close_at.is_none_or(|at| now < at)
    }
}

/// Fields of an article `PUT`; `None` keeps the stored value. `premod` is doubly optional:
/// absent keeps it, `Some(None)` returns to the site's policy.
#[derive(Debug, Clone, Default)]
pub struct ArticlePatch {
    pub title: Option<String>,
    pub url: Option<String>,
    pub section: Option<String>,
    pub tags: Option<Vec<String>>,
    pub story: Option<String>,
    pub published_at: Option<OffsetDateTime>,
    pub lang: Option<String>,
    pub image: Option<String>,
    pub comments_open: Option<bool>,
    pub premod: Option<Option<bool>>,
    pub close_at: Option<Option<OffsetDateTime>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Commenter {
    pub id: Uuid,
    pub site: String,
    pub external_id: String,
    pub name: String,
    pub avatar: Option<String>,
    pub is_staff: bool,
    pub is_guest: bool,
    pub status: String,
    pub status_until: Option<OffsetDateTime>,
    pub status_reason: Option<String>,
    pub approved_count: i64,
    pub rejected_count: i64,
    pub created_at: OffsetDateTime,
}

impl Commenter {
    /// The status in force at `now`: a suspension whose time has passed is over.
    pub fn status_at(&self, now: OffsetDateTime) -> CommenterStatus {
        match CommenterStatus::parse(&self.status).unwrap_or(CommenterStatus::Active) {
            CommenterStatus::Suspended if self.status_until.is_some_and(|until| until <= now) => {
                CommenterStatus::Active
            }
            status => status,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewCommenter {
    pub id: Uuid,
    pub site: String,
    pub external_id: String,
    pub name: String,
    pub avatar: Option<String>,
    pub is_staff: bool,
    pub is_guest: bool,
}

/// A comment joined with its author.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRow {
    pub id: Uuid,
    pub site: String,
    pub article_id: String,
    pub parent_id: Option<Uuid>,
    pub depth: i64,
    pub author_id: Uuid,
    pub author_name: String,
    pub author_avatar: Option<String>,
    pub author_is_staff: bool,
    pub body: String,
    pub lang: Option<String>,
    pub status: String,
    pub like_count: i64,
    pub reply_count: i64,
    pub report_count: i64,
    /// The filter's verdict as JSON.
    pub verdict: Option<String>,
    /// The body with `mask` matches starred, shown to readers instead of `body`.
    pub masked_body: Option<String>,
    pub created_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
}

impl CommentRow {
    pub fn status(&self) -> CommentStatus {
        CommentStatus::parse(&self.status).unwrap_or(CommentStatus::Pending)
    }
}

#[derive(Debug, Clone)]
pub struct NewComment {
    pub id: Uuid,
    pub site: String,
    pub article_id: String,
    pub parent_id: Option<Uuid>,
    pub depth: i64,
    pub author_id: Uuid,
    pub body: String,
    pub lang: Option<String>,
    pub status: CommentStatus,
    pub verdict: Option<String>,
    /// Keyed hash of the poster's IP address (never the address itself).
    pub ip_hash: Option<String>,
    pub masked_body: Option<String>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    /// Hash of the request body: the same key with another body is a conflict.
    pub request_hash: String,
}

#[derive(Debug, Clone)]
pub enum Inserted {
    Created(CommentRow),
    /// The key was used before; the first comment, and whether the body matched.
    Replayed {
        comment: CommentRow,
        same_request: bool,
    },
}

#[derive(Debug, Clone)]
pub struct CommentEdit {
    pub id: Uuid,
    pub body: String,
    pub status: CommentStatus,
    pub verdict: Option<String>,
    pub masked_body: Option<String>,
    pub edited_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewReport {
    pub id: Uuid,
    pub comment_id: Uuid,
    pub reporter_id: Uuid,
    pub reason: String,
    pub note: Option<String>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffKey {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub key_hash: String,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

impl StaffKey {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

#[derive(Debug, Clone)]
pub struct NewStaffKey {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub key_hash: String,
    pub created_at: OffsetDateTime,
}
