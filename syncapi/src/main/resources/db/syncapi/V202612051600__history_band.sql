-- Backfilled history is ordered by depth, not by arrival (OutputRoomEventsTable.HISTORY_FLOOR says why): a
-- historical event's position is -2^62 + depth * 2^24 + an arrival tie-break, and outliers sit below -2^62.
-- Rows stored before keep their positions: outliers at small negative positions (only ever looked up by ID).
COMMENT ON SEQUENCE syncapi.backfill_position_seq IS 'Arrival numbers of historical events and outliers, which place them below every live event (OutputRoomEventsTable)';
COMMENT ON COLUMN syncapi.output_room_events.position IS 'Stream position: from stream_position_seq (live, positive); historical events in the band from -2^62 by depth; outliers below it';
