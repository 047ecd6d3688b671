-- Partial-state joins (issue #12): a join to another server's room may start from its state without the members,
-- which are fetched in the background; until then the room and the events decided in it are marked here.
-- roomserver/README.md, "Partial state", describes what changes while a room is partial.

ALTER TABLE roomserver.rooms ADD COLUMN partial_state_servers text[];
ALTER TABLE roomserver.rooms ADD COLUMN partial_state_join_event_id text;
COMMENT ON COLUMN roomserver.rooms.partial_state_servers IS 'While this server''s join started from a partial state (send_join answered with the members omitted): the servers in the room as the resident server listed them. Null once the state is complete, and for every other room.';
COMMENT ON COLUMN roomserver.rooms.partial_state_join_event_id IS 'While partial: this server''s join the partial state is before (the whole state before it completes the room); null otherwise.';

CREATE TABLE roomserver.partial_state_events (
    event_id text PRIMARY KEY,
    room_id  text NOT NULL
);
COMMENT ON TABLE roomserver.partial_state_events IS 'Events decided while their room was partial: their state snapshots lack what the partial state lacked, and are replaced when the room''s state is complete (then the rows go).';
COMMENT ON COLUMN roomserver.partial_state_events.event_id IS 'The event (a row of roomserver.events).';
COMMENT ON COLUMN roomserver.partial_state_events.room_id IS 'Its room.';
CREATE INDEX partial_state_events_room ON roomserver.partial_state_events (room_id);
