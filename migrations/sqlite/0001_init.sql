-- majlis schema, SQLite (the embedded default). The same tables, columns, names and
-- constraints as migrations/postgres/0001_init.sql, in SQLite's types: the application runs
-- the same SQL text on both (src/storage/sql.rs).
--
-- Types: sqlx stores a Uuid as a 16-byte BLOB (bytewise order = UUIDv7 time order, as in
-- PostgreSQL's uuid), an OffsetDateTime as RFC 3339 TEXT and a bool as INTEGER 0/1.
-- Tables are STRICT so a value bound with the wrong type (a uuid as text, a time as a
-- number) is an error at once rather than a row that never matches.
-- Times always come from the application; nothing orders or compares by time text.

-- Secrets the service generates for itself on first start (cursor signing key, guest token
-- key), so every process sharing this file agrees on them.
CREATE TABLE local_secrets (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE articles (
    site          TEXT NOT NULL,
    article_id    TEXT NOT NULL,
    title         TEXT,
    url           TEXT,
    section       TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    story         TEXT,
    published_at  TEXT,
    lang          TEXT,
    image         TEXT,
    comments_open INTEGER NOT NULL DEFAULT 1 CHECK (comments_open IN (0, 1)),
    -- NULL: the site's pre-moderation policy applies.
    premod        INTEGER CHECK (premod IN (0, 1)),
    close_at      TEXT,
    -- Published comments of every depth; kept by the same transaction that changes a status.
    -- The check turns a bookkeeping bug into an error instead of a negative count on screen.
    comment_count INTEGER NOT NULL DEFAULT 0 CONSTRAINT articles_comment_count_not_negative
        CHECK (comment_count >= 0),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    -- The CMS's own id is only unique within its site.
    PRIMARY KEY (site, article_id)
) STRICT;

CREATE TABLE commenters (
    id             BLOB NOT NULL PRIMARY KEY,
    site           TEXT NOT NULL,
    -- The SSO `sub`, or the guest token's id.
    external_id    TEXT NOT NULL,
    name           TEXT NOT NULL,
    avatar         TEXT,
    is_staff       INTEGER NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1)),
    is_guest       INTEGER NOT NULL DEFAULT 0 CHECK (is_guest IN (0, 1)),
    -- Mirrors domain::CommenterStatus; anything else is a bug, refused here.
    status         TEXT NOT NULL DEFAULT 'active' CONSTRAINT commenters_status_known
        CHECK (status IN ('active', 'premod', 'suspended', 'banned')),
    status_until   TEXT,
    status_reason  TEXT,
    approved_count INTEGER NOT NULL DEFAULT 0,
    rejected_count INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    -- One commenter per identity per site: an SSO login finds its row (the upsert's
    -- ON CONFLICT target), and the same `sub` on two sites is two people.
    CONSTRAINT commenters_site_external_id_key UNIQUE (site, external_id)
) STRICT;

CREATE TABLE comments (
    id           BLOB NOT NULL PRIMARY KEY,
    site         TEXT NOT NULL,
    article_id   TEXT NOT NULL,
    -- NULL for a top-level comment. Comments are never removed (deletion is a status), so
    -- the reference never dangles.
    parent_id    BLOB REFERENCES comments (id),
    depth        INTEGER NOT NULL DEFAULT 0 CONSTRAINT comments_depth_not_negative CHECK (depth >= 0),
    author_id    BLOB NOT NULL REFERENCES commenters (id),
    body         TEXT NOT NULL,
    lang         TEXT,
    -- Mirrors domain::CommentStatus.
    status       TEXT NOT NULL CONSTRAINT comments_status_known
        CHECK (status IN ('published', 'pending', 'rejected', 'spam', 'deleted')),
    like_count   INTEGER NOT NULL DEFAULT 0 CONSTRAINT comments_like_count_not_negative
        CHECK (like_count >= 0),
    -- Direct replies visible to everyone (published, or deleted with visible replies of
    -- their own). Negative would mean a bookkeeping bug: refuse it.
    reply_count  INTEGER NOT NULL DEFAULT 0 CONSTRAINT comments_reply_count_not_negative
        CHECK (reply_count >= 0),
    report_count INTEGER NOT NULL DEFAULT 0,
    -- The filter's verdict, JSON.
    verdict      TEXT,
    -- Keyed hash of the poster's address, for abuse investigations; never the address.
    ip_hash      TEXT,
    created_at   TEXT NOT NULL,
    edited_at    TEXT,
    -- When the author deleted it (the row stays as a tombstone).
    deleted_at   TEXT,
    -- A comment belongs to an article the service knows (ensure_article runs first).
    CONSTRAINT comments_article_fkey FOREIGN KEY (site, article_id) REFERENCES articles (site, article_id)
) STRICT;

-- The thread listing: top-level comments of one article (parent_id IS NULL) in id order,
-- paged by keyset on id, in both directions (newest and oldest).
CREATE INDEX comments_thread_idx ON comments (site, article_id, parent_id, id);

-- The `top` sort: top-level comments by likes then id, paged by keyset on (like_count, id).
-- Partial: replies are never listed this way.
CREATE INDEX comments_top_idx ON comments (site, article_id, like_count, id) WHERE parent_id IS NULL;

-- Replies of a parent in id order (first_replies, replies_page); also serves the
-- parent_id foreign key (SQLite looks children up on every parent change).
CREATE INDEX comments_replies_idx ON comments (parent_id, id);

CREATE TABLE likes (
    comment_id   BLOB NOT NULL REFERENCES comments (id),
    commenter_id BLOB NOT NULL REFERENCES commenters (id),
    created_at   TEXT NOT NULL,
    -- One like per commenter per comment: a second like is a no-op (ON CONFLICT DO NOTHING).
    -- Leading with comment_id also answers "which of these comments did I like" by probing
    -- each comment id.
    PRIMARY KEY (comment_id, commenter_id)
) STRICT;

CREATE TABLE reports (
    id          BLOB NOT NULL PRIMARY KEY,
    comment_id  BLOB NOT NULL REFERENCES comments (id),
    reporter_id BLOB NOT NULL REFERENCES commenters (id),
    reason      TEXT NOT NULL CONSTRAINT reports_reason_known
        CHECK (reason IN ('spam', 'abuse', 'off_topic', 'other')),
    note        TEXT,
    created_at  TEXT NOT NULL,
    resolved_at TEXT,
    -- One report per commenter per comment, so one person cannot push a comment over the
    -- report threshold; the store maps this violation to Conflict("already_reported").
    CONSTRAINT reports_one_per_reporter UNIQUE (comment_id, reporter_id)
) STRICT;

CREATE TABLE idempotency_keys (
    commenter_id BLOB NOT NULL REFERENCES commenters (id),
    key          TEXT NOT NULL,
    -- Hash of the request body: the same key with another body is refused by the API.
    request_hash TEXT NOT NULL,
    comment_id   BLOB NOT NULL REFERENCES comments (id),
    created_at   TEXT NOT NULL,
    -- Keys are the client's and only unique per commenter. The primary key is what makes a
    -- concurrent retry fail instead of posting twice.
    PRIMARY KEY (commenter_id, key)
) STRICT;

CREATE TABLE staff_keys (
    id         BLOB NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    -- Mirrors domain::Role.
    role       TEXT NOT NULL CONSTRAINT staff_keys_role_known
        CHECK (role IN ('publisher', 'moderator', 'admin')),
    -- SHA-256 of the key, hex. Unique: it is how a request's key is looked up.
    key_hash   TEXT NOT NULL CONSTRAINT staff_keys_key_hash_key UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
