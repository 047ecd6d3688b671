-- Rooms this server joined with partial state (issue #12, faster joins): /members waits while a room is listed.
CREATE TABLE syncapi.partial_state_rooms (
    room_id       text PRIMARY KEY,
    join_event_id text NOT NULL
);
COMMENT ON TABLE syncapi.partial_state_rooms IS 'Rooms whose member list is not complete here yet: from the roomserver''s partial_state_started until its partial_state_completed.';
COMMENT ON COLUMN syncapi.partial_state_rooms.room_id IS 'The room.';
COMMENT ON COLUMN syncapi.partial_state_rooms.join_event_id IS 'This server''s join, whose state before it was partial: the members it lacked were in the state until it.';
