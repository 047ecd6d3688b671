-- Rooms a user forgot (POST /rooms/{roomId}/forget) after leaving; joining again clears the row.
CREATE TABLE clientapi.forgotten_rooms (
    -- The local user.
    localpart    TEXT NOT NULL,
    -- The forgotten room.
    room_id      TEXT NOT NULL,
    -- When it was forgotten (ms since the epoch).
    forgotten_ts BIGINT NOT NULL,
    PRIMARY KEY (localpart, room_id)
);
