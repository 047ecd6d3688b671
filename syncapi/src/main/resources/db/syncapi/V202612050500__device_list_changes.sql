-- The device lists stream: whose devices or keys changed, at which position. Filled from keyserver.output (and later
-- from other servers' m.device_list_update EDUs); who is told is decided at /sync time from the room state.
-- See syncapi/README.md.

CREATE SEQUENCE syncapi.device_list_position_seq START WITH 1;
COMMENT ON SEQUENCE syncapi.device_list_position_seq IS 'Positions of the device lists stream (positive, increasing)';

CREATE TABLE syncapi.device_list_changes (
    user_id  TEXT   PRIMARY KEY,
    position BIGINT NOT NULL UNIQUE
);
COMMENT ON TABLE syncapi.device_list_changes IS 'The latest change of each user''s device list (devices, device keys, cross-signing keys)';
COMMENT ON COLUMN syncapi.device_list_changes.position IS 'The device lists stream position of the latest change, from device_list_position_seq';
