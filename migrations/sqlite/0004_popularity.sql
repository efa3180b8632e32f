-- Popularity (the same index as migrations/postgres/0004_popularity.sql): "most commented" counts the published comments of a site created in a window
-- (1 hour to 7 days). This partial index holds only published comments, by site and time,
-- so that count reads the window's rows and nothing else.
CREATE INDEX comments_published_recent_idx ON comments (site, created_at) WHERE status = 'published';
