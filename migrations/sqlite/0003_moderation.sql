-- Moderation, as migrations/postgres/0003_moderation.sql in SQLite's types.

-- A claim: the staff key holding the comment, and until when in Unix milliseconds (compared
-- as numbers; SQLite would compare timestamps as text). An expired claim is no claim.
ALTER TABLE comments ADD COLUMN claimed_by BLOB REFERENCES staff_keys (id);
ALTER TABLE comments ADD COLUMN claim_until_ms INTEGER;

-- What this comment currently adds to its author's trust counts, so a decision changed later
-- moves the counts instead of adding to both.
ALTER TABLE comments ADD COLUMN trust_mark TEXT CONSTRAINT comments_trust_mark_known
    CHECK (trust_mark IN ('approved', 'rejected'));

-- The filter's score out of the verdict JSON, for the `priority` order. SQLite can only add a
-- VIRTUAL generated column; it is computed when read.
ALTER TABLE comments ADD COLUMN score REAL
    GENERATED ALWAYS AS (json_extract(verdict, '$.score')) VIRTUAL;

-- The held queues by site in age order, and their grouped counts.
CREATE INDEX comments_queue_idx ON comments (status, site, id)
    WHERE status IN ('pending', 'spam', 'rejected');

-- A commenter's comments, newest first: the history view and a ban's clean-up.
CREATE INDEX comments_author_idx ON comments (author_id, id);

-- Open reports: the reported queue starts from these rows; a decision resolves them.
CREATE INDEX reports_open_idx ON reports (comment_id) WHERE resolved_at IS NULL;

-- Every staff action. Append-only (the triggers below refuse UPDATE and DELETE).
CREATE TABLE audit_log (
    id          BLOB NOT NULL PRIMARY KEY,
    at          TEXT NOT NULL,
    -- The same moment in Unix milliseconds: what `since` filters compare.
    at_ms       INTEGER NOT NULL,
    actor_id    BLOB REFERENCES staff_keys (id),
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    site        TEXT,
    target_kind TEXT NOT NULL CONSTRAINT audit_log_target_kind_known
        CHECK (target_kind IN ('comment', 'commenter', 'article', 'lexicon_entry')),
    target_id   TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    reason      TEXT,
    note        TEXT
) STRICT;
CREATE INDEX audit_log_site_idx ON audit_log (site, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_target_idx ON audit_log (target_kind, target_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
