-- Other servers' users' presence, from their m.presence EDUs: stored beside our users' (one stream), never touched by
-- our timers (their server keeps them current).
ALTER TABLE syncapi.presence ADD COLUMN remote BOOLEAN NOT NULL DEFAULT false;
COMMENT ON COLUMN syncapi.presence.remote IS 'True for another server''s user, whose presence its server sends: the idle and offline timers skip it';
COMMENT ON TABLE syncapi.presence IS 'The latest presence of each local user, and of other servers'' users as their servers sent it';
