-- The receipts stream: each user's newest receipt per (room, type, thread), at its position in the receipts stream.
-- Filled from ephemeral.receipts (the client-api's outbox, later the federation-api). See syncapi/README.md.

CREATE SEQUENCE syncapi.receipt_position_seq START WITH 1;
COMMENT ON SEQUENCE syncapi.receipt_position_seq IS 'Positions of the receipts stream (positive, increasing)';

CREATE TABLE syncapi.receipts (
    room_id      TEXT   NOT NULL,
    user_id      TEXT   NOT NULL,
    receipt_type TEXT   NOT NULL,
    thread_id    TEXT   NOT NULL,
    event_id     TEXT   NOT NULL,
    ts           BIGINT NOT NULL,
    position     BIGINT NOT NULL UNIQUE,
    PRIMARY KEY (room_id, user_id, receipt_type, thread_id)
);
COMMENT ON TABLE syncapi.receipts IS 'The newest receipt of each (room, user, type, thread), at its position in the receipts stream';
COMMENT ON COLUMN syncapi.receipts.receipt_type IS 'm.read or m.read.private (the latter shown to its owner only)';
COMMENT ON COLUMN syncapi.receipts.thread_id IS 'main or a thread root event ID for a threaded receipt; the empty string for an unthreaded one';
COMMENT ON COLUMN syncapi.receipts.event_id IS 'The event read up to';
COMMENT ON COLUMN syncapi.receipts.ts IS 'When the receipt was sent (ms since the epoch): a record older than the stored one is a replay and ignored';
COMMENT ON COLUMN syncapi.receipts.position IS 'The receipts stream position of the latest change, from receipt_position_seq';

-- A room's receipts after a position (incremental /sync).
CREATE INDEX receipts_room_position_idx ON syncapi.receipts (room_id, position);
