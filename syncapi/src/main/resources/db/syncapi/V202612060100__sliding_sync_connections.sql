-- Simplified Sliding Sync (MSC4186) connections: what each connection's client was sent, so that each response
-- carries only what changed for it. See syncapi/README.md.

CREATE SEQUENCE syncapi.sliding_sync_position_seq START WITH 1;

CREATE TABLE syncapi.sliding_sync_connections (
    connection_id BIGINT PRIMARY KEY,
    user_id       TEXT   NOT NULL,
    device_id     TEXT   NOT NULL,
    conn_id       TEXT   NOT NULL,
    created_ts    BIGINT NOT NULL
);
COMMENT ON TABLE syncapi.sliding_sync_connections IS 'One row per sliding sync connection: a device''s conn_id, from the request without pos that began it';
CREATE INDEX sliding_sync_connections_device_idx ON syncapi.sliding_sync_connections (user_id, device_id, conn_id);

CREATE TABLE syncapi.sliding_sync_positions (
    pos           BIGINT PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES syncapi.sliding_sync_connections ON DELETE CASCADE,
    parent_pos    BIGINT NOT NULL,
    sync_token    TEXT   NOT NULL,
    list_counts   TEXT   NOT NULL,
    created_ts    BIGINT NOT NULL
);
COMMENT ON TABLE syncapi.sliding_sync_positions IS 'Each pos a response gave: the stream positions it covered and its lists'' counts. A pos the client sends back acknowledges it: the others (answers it never got, earlier ones) are deleted';
COMMENT ON COLUMN syncapi.sliding_sync_positions.parent_pos IS 'The pos of the request this response answered (0 for a new connection): room rows after it, other than this pos''s own, are answers to sibling requests the client did not take';
CREATE INDEX sliding_sync_positions_connection_idx ON syncapi.sliding_sync_positions (connection_id, pos);

CREATE TABLE syncapi.sliding_sync_rooms (
    connection_id  BIGINT  NOT NULL REFERENCES syncapi.sliding_sync_connections ON DELETE CASCADE,
    room_id        TEXT    NOT NULL,
    pos            BIGINT  NOT NULL,
    sent_through   BIGINT  NOT NULL,
    membership     TEXT    NOT NULL,
    timeline_limit INTEGER NOT NULL,
    required_state TEXT    NOT NULL,
    PRIMARY KEY (connection_id, room_id, pos)
);
COMMENT ON TABLE syncapi.sliding_sync_rooms IS 'A room as of the response at pos (and later ones until a newer row): sent up to room events position sent_through, with this membership and room config';
