-- Moderation's `priority` order weighs a held comment's score by its article's current
-- readership (SPEC §5): the article's share of the site's most-read article's views in the
-- last hour, 0 to 1, written every few seconds from the popularity counters.
ALTER TABLE articles ADD COLUMN readership REAL NOT NULL DEFAULT 0;
