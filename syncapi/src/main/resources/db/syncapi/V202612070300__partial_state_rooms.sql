-- Rooms this server joined with partial state (issue #12, faster joins): /members waits while a room is listed;
-- and the positions at which their states were completed.
CREATE TABLE syncapi.partial_state_rooms (
    room_id       text PRIMARY KEY,
    join_event_id text NOT NULL
);
COMMENT ON TABLE syncapi.partial_state_rooms IS 'Rooms whose member list is not complete here yet: from the roomserver''s partial_state_started until its partial_state_completed.';
COMMENT ON COLUMN syncapi.partial_state_rooms.room_id IS 'The room.';
COMMENT ON COLUMN syncapi.partial_state_rooms.join_event_id IS 'This server''s join, whose state before it was partial: the members it lacked were in the state until it.';

CREATE TABLE syncapi.partial_state_completions (
    position bigint PRIMARY KEY,
    room_id  text   NOT NULL
);
COMMENT ON TABLE syncapi.partial_state_completions IS 'The events stream position drawn when a partial room''s state was completed: its members are current from there on, with no event at that position, so the events stream''s newest position counts these too.';
COMMENT ON COLUMN syncapi.partial_state_completions.position IS 'A position of the events stream (stream_position_seq) that has no event.';
COMMENT ON COLUMN syncapi.partial_state_completions.room_id IS 'The room.';
