-- Seeds the bench database of bench/service.sh after `majlis migrate` (site `demo`):
--   articles a1..a10000 with 100 comments each (1,000,000 comments: every fifth a reply to
--   the comment before it, so 800,000 top-level and 200,000 replies), written as the service
--   would have left them (ids UUIDv7 in creation order, `comment_count` = published comments
--   of every depth, `reply_count` = visible direct replies);
--   `hot`: exactly 100 published top-level comments, 20 of them with one reply;
--   `s10`, `s100`, `s1000`: 10, 100 and 1,000 published top-level comments (scaling runs);
--   10,000 guest commenters.
-- About one comment in 50 of the bulk is pending (held), unevenly over the articles.
\set ON_ERROR_STOP on
SET synchronous_commit = off;

-- A UUIDv7 from a time and a number: 48 bits of Unix milliseconds, version 7, variant 10,
-- the rest from md5(n), so ids sort in time order and a parent's id can be recomputed.
CREATE FUNCTION pg_temp.v7(at timestamptz, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT (lpad(to_hex((extract(epoch FROM at) * 1000)::bigint), 12, '0') || '7'
          || substr(md5(n::text), 1, 3) || '8' || substr(md5(n::text), 4, 15))::uuid
$$;

INSERT INTO commenters (id, site, external_id, name, is_guest, created_at)
SELECT pg_temp.v7(timestamptz '2026-01-01' + g * interval '1 second', -g), 'demo',
       'seed-' || g, 'قارئ ' || g, true, timestamptz '2026-01-01' + g * interval '1 second'
FROM generate_series(1, 10000) g;

INSERT INTO articles (site, article_id, title, url, section, tags, published_at, lang, comment_count,
                      created_at, updated_at)
SELECT 'demo', a, 'مقال ' || a, 'https://example.com/' || a, 's' || (length(a) % 10),
       '["t' || (length(a) % 20) || '"]', timestamptz '2026-11-01', 'ar', 0,
       timestamptz '2026-11-01', timestamptz '2026-11-01'
FROM (SELECT 'a' || g AS a FROM generate_series(1, 10000) g
      UNION ALL VALUES ('hot'), ('s10'), ('s100'), ('s1000')) t;

-- The bulk: comment i (0-based) is the (i / 10000)-th of article a(i % 10000 + 1); a sequence
-- number ending in 4 or 9 makes it a reply to the previous one of its article (i - 10000).
CREATE TEMP TABLE bulk AS
SELECT i, i % 10000 + 1 AS art, i / 10000 AS seq,
       timestamptz '2026-11-01' + i * interval '2 second' AS at
FROM generate_series(0, 999999) i;

INSERT INTO comments (id, site, article_id, parent_id, depth, author_id, body, lang, status,
                      reply_count, created_at)
SELECT pg_temp.v7(b.at, b.i), 'demo', 'a' || b.art,
       CASE WHEN b.seq % 5 = 4 THEN pg_temp.v7(b.at - interval '20000 second', b.i - 10000) END,
       CASE WHEN b.seq % 5 = 4 THEN 1 ELSE 0 END,
       pg_temp.v7(timestamptz '2026-01-01' + (1 + b.i % 10000) * interval '1 second', -(1 + b.i % 10000)),
       'تعليق تجريبي رقم ' || b.i || ' على هذا المقال، وهو نص متوسط الطول كما يكتبه القراء عادة.',
       NULL,
       CASE WHEN b.i % 9973 % 50 = 7 THEN 'pending' ELSE 'published' END,
       -- A top-level comment followed by a published reply shows one reply.
       CASE WHEN b.seq % 5 = 3 AND (b.i + 10000) % 9973 % 50 <> 7 THEN 1 ELSE 0 END,
       b.at
FROM bulk b;

-- The hot article and the scaling ones: top-level comments 1..n at one per minute; on `hot`,
-- every fifth has one reply.
CREATE TEMP TABLE extra AS
SELECT t.article, g, 10000000 + row_number() OVER () AS n,
       timestamptz '2026-11-20' + g * interval '1 minute' AS at
FROM (VALUES ('hot', 100), ('s10', 10), ('s100', 100), ('s1000', 1000)) t(article, total),
     generate_series(1, t.total) g;

INSERT INTO comments (id, site, article_id, depth, author_id, body, status, reply_count, created_at)
SELECT pg_temp.v7(e.at, e.n), 'demo', e.article, 0,
       pg_temp.v7(timestamptz '2026-01-01' + (1 + e.n % 10000) * interval '1 second', -(1 + e.n % 10000)),
       'رأيي في الموضوع رقم ' || e.g || ': الخبر مهم ويستحق المتابعة، شكرا للكاتب على التوضيح.',
       'published', CASE WHEN e.article = 'hot' AND e.g % 5 = 0 THEN 1 ELSE 0 END, e.at
FROM extra e;

INSERT INTO comments (id, site, article_id, parent_id, depth, author_id, body, status, created_at)
SELECT pg_temp.v7(e.at + interval '30 second', e.n + 1000000), 'demo', e.article, pg_temp.v7(e.at, e.n), 1,
       pg_temp.v7(timestamptz '2026-01-01' + (1 + (e.n + 7) % 10000) * interval '1 second', -(1 + (e.n + 7) % 10000)),
       'أتفق معك في الرد رقم ' || e.g || '.', 'published', e.at + interval '30 second'
FROM extra e WHERE e.article = 'hot' AND e.g % 5 = 0;

UPDATE articles a SET comment_count = c.n
FROM (SELECT article_id, count(*) AS n FROM comments WHERE site = 'demo' AND status = 'published'
      GROUP BY article_id) c
WHERE a.site = 'demo' AND a.article_id = c.article_id;

-- Vacuumed as well as analyzed, so autovacuum does not start on the fresh rows during the runs.
VACUUM ANALYZE;
