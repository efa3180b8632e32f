-- The filter's run-time state, as migrations/postgres/0002_filter.sql in SQLite's types.

-- Entries are never deleted, only marked removed, so the audit trail stays and the count of
-- changes (rows + removals) is a version every instance can poll cheaply.
CREATE TABLE lexicon_entries (
    id         BLOB NOT NULL PRIMARY KEY,
    -- NULL: every site.
    site       TEXT,
    term       TEXT NOT NULL,
    lang       TEXT NOT NULL CONSTRAINT lexicon_entries_lang_known CHECK (lang IN ('ar', 'en', 'arabizi')),
    -- An allow-list entry: never flagged. Severity, action and mode are then ignored.
    allow      INTEGER NOT NULL DEFAULT 0 CHECK (allow IN (0, 1)),
    severity   TEXT NOT NULL CONSTRAINT lexicon_entries_severity_known CHECK (severity IN ('mild', 'strong', 'slur')),
    action     TEXT NOT NULL CONSTRAINT lexicon_entries_action_known CHECK (action IN ('mask', 'hold', 'reject')),
    mode       TEXT NOT NULL CONSTRAINT lexicon_entries_mode_known CHECK (mode IN ('word', 'prefix', 'substring', 'frame')),
    morph      TEXT NOT NULL CONSTRAINT lexicon_entries_morph_known CHECK (morph IN ('exact', 'proclitics', 'full')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    removed_by TEXT,
    removed_at TEXT
) STRICT;
-- The refresher reads the active entries of every site at once.
CREATE INDEX lexicon_entries_active ON lexicon_entries (site) WHERE removed_at IS NULL;

-- A site's abuse and spam models after moderators' decisions (the shipped ones until then).
CREATE TABLE site_models (
    site       TEXT NOT NULL PRIMARY KEY,
    abuse      BLOB NOT NULL,
    spam       BLOB NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- The body with `mask` matches starred; NULL when nothing was masked.
ALTER TABLE comments ADD COLUMN masked_body TEXT;
