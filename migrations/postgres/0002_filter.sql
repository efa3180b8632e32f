-- The filter's run-time state: word-list entries added by moderators, each site's learned
-- models, and the masked text readers see when a `mask` entry matched.

-- Entries are never deleted, only marked removed, so the audit trail stays and the count of
-- changes (rows + removals) is a version every instance can poll cheaply.
CREATE TABLE lexicon_entries (
    id         UUID PRIMARY KEY,
    -- NULL: every site.
    site       TEXT,
    term       TEXT NOT NULL,
    lang       TEXT NOT NULL CONSTRAINT lexicon_entries_lang_known CHECK (lang IN ('ar', 'en', 'arabizi')),
    -- An allow-list entry: never flagged. Severity, action and mode are then ignored.
    allow      BOOLEAN NOT NULL DEFAULT FALSE,
    severity   TEXT NOT NULL CONSTRAINT lexicon_entries_severity_known CHECK (severity IN ('mild', 'strong', 'slur')),
    action     TEXT NOT NULL CONSTRAINT lexicon_entries_action_known CHECK (action IN ('mask', 'hold', 'reject')),
    mode       TEXT NOT NULL CONSTRAINT lexicon_entries_mode_known CHECK (mode IN ('word', 'prefix', 'substring', 'frame')),
    morph      TEXT NOT NULL CONSTRAINT lexicon_entries_morph_known CHECK (morph IN ('exact', 'proclitics', 'full')),
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    removed_by TEXT,
    removed_at TIMESTAMPTZ
);
-- The refresher reads the active entries of every site at once.
CREATE INDEX lexicon_entries_active ON lexicon_entries (site) WHERE removed_at IS NULL;

-- A site's abuse and spam models after moderators' decisions (the shipped ones until then).
CREATE TABLE site_models (
    site       TEXT PRIMARY KEY,
    abuse      BYTEA NOT NULL,
    spam       BYTEA NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The body with `mask` matches starred; NULL when nothing was masked.
ALTER TABLE comments ADD COLUMN masked_body TEXT;
