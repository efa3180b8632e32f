-- Moderation: claims on queue items, the author-trust bookkeeping of decisions, the filter's
-- score as a sortable column, and the append-only audit log.
-- migrations/sqlite/0003_moderation.sql is the same schema in SQLite's types.

-- A claim: which staff key holds the comment, and until when (Unix milliseconds from the
-- application's clock). Milliseconds rather than a timestamp because the lease is compared
-- in SQL (`claim_until_ms <= now`) and SQLite would compare timestamps as text. An expired
-- claim needs no sweeper: every query treats it as no claim.
ALTER TABLE comments ADD COLUMN claimed_by UUID REFERENCES staff_keys (id);
ALTER TABLE comments ADD COLUMN claim_until_ms BIGINT;

-- What this comment currently adds to its author's trust counts (`commenters.approved_count`
-- or `rejected_count`), so that a decision changed later (reject, then restore) moves the
-- counts instead of adding to both, and a comment never counts twice.
ALTER TABLE comments ADD COLUMN trust_mark TEXT CONSTRAINT comments_trust_mark_known
    CHECK (trust_mark IN ('approved', 'rejected'));

-- The filter's score, read out of the verdict JSON by the database itself, so every writer
-- of `verdict` keeps it right and the `priority` queue order can page on it.
ALTER TABLE comments ADD COLUMN score DOUBLE PRECISION
    GENERATED ALWAYS AS ((verdict::jsonb ->> 'score')::double precision) STORED;

-- The held queues (pending, spam, rejected) by site in age order, and their grouped counts
-- for the queue-depth gauge (an index-only scan). Partial: published comments, the vast
-- majority, are never listed this way.
CREATE INDEX comments_queue_idx ON comments (status, site, id)
    WHERE status IN ('pending', 'spam', 'rejected');

-- A commenter's comments, newest first: the history view and a ban's clean-up.
CREATE INDEX comments_author_idx ON comments (author_id, id);

-- Open reports: the reported queue starts from these (few) rows rather than from every
-- published comment; a decision resolves them.
CREATE INDEX reports_open_idx ON reports (comment_id) WHERE resolved_at IS NULL;

-- Every staff action: decisions, claims taken over, sanctions, article settings and word-list
-- changes. Append-only (the triggers below refuse UPDATE and DELETE).
CREATE TABLE audit_log (
    id          UUID PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    -- The same moment in Unix milliseconds: what `since` filters compare.
    at_ms       BIGINT NOT NULL,
    -- The staff key that acted, and its name at the time (keys are revoked, never deleted).
    actor_id    UUID REFERENCES staff_keys (id),
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    -- NULL for a global word-list entry.
    site        TEXT,
    target_kind TEXT NOT NULL CONSTRAINT audit_log_target_kind_known
        CHECK (target_kind IN ('comment', 'commenter', 'article', 'lexicon_entry')),
    target_id   TEXT NOT NULL,
    -- JSON snapshots of what changed.
    before      TEXT,
    after       TEXT,
    reason      TEXT,
    note        TEXT
);
-- The audit page filters by site or by actor, newest first (ids are UUIDv7).
CREATE INDEX audit_log_site_idx ON audit_log (site, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
-- A comment's decision history; a commenter's sanction history.
CREATE INDEX audit_log_target_idx ON audit_log (target_kind, target_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
