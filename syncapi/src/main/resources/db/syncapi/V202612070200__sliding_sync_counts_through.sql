-- Simplified Sliding Sync: the receipts stream position as of which a room's unread counts were last sent, so that a
-- room the user read elsewhere while it was in no window is sent again (with its counts) when it comes back.

ALTER TABLE syncapi.sliding_sync_rooms ADD COLUMN counts_through BIGINT NOT NULL DEFAULT 0;
COMMENT ON COLUMN syncapi.sliding_sync_rooms.counts_through IS 'The receipts stream position when the room''s section (with its unread counts) was last sent: a receipt of the user''s own after it changed the counts the client has';
