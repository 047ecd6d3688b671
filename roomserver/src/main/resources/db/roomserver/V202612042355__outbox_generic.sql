-- The outbox moves onto common/runtime's Outbox (dev.lattice.runtime.outbox): rows are deleted once published
-- instead of marked sent, carry their topic, and are published per key (the room) under a per-key lock. Unsent rows
-- are kept, so what an older version committed but had not relayed is still published after the upgrade.
DELETE FROM roomserver.outbox WHERE sent_ts IS NOT NULL;
DROP INDEX roomserver.outbox_unsent;
ALTER TABLE roomserver.outbox DROP COLUMN sent_ts;
ALTER TABLE roomserver.outbox DROP COLUMN event_id;
ALTER TABLE roomserver.outbox RENAME COLUMN room_id TO record_key;
ALTER TABLE roomserver.outbox ADD COLUMN topic text NOT NULL DEFAULT 'roomserver.output';
ALTER TABLE roomserver.outbox ALTER COLUMN topic DROP DEFAULT;
CREATE INDEX outbox_key ON roomserver.outbox (record_key, seq);

COMMENT ON TABLE roomserver.outbox IS 'Bus records written in the transaction that stored their event, published after its commit (or by the sweeper after a crash) in seq order per key, then deleted.';
COMMENT ON COLUMN roomserver.outbox.seq IS 'Publication order within a key; a room''s rows are in the order its events were decided.';
COMMENT ON COLUMN roomserver.outbox.record_key IS 'The record key: the room ID.';
COMMENT ON COLUMN roomserver.outbox.topic IS 'The unprefixed bus topic, roomserver.output.';
COMMENT ON COLUMN roomserver.outbox.payload IS 'The record value: the OutputRoomEvent as bus JSON.';
COMMENT ON COLUMN roomserver.outbox.created_ts IS 'When the row was written, ms since the epoch.';
