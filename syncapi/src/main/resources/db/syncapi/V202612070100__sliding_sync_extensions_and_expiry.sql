-- Simplified Sliding Sync: per room, the extensions a connection's client fell behind on while the room was in no
-- window; and when each connection was last used, so that idle ones can be deleted. See syncapi/README.md.

ALTER TABLE syncapi.sliding_sync_rooms ADD COLUMN extensions_behind TEXT NOT NULL DEFAULT '{}';
COMMENT ON COLUMN syncapi.sliding_sync_rooms.extensions_behind IS 'Canonical JSON: for each extension stream (account_data, receipts, typing) the room was out of scope of, the stream position the client has the room''s data up to; a stream not named is live (sent up to the pos''s sync_token)';

ALTER TABLE syncapi.sliding_sync_connections ADD COLUMN last_used_ts BIGINT;
UPDATE syncapi.sliding_sync_connections SET last_used_ts = created_ts;
ALTER TABLE syncapi.sliding_sync_connections ALTER COLUMN last_used_ts SET NOT NULL;
COMMENT ON COLUMN syncapi.sliding_sync_connections.last_used_ts IS 'When a request last began or resumed the connection; connections idle longer than lattice.syncapi.sliding-sync-connection-expiry are deleted';
CREATE INDEX sliding_sync_connections_last_used_idx ON syncapi.sliding_sync_connections (last_used_ts);
