-- Rooms this server joined with partial state (issue #12, faster joins): /members waits while a room is listed.
CREATE TABLE syncapi.partial_state_rooms (
    room_id text PRIMARY KEY
);
COMMENT ON TABLE syncapi.partial_state_rooms IS 'Rooms whose member list is not complete here yet: from the roomserver''s partial_state_started until its partial_state_completed.';
COMMENT ON COLUMN syncapi.partial_state_rooms.room_id IS 'The room.';
