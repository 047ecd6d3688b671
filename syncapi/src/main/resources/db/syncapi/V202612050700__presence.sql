-- Presence: each user's state, status message and activity, at its position in the presence stream.
-- See syncapi/README.md.

CREATE SEQUENCE syncapi.presence_position_seq START WITH 1;
COMMENT ON SEQUENCE syncapi.presence_position_seq IS 'Positions of the presence stream (positive, increasing)';

CREATE TABLE syncapi.presence (
    user_id        TEXT   PRIMARY KEY,
    state          TEXT   NOT NULL,
    status_msg     TEXT,
    last_active_ts BIGINT NOT NULL,
    last_seen_ts   BIGINT NOT NULL,
    position       BIGINT NOT NULL UNIQUE
);
COMMENT ON TABLE syncapi.presence IS 'The latest presence of each local user';
COMMENT ON COLUMN syncapi.presence.state IS 'online, unavailable or offline';
COMMENT ON COLUMN syncapi.presence.last_active_ts IS 'When the user was last active (set online): last_active_ago, and the idle timer';
COMMENT ON COLUMN syncapi.presence.last_seen_ts IS 'When a /sync or PUT last kept the user present: the offline timer';
COMMENT ON COLUMN syncapi.presence.position IS 'The presence stream position of the latest visible change (state or status message)';

-- The timers: users not offline, by when they were last seen or active.
CREATE INDEX presence_present_idx ON syncapi.presence (last_seen_ts) WHERE state <> 'offline';
