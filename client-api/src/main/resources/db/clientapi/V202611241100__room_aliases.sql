-- Local room aliases; client-api owns them (DESIGN.md §2).
CREATE TABLE clientapi.room_aliases (
    -- The full alias, '#localpart:server'.
    alias      TEXT PRIMARY KEY,
    -- The room it points at.
    room_id    TEXT NOT NULL,
    -- The user who created it; may delete it without power.
    creator    TEXT NOT NULL,
    -- When it was created (ms since the epoch).
    created_ts BIGINT NOT NULL
);
-- GET /rooms/{roomId}/aliases.
CREATE INDEX room_aliases_room_id ON clientapi.room_aliases (room_id);

-- Rooms published in the public room directory (visibility "public").
CREATE TABLE clientapi.room_directory (
    -- The published room.
    room_id      TEXT PRIMARY KEY,
    -- When it was published (ms since the epoch).
    published_ts BIGINT NOT NULL
);
