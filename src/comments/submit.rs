//! Posting a comment: identity, rate limits, article and author checks, threading, the
//! filter, the policy, one transactional insert, then metrics and the live event.

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::policy::{self, Submission};
use super::screen::screen;
use super::view::ViewContext;
use crate::auth::CommenterIdentity;
use crate::comments::live;
use crate::config::SiteSettings;
use crate::counters::{RateDecision, RateLimit};
use crate::domain::{ArticleId, CommentBody, CommentStatus, DisplayName, SiteId};
use crate::error::{ApiError, ApiResult};
use crate::routes::comments::create::{CreateComment, CreatedComment};
use crate::routes::comments::ensure_may_post;
use crate::state::AppState;
use crate::storage::{Article, CommentRow, Commenter, Idempotency, Inserted, NewComment};

pub struct NewSubmission<'a> {
    pub site_id: &'a SiteId,
    pub article_id: &'a ArticleId,
    pub request: CreateComment,
    pub identity: Option<CommenterIdentity>,
    pub idempotency_key: Option<String>,
    pub ip_hash: String,
}

pub async fn submit(state: &AppState, sub: NewSubmission<'_>) -> ApiResult<CreatedComment> {
    let (site_id, site) = state.site(sub.site_id.as_str())?;
    let now = state.clock.now();
    let req = &sub.request;
    let body = CommentBody::parse(&req.body, state.settings.comments.max_length).map_err(|e| {
        ApiError::field(
            "body",
            e.code(),
            body_message(e.code(), state.settings.comments.max_length),
        )
    })?;

    // A request without credentials is a new guest, where the site allows guests.
    let (identity, new_guest) = match sub.identity {
        Some(identity) => (identity, false),
        None if site.guests => (CommenterIdentity::Guest(Uuid::now_v7()), true),
        None => {
            return Err(ApiError::unauthorized(
                "login_required",
                "sign in to comment on this site",
            ));
        }
    };
    let commenter_id = identity.commenter_id(site_id.as_str());

    // Rate limits come before any write: per IP (covers new guests) and per commenter.
    check_rate_limits(state, site_id.as_str(), site, &sub.ip_hash, commenter_id).await?;

    let article = state
        .store
        .ensure_article(site_id.as_str(), sub.article_id.as_str(), now)
        .await?;
    if !article.accepts_comments(now) {
        return Err(ApiError::forbidden(
            "article_closed",
            "comments on this article are closed",
        ));
    }

    let commenter = resolve_commenter(
        state,
        site_id.as_str(),
        &identity,
        new_guest,
        req.author_name.as_deref(),
        now,
    )
    .await?;
    let author_status = ensure_may_post(&commenter, state)?;

    let (parent_id, depth) = thread_position(state, req.parent_id, &site_id, sub.article_id).await?;
    let verdict = screen(
        state,
        site_id.as_str(),
        &site.lang,
        body.as_str(),
        &commenter,
        Some(&sub.ip_hash),
    )
    .await?;
    let submission = Submission {
        body: body.as_str(),
        honeypot_filled: req.hp.as_deref().is_some_and(|hp| !hp.trim().is_empty()),
        form_ms: req.form_ms,
        min_form_ms: state.settings.comments.min_form_ms,
    };
    let status = policy::decide(&submission, &verdict, site, &article, &commenter, author_status);

    let idempotency = sub.idempotency_key.map(|key| Idempotency {
        key,
        request_hash: request_hash(sub.article_id.as_str(), parent_id, body.as_str()),
    });
    let new = NewComment {
        id: state.clock.new_id(),
        site: site_id.to_string(),
        article_id: sub.article_id.to_string(),
        parent_id,
        depth,
        author_id: commenter.id,
        body: body.into_inner(),
        lang: None,
        status,
        verdict: serde_json::to_string(&verdict).ok(),
        masked_body: verdict.masked_body.clone(),
        ip_hash: Some(sub.ip_hash),
        created_at: now,
    };
    let row = match state.store.insert_comment(&new, idempotency.as_ref()).await? {
        Inserted::Created(row) => {
            state
                .metrics
                .comments_submitted
                .with_label_values(&[site_id.as_str(), status.as_str()])
                .inc();
            if status == CommentStatus::Published {
                live::comment_created(state, &row).await;
            }
            row
        }
        Inserted::Replayed {
            comment,
            same_request: true,
        } => comment,
        Inserted::Replayed {
            same_request: false, ..
        } => {
            return Err(ApiError::conflict(
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different comment",
            ));
        }
    };
    Ok(created(
        state,
        &row,
        site_id.as_str(),
        commenter.id,
        new_guest,
        message_lang(&article, site),
    ))
}

/// `429` when the client's address or the commenter is over the site's token bucket (both
/// asked in one call, the address first).
async fn check_rate_limits(
    state: &AppState,
    site_id: &str,
    site: &SiteSettings,
    ip_hash: &str,
    commenter_id: Uuid,
) -> ApiResult<()> {
    let ip_limit = RateLimit {
        burst: site.ip_burst,
        per_minute: site.ip_per_minute,
    };
    let commenter_limit = RateLimit {
        burst: site.comment_burst,
        per_minute: site.comment_per_minute,
    };
    let buckets = [
        (format!("ip:{ip_hash}"), ip_limit),
        (format!("c:{}", commenter_id.simple()), commenter_limit),
    ];
    if let RateDecision::Limited(retry_after) = state.shared.take_tokens(site_id, &buckets).await {
        return Err(ApiError::RateLimited { retry_after });
    }
    Ok(())
}

/// The stored commenter behind an identity: a returning guest as stored, a new guest or an SSO
/// user upserted with the name they bring (a guest's typed name, the SSO profile).
async fn resolve_commenter(
    state: &AppState,
    site_id: &str,
    identity: &CommenterIdentity,
    new_guest: bool,
    author_name: Option<&str>,
    now: time::OffsetDateTime,
) -> ApiResult<Commenter> {
    let guest_name =
        match (identity, author_name) {
            (CommenterIdentity::Guest(_), Some(name)) => Some(DisplayName::parse(name).map_err(|code| {
                ApiError::field("author_name", code, "a name of 1 to 50 visible characters")
            })?),
            _ => None,
        };
    if let (CommenterIdentity::Guest(id), None) = (identity, &guest_name) {
        return state
            .store
            .commenter(*id)
            .await?
            .ok_or_else(|| ApiError::field("author_name", "required", "guests choose a name to comment"));
    }
    // A sanctioned commenter is refused before the upsert, which would otherwise store the new
    // name (or SSO profile) sent with a request that is then refused.
    if !new_guest && let Some(existing) = state.store.commenter(identity.commenter_id(site_id)).await? {
        ensure_may_post(&existing, state)?;
    }
    let new = identity.to_new_commenter(site_id, guest_name.as_ref().map(DisplayName::as_str));
    Ok(state.store.upsert_commenter(&new, now).await?)
}

/// The language of what the author is told: the article's, where the CMS gave one (a site
/// publishing in two languages), else the site's.
pub fn message_lang<'a>(article: &'a Article, site: &'a SiteSettings) -> &'a str {
    article.lang.as_deref().unwrap_or(&site.lang)
}

fn created(
    state: &AppState,
    row: &CommentRow,
    site: &str,
    author: Uuid,
    new_guest: bool,
    lang: &str,
) -> CreatedComment {
    let ctx = ViewContext {
        viewer: Some(author),
        liked: Default::default(),
        lang: lang.to_string(),
    };
    CreatedComment {
        comment: ctx.view(row),
        guest_token: new_guest.then(|| state.keys.guest_tokens.issue(site, author)),
    }
}

/// Parent and depth of a reply. Replies nest to `max_depth`; a reply to a comment at the
/// deepest level becomes its sibling, so long exchanges stay readable on a phone.
async fn thread_position(
    state: &AppState,
    parent_id: Option<Uuid>,
    site: &SiteId,
    article: &ArticleId,
) -> ApiResult<(Option<Uuid>, i64)> {
    let Some(parent_id) = parent_id else {
        return Ok((None, 0));
    };
    let parent = state
        .store
        .comment(parent_id)
        .await?
        .filter(|p| p.site == site.as_str() && p.article_id == article.as_str())
        .ok_or_else(|| ApiError::field("parent_id", "not_found", "no such comment on this article"))?;
    if parent.status() != CommentStatus::Published {
        return Err(ApiError::conflict(
            "parent_not_published",
            "replies go to published comments only",
        ));
    }
    let max_depth = i64::from(state.settings.comments.max_depth);
    if parent.depth >= max_depth {
        Ok((parent.parent_id, parent.depth))
    } else {
        Ok((Some(parent.id), parent.depth + 1))
    }
}

fn request_hash(article: &str, parent: Option<Uuid>, body: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(article.as_bytes());
    hash.update(
        parent
            .map(|p| p.simple().to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    hash.update(body.as_bytes());
    hex::encode(hash.finalize())
}

pub fn body_message(code: &str, max: usize) -> String {
    match code {
        "empty" => "write something first".to_string(),
        "too_long" => format!("at most {max} characters"),
        "control_character" => "the text contains control characters".to_string(),
        _ => "too many combining marks in a row".to_string(),
    }
}
