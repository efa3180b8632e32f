//! The audit log's store: the append-only rows of every staff action, the audit query, and
//! the staff changes outside moderation proper (article settings, word lists) written together
//! with their audit row. Decisions and sanctions write theirs in `ModerationStore`.

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Article, ArticlePatch, LexiconRow, StaffKey, StoreResult};

/// Who acted: a staff key, named as it was at the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Uuid,
    pub name: String,
}

impl From<&StaffKey> for Actor {
    fn from(k: &StaffKey) -> Self {
        Self {
            id: k.id,
            name: k.name.clone(),
        }
    }
}

/// What an audit row says besides who and when.
#[derive(Debug, Clone, Default)]
pub struct NewAudit {
    pub action: String,
    pub site: Option<String>,
    pub target_kind: &'static str,
    pub target_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub at_ms: i64,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub site: Option<String>,
    pub target_kind: String,
    pub target_id: String,
    /// JSON.
    pub before: Option<String>,
    /// JSON.
    pub after: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// Filters of the audit log; newest first, `limit` rows before `before_id`.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub site: Option<String>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: Option<String>,
    pub target: Option<(String, String)>,
    pub since_ms: Option<i64>,
    pub before_id: Option<Uuid>,
    pub limit: i64,
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Newest first.
    async fn audit(&self, q: &AuditQuery) -> StoreResult<Vec<AuditRow>>;
    /// `put_article` with an audit row, in one transaction; returns the article after.
    async fn put_article_audited(
        &self,
        site: &str,
        article: &str,
        patch: &ArticlePatch,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> StoreResult<Article>;
    async fn insert_lexicon_entry_audited(&self, row: &LexiconRow, actor: &Actor) -> StoreResult<()>;
    async fn remove_lexicon_entry_audited(
        &self,
        id: Uuid,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> StoreResult<LexiconRow>;
}

/// An article's settings and metadata as audit rows keep them.
pub(super) fn article_json(a: &Article) -> serde_json::Value {
    let time = |t: Option<OffsetDateTime>| {
        t.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
    };
    serde_json::json!({
        "title": a.title, "url": a.url, "section": a.section, "tags": a.tag_list(), "story": a.story,
        "published_at": time(a.published_at), "lang": a.lang, "image": a.image,
        "comments": if a.comments_open { "open" } else { "closed" }, "premod": a.premod,
        "close_at": time(a.close_at),
    })
}

/// A word-list entry as audit rows keep it.
pub(super) fn lexicon_json(r: &LexiconRow) -> serde_json::Value {
    serde_json::json!({
        "site": r.site, "term": r.term, "lang": r.lang, "allow": r.allow, "severity": r.severity,
        "action": r.action, "mode": r.mode, "morph": r.morph,
    })
}
