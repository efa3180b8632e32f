-- Each save of a site's models makes the next revision: instances poll the number instead of
-- reading both models (about 1 MB) every few seconds, and a save that did not start from the
-- stored revision is refused, so two moderators' decisions on two instances are both kept.
ALTER TABLE site_models ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
