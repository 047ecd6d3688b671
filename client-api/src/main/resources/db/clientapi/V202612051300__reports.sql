-- Reports of events and rooms to the server's administrators (POST /rooms/{roomId}/report[/{eventId}]).
CREATE TABLE clientapi.reports (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id     TEXT   NOT NULL,
    event_id    TEXT,
    localpart   TEXT   NOT NULL,
    reason      TEXT,
    score       BIGINT,
    received_ts BIGINT NOT NULL
);
COMMENT ON TABLE clientapi.reports IS 'Content reports for the administrators: an event (event_id set) or a whole room';
COMMENT ON COLUMN clientapi.reports.localpart IS 'The local user who reported';
COMMENT ON COLUMN clientapi.reports.score IS 'The deprecated score of an event report, -100 (most offensive) to 0';
CREATE INDEX reports_received_idx ON clientapi.reports (received_ts);
