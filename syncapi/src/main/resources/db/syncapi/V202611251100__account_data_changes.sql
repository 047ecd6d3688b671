-- The account data stream: which (user, room, type) of account data changed, at which syncapi position. The content
-- stays in the client-api, which /sync asks through UserApi. See syncapi/README.md.

-- Positions of the account data stream: the "accountdata" part of sync tokens, separate from the events stream.
CREATE SEQUENCE syncapi.account_data_position_seq START WITH 1;
COMMENT ON SEQUENCE syncapi.account_data_position_seq IS 'Positions of the account data stream (positive, increasing)';

CREATE TABLE syncapi.account_data_changes (
    user_id          TEXT   NOT NULL,
    room_id          TEXT   NOT NULL,
    type             TEXT   NOT NULL,
    position         BIGINT NOT NULL UNIQUE,
    client_stream_id BIGINT NOT NULL,
    PRIMARY KEY (user_id, room_id, type)
);
COMMENT ON TABLE syncapi.account_data_changes IS 'The latest change of each (user, room, type) of account data, at its position in the account data stream';
COMMENT ON COLUMN syncapi.account_data_changes.user_id IS 'Whose account data changed';
COMMENT ON COLUMN syncapi.account_data_changes.room_id IS 'The room for per-room account data; the empty string for global account data';
COMMENT ON COLUMN syncapi.account_data_changes.type IS 'The account data type, e.g. m.direct';
COMMENT ON COLUMN syncapi.account_data_changes.position IS 'The account data stream position of the latest change, from account_data_position_seq; moves up with each newer change';
COMMENT ON COLUMN syncapi.account_data_changes.client_stream_id IS 'The client-api''s stream_id of that change (AccountDataChanged.stream_id): a record not newer than this is a replay and ignored';

-- A user's changes after a position (incremental /sync).
CREATE INDEX account_data_changes_user_position_idx ON syncapi.account_data_changes (user_id, position);
