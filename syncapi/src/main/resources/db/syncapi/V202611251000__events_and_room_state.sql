-- The client read model's room events and the room state history built from the roomserver's output.
-- See syncapi/README.md for the design: one stream position per event, state as intervals of positions.

-- Live events get 1, 2, 3, ... in the order this service committed them: the "events" part of sync tokens.
CREATE SEQUENCE syncapi.stream_position_seq START WITH 1;
COMMENT ON SEQUENCE syncapi.stream_position_seq IS 'Stream positions of live events (positive, increasing)';

-- Backfilled (historical) events are stored at the negation of this: -1, -2, ... so each sorts before every
-- event already stored and never appears in an incremental sync.
CREATE SEQUENCE syncapi.backfill_position_seq START WITH 1;
COMMENT ON SEQUENCE syncapi.backfill_position_seq IS 'Negated stream positions of backfilled events';

CREATE TABLE syncapi.output_room_events (
    position           BIGINT  PRIMARY KEY,
    event_id           TEXT    NOT NULL UNIQUE,
    room_id            TEXT    NOT NULL,
    room_version       TEXT    NOT NULL,
    type               TEXT    NOT NULL,
    sender             TEXT    NOT NULL,
    state_key          TEXT,
    event_json         TEXT    NOT NULL,
    history_visibility TEXT    NOT NULL,
    prev_content       TEXT,
    replaces_state     TEXT,
    txn_user_id        TEXT,
    txn_device_id      TEXT,
    txn_id             TEXT,
    redacted_because   TEXT,
    historical         BOOLEAN NOT NULL
);
COMMENT ON TABLE syncapi.output_room_events IS 'Every room event the roomserver accepted, in stream order';
COMMENT ON COLUMN syncapi.output_room_events.position IS 'Stream position: from stream_position_seq (live) or the negated backfill_position_seq (historical)';
COMMENT ON COLUMN syncapi.output_room_events.event_id IS 'The event ID; unique, which makes a replayed record a no-op';
COMMENT ON COLUMN syncapi.output_room_events.room_id IS 'The room the event belongs to';
COMMENT ON COLUMN syncapi.output_room_events.room_version IS 'The room version, which says how to read and redact event_json';
COMMENT ON COLUMN syncapi.output_room_events.type IS 'The event type, copied from event_json for queries';
COMMENT ON COLUMN syncapi.output_room_events.sender IS 'The sender, copied from event_json for queries';
COMMENT ON COLUMN syncapi.output_room_events.state_key IS 'The state key for state events, null otherwise';
COMMENT ON COLUMN syncapi.output_room_events.event_json IS 'The PDU as the roomserver published it, or its redacted form once redacted';
COMMENT ON COLUMN syncapi.output_room_events.history_visibility IS 'The room''s m.room.history_visibility in effect just before this event (shared when unset)';
COMMENT ON COLUMN syncapi.output_room_events.prev_content IS 'For state events: the content of the state event this one replaced (unsigned.prev_content), as JSON';
COMMENT ON COLUMN syncapi.output_room_events.replaces_state IS 'For state events: the ID of the state event this one replaced (unsigned.replaces_state)';
COMMENT ON COLUMN syncapi.output_room_events.txn_user_id IS 'The user whose client sent the event with a transaction ID, if a local client sent it';
COMMENT ON COLUMN syncapi.output_room_events.txn_device_id IS 'The device that sent it; only this device sees unsigned.transaction_id';
COMMENT ON COLUMN syncapi.output_room_events.txn_id IS 'The client transaction ID (unsigned.transaction_id)';
COMMENT ON COLUMN syncapi.output_room_events.redacted_because IS 'Once redacted: the redaction event in client format (unsigned.redacted_because), as JSON';
COMMENT ON COLUMN syncapi.output_room_events.historical IS 'True for backfilled events, which sit before the timeline''s start';

CREATE INDEX output_room_events_room_position_idx ON syncapi.output_room_events (room_id, position);

CREATE TABLE syncapi.room_state (
    room_id          TEXT   NOT NULL,
    type             TEXT   NOT NULL,
    state_key        TEXT   NOT NULL,
    event_id         TEXT   NOT NULL,
    membership       TEXT,
    added_position   BIGINT NOT NULL,
    removed_position BIGINT,
    PRIMARY KEY (event_id, added_position)
);
COMMENT ON TABLE syncapi.room_state IS 'History of each room''s current state: one row per interval of stream positions during which an event was part of it';
COMMENT ON COLUMN syncapi.room_state.room_id IS 'The room';
COMMENT ON COLUMN syncapi.room_state.type IS 'The state event''s type';
COMMENT ON COLUMN syncapi.room_state.state_key IS 'The state event''s state key (the user ID for m.room.member)';
COMMENT ON COLUMN syncapi.room_state.event_id IS 'The state event (in output_room_events)';
COMMENT ON COLUMN syncapi.room_state.membership IS 'For m.room.member: content.membership (join, invite, leave, ban, knock); null otherwise';
COMMENT ON COLUMN syncapi.room_state.added_position IS 'The stream position from which the event is part of the state (inclusive)';
COMMENT ON COLUMN syncapi.room_state.removed_position IS 'The stream position from which it no longer is (exclusive end); null while it is current state';

-- At most one current event per (room, type, state key).
CREATE UNIQUE INDEX room_state_current_idx ON syncapi.room_state (room_id, type, state_key)
    WHERE removed_position IS NULL;
-- State of a room at a position.
CREATE INDEX room_state_room_position_idx ON syncapi.room_state (room_id, added_position);
-- A user's memberships across rooms.
CREATE INDEX room_state_member_idx ON syncapi.room_state (state_key, room_id, added_position)
    WHERE type = 'm.room.member';
