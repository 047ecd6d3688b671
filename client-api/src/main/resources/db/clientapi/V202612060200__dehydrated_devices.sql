CREATE TABLE clientapi.dehydrated_devices (
    localpart   text   PRIMARY KEY,
    device_id   text   NOT NULL,
    device_data text   NOT NULL,
    created_ts  bigint NOT NULL,
    FOREIGN KEY (localpart, device_id) REFERENCES clientapi.devices (localpart, device_id) ON DELETE CASCADE
);
COMMENT ON TABLE clientapi.dehydrated_devices IS 'Each user''s dehydrated device (MSC3814): a device without tokens whose Olm account the client stored encrypted, so messages sent while every device of the user is offline can be decrypted later. Deleting the device deletes the row.';
COMMENT ON COLUMN clientapi.dehydrated_devices.device_id IS 'The device, a row of clientapi.devices.';
COMMENT ON COLUMN clientapi.dehydrated_devices.device_data IS 'The client''s opaque device_data object as canonical JSON.';
