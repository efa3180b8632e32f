//! What moderators see: comments with everything about them (SPEC §5's queue item).

use std::collections::HashMap;

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::storage::{AuditRow, CommentRow, QueueRow, ReportRow};

/// A comment as moderators see it: the author's text, whatever its status.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModComment {
    pub id: Uuid,
    pub site: String,
    pub article: String,
    pub parent_id: Option<Uuid>,
    pub body: String,
    /// What readers see instead of `body` when a `mask` entry matched.
    pub masked_body: Option<String>,
    pub lang: Option<String>,
    pub status: String,
    pub like_count: i64,
    pub reply_count: i64,
    pub report_count: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub edited_at: Option<OffsetDateTime>,
}

impl From<&CommentRow> for ModComment {
    fn from(c: &CommentRow) -> Self {
        Self {
            id: c.id,
            site: c.site.clone(),
            article: c.article_id.clone(),
            parent_id: c.parent_id,
            body: c.body.clone(),
            masked_body: c.masked_body.clone(),
            lang: c.lang.clone(),
            status: c.status.clone(),
            like_count: c.like_count,
            reply_count: c.reply_count,
            report_count: c.report_count,
            created_at: c.created_at,
            edited_at: c.edited_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemArticle {
    pub site: String,
    pub article: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub section: Option<String>,
}

/// The author with the history a decision weighs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemAuthor {
    pub id: Uuid,
    pub external_id: String,
    pub name: String,
    pub is_guest: bool,
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub status_until: Option<OffsetDateTime>,
    pub approved_count: i64,
    pub rejected_count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: Uuid,
    pub reporter_id: Uuid,
    pub reason: String,
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub resolved_at: Option<OffsetDateTime>,
}

impl From<&ReportRow> for ReportView {
    fn from(r: &ReportRow) -> Self {
        Self {
            id: r.id,
            reporter_id: r.reporter_id,
            reason: r.reason.clone(),
            note: r.note.clone(),
            created_at: r.created_at,
            resolved_at: r.resolved_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimView {
    /// The staff key holding the item.
    pub by: Uuid,
    pub by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    pub comment: ModComment,
    pub article: ItemArticle,
    pub author: ItemAuthor,
    /// The filter's verdict `{action, score, reasons, masked_body}`, if it judged the comment.
    #[schema(value_type = Option<Object>)]
    pub verdict: Option<serde_json::Value>,
    /// Open reports, oldest first.
    pub reports: Vec<ReportView>,
    pub open_reports: i64,
    /// The live claim, if any (an expired one is none).
    pub claim: Option<ClaimView>,
}

/// A moment as Unix milliseconds back to a time.
pub fn from_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl QueueItem {
    pub fn build(row: &QueueRow, reports: &HashMap<Uuid, Vec<&ReportRow>>, now_ms: i64) -> Self {
        let c = &row.comment;
        let claim = match (row.claimed_by, row.claim_until_ms) {
            (Some(by), Some(until)) if until > now_ms => Some(ClaimView {
                by,
                by_name: row.claimed_by_name.clone(),
                expires_at: from_ms(until),
            }),
            _ => None,
        };
        Self {
            comment: ModComment::from(c),
            article: ItemArticle {
                site: c.site.clone(),
                article: c.article_id.clone(),
                title: row.article_title.clone(),
                url: row.article_url.clone(),
                section: row.article_section.clone(),
            },
            author: ItemAuthor {
                id: c.author_id,
                external_id: row.author_external_id.clone(),
                name: c.author_name.clone(),
                is_guest: row.author_is_guest,
                status: row.author_status.clone(),
                status_until: row.author_status_until,
                approved_count: row.author_approved,
                rejected_count: row.author_rejected,
            },
            verdict: c.verdict.as_deref().and_then(|v| serde_json::from_str(v).ok()),
            reports: reports
                .get(&c.id)
                .map(|rs| rs.iter().map(|r| ReportView::from(*r)).collect())
                .unwrap_or_default(),
            open_reports: row.open_reports,
            claim,
        }
    }
}

/// Groups reports by comment.
pub fn by_comment(reports: &[ReportRow]) -> HashMap<Uuid, Vec<&ReportRow>> {
    let mut map: HashMap<Uuid, Vec<&ReportRow>> = HashMap::new();
    for r in reports {
        map.entry(r.comment_id).or_default().push(r);
    }
    map
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub site: Option<String>,
    pub target_kind: String,
    pub target_id: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
    pub note: Option<String>,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        Self {
            id: r.id,
            at: r.at,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            site: r.site,
            target_kind: r.target_kind,
            target_id: r.target_id,
            before: json(r.before),
            after: json(r.after),
            reason: r.reason,
            note: r.note,
        }
    }
}
