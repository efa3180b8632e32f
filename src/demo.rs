//! The demo site's content: articles of one section and story, readers and comments with
//! replies, seeded through the store the first time `/demo` is asked for.
//!
//! Seeding is idempotent, so restarts and several instances racing on a fresh database are
//! harmless: articles and readers are upserts under fixed ids, each comment is inserted under
//! an idempotency key of its author (a second insert answers the first comment), likes are
//! idempotent. The two article pages get their titles last, so a titled page means a
//! complete seed and later requests cost one read.

use std::collections::HashMap;

use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use uuid::{NoContext, Timestamp, Uuid};

use crate::domain::CommentStatus;
use crate::storage::{ArticlePatch, Idempotency, Inserted, NewComment, NewCommenter, Store, StoreResult};

pub const SITE: &str = "demo";
/// The Arabic and the English article page.
pub const PAGE_AR: &str = "muscat-talks";
pub const PAGE_EN: &str = "muscat-talks-en";

#[derive(Deserialize)]
struct Seed {
    articles: Vec<SeedArticle>,
    pages: Vec<SeedArticle>,
    readers: Vec<SeedReader>,
    comments: Vec<SeedComment>,
}

#[derive(Deserialize)]
struct SeedArticle {
    id: String,
    lang: String,
    url: String,
    section: String,
    story: String,
    tags: Vec<String>,
    hours_ago: i64,
    title: String,
}

#[derive(Deserialize)]
struct SeedReader {
    key: String,
    name: String,
    #[serde(default)]
    staff: bool,
}

#[derive(Deserialize)]
struct SeedComment {
    key: String,
    article: String,
    #[serde(default)]
    parent: Option<String>,
    author: String,
    minutes_ago: i64,
    body: String,
    #[serde(default)]
    likes: Vec<String>,
}

/// Seeds the demo site unless both article pages are already there. Answers the articles
/// this call gave comments to (none when it was seeded already).
pub async fn ensure_seeded(store: &dyn Store, now: OffsetDateTime) -> anyhow::Result<Vec<String>> {
    if is_seeded(store).await? {
        return Ok(Vec::new());
    }
    let seed: Seed = serde_json::from_str(include_str!("../widget/demo/seed.json"))?;
    for article in &seed.articles {
        put(store, article, now).await?;
    }
    let readers = seed_readers(store, &seed.readers, now).await?;
    seed_comments(store, &seed, &readers, now).await?;
    for page in &seed.pages {
        put(store, page, now).await?;
    }
    tracing::info!(site = SITE, "demo site seeded");
    let mut commented: Vec<String> = seed.comments.iter().map(|c| c.article.clone()).collect();
    commented.sort();
    commented.dedup();
    Ok(commented)
}

async fn is_seeded(store: &dyn Store) -> StoreResult<bool> {
    for page in [PAGE_AR, PAGE_EN] {
        if store.article(SITE, page).await?.is_none_or(|a| a.title.is_none()) {
            return Ok(false);
        }
    }
    Ok(true)
}

async fn put(store: &dyn Store, a: &SeedArticle, now: OffsetDateTime) -> StoreResult<()> {
    let patch = ArticlePatch {
        title: Some(a.title.clone()),
        url: Some(a.url.clone()),
        section: Some(a.section.clone()),
        tags: Some(a.tags.clone()),
        story: Some(a.story.clone()),
        published_at: Some(now - Duration::hours(a.hours_ago)),
        lang: Some(a.lang.clone()),
        ..ArticlePatch::default()
    };
    store.put_article(SITE, &a.id, &patch, now).await.map(drop)
}

/// Readers under fixed ids, derived like SSO readers' from `(site, external id)`.
async fn seed_readers(
    store: &dyn Store,
    readers: &[SeedReader],
    now: OffsetDateTime,
) -> StoreResult<HashMap<String, Uuid>> {
    let mut ids = HashMap::new();
    for r in readers {
        let external_id = format!("demo-seed:{}", r.key);
        let id = Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("{SITE}\0{external_id}").as_bytes());
        let new = NewCommenter {
            id,
            site: SITE.into(),
            external_id,
            name: r.name.clone(),
            avatar: None,
            is_staff: r.staff,
            is_guest: false,
        };
        let stored = store.upsert_commenter(&new, now).await?;
        ids.insert(r.key.clone(), stored.id);
    }
    Ok(ids)
}

async fn seed_comments(
    store: &dyn Store,
    seed: &Seed,
    readers: &HashMap<String, Uuid>,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let reader = |key: &str| {
        readers
            .get(key)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("seed.json names an unknown reader {key:?}"))
    };
    // key → (id, depth), for replies.
    let mut placed: HashMap<&str, (Uuid, i64)> = HashMap::new();
    for c in &seed.comments {
        store.ensure_article(SITE, &c.article, now).await?;
        let created_at = now - Duration::minutes(c.minutes_ago);
        let (parent_id, depth) = match &c.parent {
            Some(p) => {
                let (id, depth) = placed
                    .get(p.as_str())
                    .ok_or_else(|| anyhow::anyhow!("seed.json: {:?} replies to a later comment", c.key))?;
                (Some(*id), depth + 1)
            }
            None => (None, 0),
        };
        let new = NewComment {
            // Time-ordered like every comment id, at the seeded time.
            id: Uuid::new_v7(Timestamp::from_unix(
                NoContext,
                created_at.unix_timestamp().max(0) as u64,
                created_at.nanosecond(),
            )),
            site: SITE.into(),
            article_id: c.article.clone(),
            parent_id,
            depth,
            author_id: reader(&c.author)?,
            body: c.body.clone(),
            lang: None,
            status: CommentStatus::Published,
            verdict: None,
            ip_hash: None,
            masked_body: None,
            created_at,
        };
        let key = Idempotency {
            key: format!("demo-seed:{}", c.key),
            request_hash: c.key.clone(),
        };
        let row = match store.insert_comment(&new, Some(&key)).await? {
            Inserted::Created(row) | Inserted::Replayed { comment: row, .. } => row,
        };
        placed.insert(&c.key, (row.id, row.depth));
        for liker in &c.likes {
            store.set_like(row.id, reader(liker)?, true, created_at).await?;
        }
    }
    Ok(())
}
