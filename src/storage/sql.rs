//! The SQL both back-ends run, and `impl_store!`, which writes the `Store` implementation once
//! per driver so PostgreSQL and SQLite cannot drift apart.
//!
//! The text is portable on purpose: `$N` placeholders (sqlx-sqlite maps them, and a repeated
//! `$N` is one parameter on both), `ON CONFLICT`, `RETURNING`, row values and window
//! functions exist in both; the one exception, `TOP_LEVEL_INSERT`, is PostgreSQL's own and
//! the SQLite store goes without it. Times are always bound from the application's clock, and nothing
//! orders by time: ids are UUIDv7, so `ORDER BY id` is creation order on both (PostgreSQL
//! compares `uuid` bytewise, SQLite compares the 16-byte BLOB bytewise).
//!
//! Neither database has `SELECT … FOR UPDATE` in common, so a transaction that reads a row
//! and then writes from what it read first takes the row with a no-op `UPDATE … RETURNING`:
//! PostgreSQL locks the row until commit, and SQLite transactions begin `IMMEDIATE`, holding
//! the write lock from the start.

use super::model::{Article, ArticlePatch};
use crate::domain::CommentStatus;

/// The columns of a `CommentRow`, from `comments c JOIN commenters a`.
macro_rules! comment_columns {
    () => {
        "c.id, c.site, c.article_id, c.parent_id, c.depth, c.author_id, a.name AS author_name, \
         a.avatar AS author_avatar, a.is_staff AS author_is_staff, c.body, c.lang, c.status, \
         c.like_count, c.reply_count, c.report_count, c.verdict, c.masked_body, c.created_at, c.edited_at"
    };
}

macro_rules! comment_from {
    () => {
        " FROM comments c JOIN commenters a ON a.id = c.author_id"
    };
}

/// The start of the readers' visibility rule; the viewer's id (or NULL) and `"))"` follow.
/// Visible: published; a tombstone that still has visible replies (it keeps the thread's
/// shape); the viewer's own comment awaiting moderation (suspected spam looks the same to
/// its author: telling a bot its comment was classed as spam helps the bot).
macro_rules! visible_open {
    () => {
        "(c.status = 'published' OR (c.status = 'deleted' AND c.reply_count > 0) \
         OR (c.status IN ('pending', 'spam') AND c.author_id = "
    };
}

macro_rules! visible_to {
    ($viewer:literal) => {
        concat!(visible_open!(), $viewer, "))")
    };
}

pub(super) const VISIBLE_OPEN: &str = visible_open!();
/// The columns of a `CommentRow`, for queries built elsewhere (`moderation_sql.rs`).
pub(super) const COMMENT_COLUMNS: &str = comment_columns!();
pub(super) const VISIBLE_CLOSE: &str = "))";

pub(super) const PING: &str = "SELECT 1";

pub(super) const SECRET_INSERT: &str =
    "INSERT INTO local_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
pub(super) const SECRET_GET: &str = "SELECT value FROM local_secrets WHERE name = $1";

// Articles
pub(super) const ARTICLE_GET: &str = "SELECT * FROM articles WHERE site = $1 AND article_id = $2";
pub(super) const ARTICLE_ENSURE: &str = "INSERT INTO articles \
     (site, article_id, tags, comments_open, comment_count, created_at, updated_at) \
     VALUES ($1, $2, '[]', TRUE, 0, $3, $3) ON CONFLICT (site, article_id) DO NOTHING";
/// Reads the article and holds it until commit, so two concurrent patches both apply.
pub(super) const ARTICLE_LOCK: &str =
    "UPDATE articles SET updated_at = updated_at WHERE site = $1 AND article_id = $2 RETURNING *";
pub(super) const ARTICLE_UPDATE: &str = "UPDATE articles SET title = $3, url = $4, section = $5, \
     tags = $6, story = $7, published_at = $8, lang = $9, image = $10, comments_open = $11, \
     premod = $12, close_at = $13, updated_at = $14 WHERE site = $1 AND article_id = $2 RETURNING *";
pub(super) const ARTICLE_COUNT_ADD: &str =
    "UPDATE articles SET comment_count = comment_count + $3 WHERE site = $1 AND article_id = $2";
/// Followed by the bound article ids and `)`.
pub(super) const COUNTS_OPEN: &str = "SELECT article_id, comment_count FROM articles \
     WHERE comment_count > 0 AND site = ";
pub(super) const COUNTS_IN: &str = " AND article_id IN (";

// Commenters
pub(super) const COMMENTER_GET: &str = "SELECT * FROM commenters WHERE id = $1";
pub(super) const COMMENTER_UPSERT: &str = "INSERT INTO commenters \
     (id, site, external_id, name, avatar, is_staff, is_guest, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     ON CONFLICT (site, external_id) DO UPDATE \
     SET name = excluded.name, avatar = excluded.avatar, is_staff = excluded.is_staff RETURNING *";
pub(super) const COMMENTER_SET_STATUS: &str =
    "UPDATE commenters SET status = $2, status_until = $3, status_reason = $4 WHERE id = $1 RETURNING *";

// Comments
pub(super) const COMMENT_GET: &str =
    concat!("SELECT ", comment_columns!(), comment_from!(), " WHERE c.id = $1");
/// Returns the new row as `COMMENT_GET` would read it (the author's columns from their row),
/// which saves the transaction a round trip.
macro_rules! comment_insert {
    () => {
        "INSERT INTO comments \
         (id, site, article_id, parent_id, depth, author_id, body, lang, status, verdict, ip_hash, created_at, \
         masked_body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         RETURNING id, site, article_id, parent_id, depth, author_id, \
         (SELECT name FROM commenters WHERE id = $6) AS author_name, \
         (SELECT avatar FROM commenters WHERE id = $6) AS author_avatar, \
         (SELECT is_staff FROM commenters WHERE id = $6) AS author_is_staff, body, lang, status, \
         like_count, reply_count, report_count, verdict, masked_body, created_at, edited_at"
    };
}
pub(super) const COMMENT_INSERT: &str = comment_insert!();
/// PostgreSQL only (SQLite has no data-modifying `WITH`): a top-level comment, its article's
/// count (`$14`: 1 when published, else 0) and its idempotency key (`$15`, `$16`: NULL when
/// none) in one statement, which commits on its own. It stands for a transaction of `BEGIN`,
/// `INSERT`, `UPDATE`, the key's `INSERT` and `COMMIT`: three or four round trips fewer, and a
/// round trip costs PostgreSQL more CPU than these statements' execution (BENCHMARKS.md, "POST
/// a comment"). A failure anywhere (a missing article or author, a key stored meanwhile)
/// writes nothing. Replies keep the transaction: their counts walk up the thread.
pub(super) const TOP_LEVEL_INSERT: &str = concat!(
    "WITH inserted AS (",
    comment_insert!(),
    "), counted AS (UPDATE articles SET comment_count = comment_count + $14 \
     WHERE site = $2 AND article_id = $3 AND $14 <> 0), \
     remembered AS (INSERT INTO idempotency_keys (commenter_id, key, request_hash, comment_id, created_at) \
     SELECT $6, $15, $16, $1, $12 WHERE $15 IS NOT NULL) \
     SELECT * FROM inserted"
);
/// Reads what a status change needs and holds the row until commit.
pub(super) const COMMENT_LOCK: &str = "UPDATE comments SET reply_count = reply_count WHERE id = $1 \
     RETURNING status, reply_count, parent_id, site, article_id";
/// What `COMMENT_LOCK` returns.
pub(super) type Locked = (String, i64, Option<uuid::Uuid>, String, String);
pub(super) const COMMENT_EDIT: &str = "UPDATE comments SET body = $2, status = $3, verdict = $4, edited_at = $5, masked_body = $6 WHERE id = $1";
pub(super) const COMMENT_DELETE: &str =
    "UPDATE comments SET status = 'deleted', deleted_at = $2 WHERE id = $1";
/// Returns what decides whether the parent's own visibility flipped.
pub(super) const REPLY_COUNT_ADD: &str = "UPDATE comments SET reply_count = reply_count + $2 WHERE id = $1 \
     RETURNING status, reply_count, parent_id";

pub(super) const THREAD_NEWEST: &str = concat!(
    "SELECT ",
    comment_columns!(),
    comment_from!(),
    " WHERE c.site = $1 AND c.article_id = $2 AND c.parent_id IS NULL AND c.id < $3 AND ",
    visible_to!("$4"),
    " ORDER BY c.id DESC LIMIT $5"
);
pub(super) const THREAD_OLDEST: &str = concat!(
    "SELECT ",
    comment_columns!(),
    comment_from!(),
    " WHERE c.site = $1 AND c.article_id = $2 AND c.parent_id IS NULL AND c.id > $3 AND ",
    visible_to!("$4"),
    " ORDER BY c.id ASC LIMIT $5"
);
/// Row-value comparison: the same keyset as `like_count < $3 OR (like_count = $3 AND id < $4)`,
/// in a form PostgreSQL answers from `comments_top_idx`.
pub(super) const THREAD_TOP: &str = concat!(
    "SELECT ",
    comment_columns!(),
    comment_from!(),
    " WHERE c.site = $1 AND c.article_id = $2 AND c.parent_id IS NULL AND (c.like_count, c.id) < ($3, $4) AND ",
    visible_to!("$5"),
    " ORDER BY c.like_count DESC, c.id DESC LIMIT $6"
);
pub(super) const REPLIES_PAGE: &str = concat!(
    "SELECT ",
    comment_columns!(),
    comment_from!(),
    " WHERE c.parent_id = $1 AND c.id > $2 AND ",
    visible_to!("$3"),
    " ORDER BY c.id ASC LIMIT $4"
);
/// Followed by the bound parent ids, `) AND `, the visibility rule, and `FIRST_REPLIES_CLOSE`.
pub(super) const FIRST_REPLIES_OPEN: &str = concat!(
    "SELECT * FROM (SELECT ",
    comment_columns!(),
    ", ROW_NUMBER() OVER (PARTITION BY c.parent_id ORDER BY c.id) AS reply_rank",
    comment_from!(),
    " WHERE c.parent_id IN ("
);
/// Followed by the bound number per parent.
pub(super) const FIRST_REPLIES_CLOSE: &str = ") ranked WHERE reply_rank <= ";
pub(super) const FIRST_REPLIES_ORDER: &str = " ORDER BY parent_id, id";

// Likes and reports
pub(super) const LIKE_LOCK: &str =
    "UPDATE comments SET like_count = like_count WHERE id = $1 RETURNING like_count";
pub(super) const LIKE_INSERT: &str = "INSERT INTO likes (comment_id, commenter_id, created_at) VALUES ($1, $2, $3) \
     ON CONFLICT (comment_id, commenter_id) DO NOTHING";
pub(super) const LIKE_DELETE: &str = "DELETE FROM likes WHERE comment_id = $1 AND commenter_id = $2";
pub(super) const LIKE_COUNT_ADD: &str =
    "UPDATE comments SET like_count = like_count + $2 WHERE id = $1 RETURNING like_count";
/// Followed by the bound commenter, `LIKED_IN`, the bound comment ids and `)`.
pub(super) const LIKED_OPEN: &str = "SELECT comment_id FROM likes WHERE commenter_id = ";
pub(super) const LIKED_IN: &str = " AND comment_id IN (";
pub(super) const REPORT_INSERT: &str = "INSERT INTO reports (id, comment_id, reporter_id, reason, note, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";
pub(super) const REPORT_COUNT_ADD: &str = "UPDATE comments SET report_count = report_count + 1 WHERE id = $1";

// Idempotency keys
pub(super) const IDEMPOTENCY_GET: &str =
    "SELECT request_hash, comment_id FROM idempotency_keys WHERE commenter_id = $1 AND key = $2";
pub(super) const IDEMPOTENCY_INSERT: &str = "INSERT INTO idempotency_keys \
     (commenter_id, key, request_hash, comment_id, created_at) VALUES ($1, $2, $3, $4, $5)";

// Staff keys
pub(super) const STAFF_KEY_INSERT: &str =
    "INSERT INTO staff_keys (id, name, role, key_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *";
pub(super) const STAFF_KEY_BY_HASH: &str = "SELECT * FROM staff_keys WHERE key_hash = $1";
/// Revoking twice keeps the first time.
pub(super) const STAFF_KEY_REVOKE: &str =
    "UPDATE staff_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1";
pub(super) const STAFF_KEY_LIST: &str = "SELECT * FROM staff_keys ORDER BY id";

/// Replies nest a few levels deep (`comments.max_depth`); a chain of tombstones longer than
/// this is a bug, and stopping beats looping.
pub(super) const MAX_CHAIN: usize = 64;

/// Whether every reader sees a comment: published, or a tombstone with visible replies.
/// A parent's `reply_count` counts exactly its children for which this holds.
pub(super) fn publicly_visible(status: &str, reply_count: i64) -> bool {
    status == CommentStatus::Published.as_str()
        || (status == CommentStatus::Deleted.as_str() && reply_count > 0)
}

/// How a comment going from `before` (`None`: it did not exist) to `after` moves the
/// counters: (its parent's `reply_count`, its article's `comment_count`).
pub(super) fn count_moves(before: Option<&str>, after: &str, reply_count: i64) -> (i64, i64) {
    let visible = |s: Option<&str>| i64::from(s.is_some_and(|s| publicly_visible(s, reply_count)));
    let published = |s: Option<&str>| i64::from(s == Some(CommentStatus::Published.as_str()));
    (
        visible(Some(after)) - visible(before),
        published(Some(after)) - published(before),
    )
}

/// Applies the `Some` fields of `patch` to `article`.
pub(super) fn merge_article(article: &mut Article, patch: &ArticlePatch) -> serde_json::Result<()> {
    fn set<T: Clone>(field: &mut T, value: &Option<T>) {
        if let Some(v) = value {
            *field = v.clone();
        }
    }
    let wrap = |v: &Option<String>| v.clone().map(Some);
    set(&mut article.title, &wrap(&patch.title));
    set(&mut article.url, &wrap(&patch.url));
    set(&mut article.section, &wrap(&patch.section));
    set(&mut article.story, &wrap(&patch.story));
    set(&mut article.lang, &wrap(&patch.lang));
    set(&mut article.image, &wrap(&patch.image));
    set(&mut article.published_at, &patch.published_at.map(Some));
    set(&mut article.comments_open, &patch.comments_open);
    set(&mut article.premod, &patch.premod);
    set(&mut article.close_at, &patch.close_at);
    if let Some(tags) = &patch.tags {
        article.tags = serde_json::to_string(tags)?;
    }
    Ok(())
}

/// Whether `e` broke a uniqueness rule.
pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

/// Whether `e` referenced a row that does not exist.
pub(super) fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_foreign_key_violation())
}

/// `impl Store for $store` over the driver `$db`. `$store` has a `pool: sqlx::Pool<$db>`;
/// `$begin` opens a write transaction; `$migrator` is the back-end's embedded migrations.
macro_rules! impl_store {
    (
        $store:ident,
        $db:ty,
        begin = $begin:literal,
        migrator = $migrator:ident,
        top_level_insert = $top_level_insert:expr
    ) => {
        // An anonymous scope for the imports, so they stay out of the invoking module.
        const _: () = {
            use time::OffsetDateTime;
            use uuid::Uuid;
            use $crate::domain::{CommentStatus, CommenterStatus, Sort};
            use $crate::storage::{
                Article, ArticlePatch, CommentEdit, CommentRow, Commenter, Idempotency, Inserted, NewComment,
                NewCommenter, NewReport, NewStaffKey, StaffKey, Store, StoreError, StoreResult, ThreadQuery,
                sql,
            };

            impl $store {
                async fn write_tx(&self) -> Result<sqlx::Transaction<'static, $db>, sqlx::Error> {
                    self.pool.begin_with($begin).await
                }

                async fn fetch_comment(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    id: Uuid,
                ) -> StoreResult<CommentRow> {
                    sqlx::query_as::<_, CommentRow>(sql::COMMENT_GET)
                        .bind(id)
                        .fetch_optional(&mut *conn)
                        .await?
                        .ok_or(StoreError::NotFound)
                }

                /// Applies `(reply_delta, count_delta)` from `sql::count_moves`: the parent's
                /// reply count, and up the chain while a tombstone's own visibility flips with it
                /// (its first visible reply appeared, or its last one went); then the article's
                /// count. Always bottom-up and the article last, so concurrent writers take rows
                /// in the same order.
                async fn move_counts(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    site: &str,
                    article: &str,
                    parent: Option<Uuid>,
                    (reply_delta, count_delta): (i64, i64),
                ) -> StoreResult<()> {
                    let mut next = parent.filter(|_| reply_delta != 0);
                    for _ in 0..sql::MAX_CHAIN {
                        let Some(id) = next else { break };
                        let (status, replies, grandparent): (String, i64, Option<Uuid>) =
                            sqlx::query_as(sql::REPLY_COUNT_ADD)
                                .bind(id)
                                .bind(reply_delta)
                                .fetch_optional(&mut *conn)
                                .await?
                                .ok_or(StoreError::NotFound)?;
                        let flipped = sql::publicly_visible(&status, replies)
                            != sql::publicly_visible(&status, replies - reply_delta);
                        next = grandparent.filter(|_| flipped);
                    }
                    if count_delta != 0 {
                        sqlx::query(sql::ARTICLE_COUNT_ADD)
                            .bind(site)
                            .bind(article)
                            .bind(count_delta)
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                }

                /// Creates the article if needed and applies `patch`; returns it before and after.
                async fn patch_article(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    site: &str,
                    article: &str,
                    patch: &ArticlePatch,
                    now: OffsetDateTime,
                ) -> StoreResult<(Article, Article)> {
                    sqlx::query(sql::ARTICLE_ENSURE)
                        .bind(site)
                        .bind(article)
                        .bind(now)
                        .execute(&mut *conn)
                        .await?;
                    let before: Article = sqlx::query_as(sql::ARTICLE_LOCK)
                        .bind(site)
                        .bind(article)
                        .fetch_one(&mut *conn)
                        .await?;
                    let mut a = before.clone();
                    sql::merge_article(&mut a, patch).map_err(|e| StoreError::Other(e.into()))?;
                    let after = sqlx::query_as(sql::ARTICLE_UPDATE)
                        .bind(site)
                        .bind(article)
                        .bind(a.title)
                        .bind(a.url)
                        .bind(a.section)
                        .bind(a.tags)
                        .bind(a.story)
                        .bind(a.published_at)
                        .bind(a.lang)
                        .bind(a.image)
                        .bind(a.comments_open)
                        .bind(a.premod)
                        .bind(a.close_at)
                        .bind(now)
                        .fetch_one(&mut *conn)
                        .await?;
                    Ok((before, after))
                }

                /// The comment a used idempotency key points at, if the key was used.
                /// `text` (`COMMENT_INSERT` or `TOP_LEVEL_INSERT`) with the new comment's 13 values.
                fn insert_query<'q>(
                    text: &'static str,
                    new: &'q NewComment,
                ) -> sqlx::query::QueryAs<'q, $db, CommentRow, <$db as sqlx::Database>::Arguments> {
                    sqlx::query_as::<_, CommentRow>(text)
                        .bind(new.id)
                        .bind(&new.site)
                        .bind(&new.article_id)
                        .bind(new.parent_id)
                        .bind(new.depth)
                        .bind(new.author_id)
                        .bind(&new.body)
                        .bind(&new.lang)
                        .bind(new.status.as_str())
                        .bind(&new.verdict)
                        .bind(&new.ip_hash)
                        .bind(new.created_at)
                        .bind(&new.masked_body)
                }

                /// A top-level comment with its count and key in one statement
                /// (`sql::TOP_LEVEL_INSERT`). A key already stored fails the statement, and
                /// only then is its earlier answer read: a retry costs a round trip more, a
                /// first try none.
                async fn insert_in_one_statement(
                    &self,
                    text: &'static str,
                    new: &NewComment,
                    idempotency: Option<&Idempotency>,
                ) -> StoreResult<Inserted> {
                    let mut conn = self.pool.acquire().await?;
                    let (_, count_delta) = sql::count_moves(None, new.status.as_str(), 0);
                    let inserted = Self::insert_query(text, new)
                        .bind(count_delta)
                        .bind(idempotency.map(|k| &k.key))
                        .bind(idempotency.map(|k| &k.request_hash))
                        .fetch_one(&mut *conn)
                        .await;
                    match (inserted, idempotency) {
                        (Ok(row), _) => Ok(Inserted::Created(row)),
                        // The article or the author is missing.
                        (Err(e), _) if sql::is_foreign_key_violation(&e) => Err(StoreError::NotFound),
                        // A retry, or a concurrent request with the same key that stored it
                        // first: answer with the stored comment.
                        (Err(e), Some(key)) if sql::is_unique_violation(&e) => {
                            Self::replayed(&mut *conn, new.author_id, key)
                                .await?
                                .ok_or(StoreError::NotFound)
                        }
                        (Err(e), _) => Err(e.into()),
                    }
                }

                async fn replayed(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    author: Uuid,
                    idempotency: &Idempotency,
                ) -> StoreResult<Option<Inserted>> {
                    let stored: Option<(String, Uuid)> = sqlx::query_as(sql::IDEMPOTENCY_GET)
                        .bind(author)
                        .bind(&idempotency.key)
                        .fetch_optional(&mut *conn)
                        .await?;
                    let Some((hash, comment_id)) = stored else {
                        return Ok(None);
                    };
                    let comment = Self::fetch_comment(conn, comment_id).await?;
                    Ok(Some(Inserted::Replayed {
                        comment,
                        same_request: hash == idempotency.request_hash,
                    }))
                }

                /// Moves a comment to `status` (`deleted_at` set for a deletion), keeping the
                /// counters right. `edit` replaces body and verdict too.
                async fn change_status(
                    &self,
                    id: Uuid,
                    status: CommentStatus,
                    edit: Option<&CommentEdit>,
                    now: OffsetDateTime,
                ) -> StoreResult<CommentRow> {
                    let mut tx = self.write_tx().await?;
                    let (before, replies, parent, site, article): sql::Locked =
                        sqlx::query_as(sql::COMMENT_LOCK)
                            .bind(id)
                            .fetch_optional(&mut *tx)
                            .await?
                            .ok_or(StoreError::NotFound)?;
                    match edit {
                        Some(edit) => {
                            sqlx::query(sql::COMMENT_EDIT)
                                .bind(id)
                                .bind(&edit.body)
                                .bind(status.as_str())
                                .bind(&edit.verdict)
                                .bind(edit.edited_at)
                                .bind(&edit.masked_body)
                                .execute(&mut *tx)
                                .await?;
                        }
                        // Deleting twice keeps the first time.
                        None if before == status.as_str() => {}
                        None => {
                            sqlx::query(sql::COMMENT_DELETE)
                                .bind(id)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                        }
                    }
                    let moves = sql::count_moves(Some(&before), status.as_str(), replies);
                    Self::move_counts(&mut *tx, &site, &article, parent, moves).await?;
                    let row = Self::fetch_comment(&mut *tx, id).await?;
                    tx.commit().await?;
                    Ok(row)
                }
            }

            #[async_trait::async_trait]
            impl Store for $store {
                async fn migrate(&self) -> StoreResult<()> {
                    $migrator.run(&self.pool).await.map_err(|e| {
                        StoreError::Other(anyhow::Error::new(e).context("migrating the database"))
                    })
                }

                async fn ping(&self) -> StoreResult<()> {
                    sqlx::query(sql::PING).execute(&self.pool).await?;
                    Ok(())
                }

                async fn local_secret(&self, name: &str, generated: &str) -> StoreResult<String> {
                    // The first insert wins; a concurrent second one does nothing and reads it.
                    sqlx::query(sql::SECRET_INSERT)
                        .bind(name)
                        .bind(generated)
                        .execute(&self.pool)
                        .await?;
                    Ok(sqlx::query_scalar(sql::SECRET_GET)
                        .bind(name)
                        .fetch_one(&self.pool)
                        .await?)
                }

                async fn close(&self) {
                    self.pool.close().await;
                }

                async fn article(&self, site: &str, article: &str) -> StoreResult<Option<Article>> {
                    Ok(sqlx::query_as(sql::ARTICLE_GET)
                        .bind(site)
                        .bind(article)
                        .fetch_optional(&self.pool)
                        .await?)
                }

                async fn ensure_article(
                    &self,
                    site: &str,
                    article: &str,
                    now: OffsetDateTime,
                ) -> StoreResult<Article> {
                    // Read first: nearly every comment goes to an article that exists, and
                    // the read is one round trip where the insert-then-read is two.
                    let existing = sqlx::query_as(sql::ARTICLE_GET)
                        .bind(site)
                        .bind(article)
                        .fetch_optional(&self.pool)
                        .await?;
                    if let Some(existing) = existing {
                        return Ok(existing);
                    }
                    sqlx::query(sql::ARTICLE_ENSURE)
                        .bind(site)
                        .bind(article)
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                    Ok(sqlx::query_as(sql::ARTICLE_GET)
                        .bind(site)
                        .bind(article)
                        .fetch_one(&self.pool)
                        .await?)
                }

                async fn put_article(
                    &self,
                    site: &str,
                    article: &str,
                    patch: &ArticlePatch,
                    now: OffsetDateTime,
                ) -> StoreResult<Article> {
                    let mut tx = self.write_tx().await?;
                    let (_, a) = Self::patch_article(&mut *tx, site, article, patch, now).await?;
                    tx.commit().await?;
                    Ok(a)
                }

                async fn comment_counts(
                    &self,
                    site: &str,
                    articles: &[String],
                ) -> StoreResult<Vec<(String, i64)>> {
                    if articles.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut q = sqlx::QueryBuilder::<$db>::new(sql::COUNTS_OPEN);
                    q.push_bind(site).push(sql::COUNTS_IN);
                    let mut list = q.separated(", ");
                    for a in articles {
                        list.push_bind(a);
                    }
                    q.push(")");
                    Ok(q.build_query_as().fetch_all(&self.pool).await?)
                }

                async fn commenter(&self, id: Uuid) -> StoreResult<Option<Commenter>> {
                    Ok(sqlx::query_as(sql::COMMENTER_GET)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?)
                }

                async fn upsert_commenter(
                    &self,
                    new: &NewCommenter,
                    now: OffsetDateTime,
                ) -> StoreResult<Commenter> {
                    Ok(sqlx::query_as(sql::COMMENTER_UPSERT)
                        .bind(new.id)
                        .bind(&new.site)
                        .bind(&new.external_id)
                        .bind(&new.name)
                        .bind(&new.avatar)
                        .bind(new.is_staff)
                        .bind(new.is_guest)
                        .bind(now)
                        .fetch_one(&self.pool)
                        .await?)
                }

                async fn set_commenter_status(
                    &self,
                    id: Uuid,
                    status: CommenterStatus,
                    until: Option<OffsetDateTime>,
                    reason: Option<&str>,
                ) -> StoreResult<Commenter> {
                    sqlx::query_as(sql::COMMENTER_SET_STATUS)
                        .bind(id)
                        .bind(status.as_str())
                        .bind(until)
                        .bind(reason)
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StoreError::NotFound)
                }

                async fn insert_comment(
                    &self,
                    new: &NewComment,
                    idempotency: Option<&Idempotency>,
                ) -> StoreResult<Inserted> {
                    let top_level_insert: Option<&'static str> = $top_level_insert;
                    if let (Some(text), None) = (top_level_insert, new.parent_id) {
                        return self.insert_in_one_statement(text, new, idempotency).await;
                    }
                    let mut tx = self.write_tx().await?;
                    if let Some(key) = idempotency
                        && let Some(replay) = Self::replayed(&mut *tx, new.author_id, key).await?
                    {
                        tx.rollback().await?;
                        return Ok(replay);
                    }
                    let inserted = Self::insert_query(sql::COMMENT_INSERT, new)
                        .fetch_one(&mut *tx)
                        .await;
                    let row = match inserted {
                        // The article, the parent or the author is missing.
                        Err(e) if sql::is_foreign_key_violation(&e) => return Err(StoreError::NotFound),
                        other => other?,
                    };
                    let moves = sql::count_moves(None, new.status.as_str(), 0);
                    Self::move_counts(&mut *tx, &new.site, &new.article_id, new.parent_id, moves).await?;
                    if let Some(key) = idempotency {
                        let stored = sqlx::query(sql::IDEMPOTENCY_INSERT)
                            .bind(new.author_id)
                            .bind(&key.key)
                            .bind(&key.request_hash)
                            .bind(new.id)
                            .bind(new.created_at)
                            .execute(&mut *tx)
                            .await;
                        match stored {
                            // A concurrent request with the same key committed first: undo ours
                            // and answer with theirs.
                            Err(e) if sql::is_unique_violation(&e) => {
                                tx.rollback().await?;
                                let mut conn = self.pool.acquire().await?;
                                return Self::replayed(&mut *conn, new.author_id, key)
                                    .await?
                                    .ok_or(StoreError::NotFound);
                            }
                            other => other?,
                        };
                    }
                    tx.commit().await?;
                    Ok(Inserted::Created(row))
                }

                async fn comment(&self, id: Uuid) -> StoreResult<Option<CommentRow>> {
                    Ok(sqlx::query_as(sql::COMMENT_GET)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?)
                }

                async fn list_thread(&self, q: &ThreadQuery) -> StoreResult<Vec<CommentRow>> {
                    // Without a cursor, a sentinel that every row passes, so each sort is one text.
                    let limit = q.limit.max(0);
                    let rows = match q.sort {
                        Sort::Newest | Sort::Oldest => {
                            let (text, start) = if q.sort == Sort::Newest {
                                (sql::THREAD_NEWEST, Uuid::max())
                            } else {
                                (sql::THREAD_OLDEST, Uuid::nil())
                            };
                            sqlx::query_as(text)
                                .bind(&q.site)
                                .bind(&q.article)
                                .bind(q.after.map_or(start, |c| c.id))
                                .bind(q.viewer)
                                .bind(limit)
                                .fetch_all(&self.pool)
                                .await?
                        }
                        Sort::Top => {
                            let (likes, id) = q.after.map_or((i64::MAX, Uuid::max()), |c| (c.likes, c.id));
                            sqlx::query_as(sql::THREAD_TOP)
                                .bind(&q.site)
                                .bind(&q.article)
                                .bind(likes)
                                .bind(id)
                                .bind(q.viewer)
                                .bind(limit)
                                .fetch_all(&self.pool)
                                .await?
                        }
                    };
                    Ok(rows)
                }

                async fn first_replies(
                    &self,
                    parents: &[Uuid],
                    per_parent: i64,
                    viewer: Option<Uuid>,
                ) -> StoreResult<Vec<CommentRow>> {
                    if parents.is_empty() || per_parent <= 0 {
                        return Ok(Vec::new());
                    }
                    let mut q = sqlx::QueryBuilder::<$db>::new(sql::FIRST_REPLIES_OPEN);
                    let mut list = q.separated(", ");
                    for p in parents {
                        list.push_bind(*p);
                    }
                    q.push(") AND ")
                        .push(sql::VISIBLE_OPEN)
                        .push_bind(viewer)
                        .push(sql::VISIBLE_CLOSE);
                    q.push(sql::FIRST_REPLIES_CLOSE)
                        .push_bind(per_parent)
                        .push(sql::FIRST_REPLIES_ORDER);
                    Ok(q.build_query_as().fetch_all(&self.pool).await?)
                }

                async fn replies_page(
                    &self,
                    parent: Uuid,
                    after: Option<Uuid>,
                    limit: i64,
                    viewer: Option<Uuid>,
                ) -> StoreResult<Vec<CommentRow>> {
                    Ok(sqlx::query_as(sql::REPLIES_PAGE)
                        .bind(parent)
                        .bind(after.unwrap_or(Uuid::nil()))
                        .bind(viewer)
                        .bind(limit.max(0))
                        .fetch_all(&self.pool)
                        .await?)
                }

                async fn liked_by(&self, commenter: Uuid, comments: &[Uuid]) -> StoreResult<Vec<Uuid>> {
                    if comments.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut q = sqlx::QueryBuilder::<$db>::new(sql::LIKED_OPEN);
                    q.push_bind(commenter).push(sql::LIKED_IN);
                    let mut list = q.separated(", ");
                    for c in comments {
                        list.push_bind(*c);
                    }
                    q.push(")");
                    Ok(q.build_query_scalar().fetch_all(&self.pool).await?)
                }

                async fn edit_comment(&self, edit: &CommentEdit) -> StoreResult<CommentRow> {
                    self.change_status(edit.id, edit.status, Some(edit), edit.edited_at)
                        .await
                }

                async fn delete_comment(&self, id: Uuid, now: OffsetDateTime) -> StoreResult<CommentRow> {
                    self.change_status(id, CommentStatus::Deleted, None, now)
                        .await
                }

                async fn set_like(
                    &self,
                    comment: Uuid,
                    commenter: Uuid,
                    liked: bool,
                    now: OffsetDateTime,
                ) -> StoreResult<i64> {
                    let mut tx = self.write_tx().await?;
                    let count: i64 = sqlx::query_scalar(sql::LIKE_LOCK)
                        .bind(comment)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    let changed = if liked {
                        sqlx::query(sql::LIKE_INSERT)
                            .bind(comment)
                            .bind(commenter)
                            .bind(now)
                            .execute(&mut *tx)
                            .await
                    } else {
                        sqlx::query(sql::LIKE_DELETE)
                            .bind(comment)
                            .bind(commenter)
                            .execute(&mut *tx)
                            .await
                    };
                    let changed = match changed {
                        Err(e) if sql::is_foreign_key_violation(&e) => return Err(StoreError::NotFound),
                        other => other?.rows_affected(),
                    };
                    // Only a like really added or removed moves the count: repeating is a no-op.
                    let count = if changed == 0 {
                        count
                    } else {
                        sqlx::query_scalar(sql::LIKE_COUNT_ADD)
                            .bind(comment)
                            .bind(if liked { 1_i64 } else { -1 })
                            .fetch_one(&mut *tx)
                            .await?
                    };
                    tx.commit().await?;
                    Ok(count)
                }

                async fn insert_report(&self, report: &NewReport) -> StoreResult<()> {
                    let mut tx = self.write_tx().await?;
                    let inserted = sqlx::query(sql::REPORT_INSERT)
                        .bind(report.id)
                        .bind(report.comment_id)
                        .bind(report.reporter_id)
                        .bind(&report.reason)
                        .bind(&report.note)
                        .bind(report.created_at)
                        .execute(&mut *tx)
                        .await;
                    match inserted {
                        // reports_one_per_reporter (the id is fresh, so it is the only one to hit).
                        Err(e) if sql::is_unique_violation(&e) => {
                            return Err(StoreError::Conflict("already_reported"));
                        }
                        Err(e) if sql::is_foreign_key_violation(&e) => return Err(StoreError::NotFound),
                        other => other?,
                    };
                    sqlx::query(sql::REPORT_COUNT_ADD)
                        .bind(report.comment_id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn insert_staff_key(&self, key: &NewStaffKey) -> StoreResult<StaffKey> {
                    let inserted = sqlx::query_as(sql::STAFF_KEY_INSERT)
                        .bind(key.id)
                        .bind(&key.name)
                        .bind(key.role.as_str())
                        .bind(&key.key_hash)
                        .bind(key.created_at)
                        .fetch_one(&self.pool)
                        .await;
                    match inserted {
                        Err(e) if sql::is_unique_violation(&e) => Err(StoreError::Conflict("key_hash_taken")),
                        other => Ok(other?),
                    }
                }

                async fn staff_key_by_hash(&self, hash: &str) -> StoreResult<Option<StaffKey>> {
                    Ok(sqlx::query_as(sql::STAFF_KEY_BY_HASH)
                        .bind(hash)
                        .fetch_optional(&self.pool)
                        .await?)
                }

                async fn revoke_staff_key(&self, id: Uuid, now: OffsetDateTime) -> StoreResult<()> {
                    let done = sqlx::query(sql::STAFF_KEY_REVOKE)
                        .bind(id)
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Ok(())
                }

                async fn list_staff_keys(&self) -> StoreResult<Vec<StaffKey>> {
                    Ok(sqlx::query_as(sql::STAFF_KEY_LIST)
                        .fetch_all(&self.pool)
                        .await?)
                }
            }
        };
    };
}

pub(super) use impl_store;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_move_only_when_visibility_or_publication_changes() {
        assert_eq!(count_moves(None, "published", 0), (1, 1), "a published insert");
        assert_eq!(count_moves(None, "pending", 0), (0, 0), "a held insert");
        assert_eq!(
            count_moves(Some("published"), "deleted", 0),
            (-1, -1),
            "a deleted leaf disappears"
        );
        assert_eq!(
            count_moves(Some("published"), "deleted", 2),
            (0, -1),
            "a tombstone keeps its place"
        );
        assert_eq!(count_moves(Some("pending"), "published", 0), (1, 1));
        assert_eq!(count_moves(Some("published"), "pending", 3), (-1, -1));
        assert_eq!(
            count_moves(Some("pending"), "deleted", 1),
            (1, 0),
            "a hidden parent of replies"
        );
        assert_eq!(count_moves(Some("deleted"), "deleted", 0), (0, 0));
    }
}
