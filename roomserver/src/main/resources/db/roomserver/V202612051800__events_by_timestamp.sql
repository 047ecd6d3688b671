-- /timestamp_to_event: a room's events by origin_server_ts.
CREATE INDEX events_room_ts_idx ON roomserver.events (room_id, origin_server_ts);
