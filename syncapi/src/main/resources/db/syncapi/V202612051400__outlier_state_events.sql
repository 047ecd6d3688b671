-- The state a join to another server's room starts from: events kept for state lookups, never shown in a timeline.
ALTER TABLE syncapi.output_room_events ADD COLUMN outlier BOOLEAN NOT NULL DEFAULT false;
COMMENT ON COLUMN syncapi.output_room_events.outlier IS 'True for state events with no place in the timeline here (NewRoomEvent.outlier); stored at a backfill position and left out of every timeline range';
