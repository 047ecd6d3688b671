-- End-to-end encryption keys of local devices, as the devices uploaded them (POST /keys/upload).

CREATE TABLE keyserver.device_keys (
    user_id    text   NOT NULL,
    device_id  text   NOT NULL,
    key_json   text   NOT NULL,
    updated_ts bigint NOT NULL,
    PRIMARY KEY (user_id, device_id)
);
COMMENT ON TABLE keyserver.device_keys IS 'Each device''s identity keys (the device_keys object of /keys/upload), self-signed.';
COMMENT ON COLUMN keyserver.device_keys.user_id IS 'The owner, a local user ID.';
COMMENT ON COLUMN keyserver.device_keys.device_id IS 'The device.';
COMMENT ON COLUMN keyserver.device_keys.key_json IS 'The device_keys object as canonical JSON, signatures included, exactly as served by /keys/query.';
COMMENT ON COLUMN keyserver.device_keys.updated_ts IS 'When the keys were last uploaded, ms since the epoch.';

CREATE TABLE keyserver.one_time_keys (
    user_id     text   NOT NULL,
    device_id   text   NOT NULL,
    algorithm   text   NOT NULL,
    key_id      text   NOT NULL,
    key_json    text   NOT NULL,
    uploaded_ts bigint NOT NULL,
    PRIMARY KEY (user_id, device_id, algorithm, key_id)
);
COMMENT ON TABLE keyserver.one_time_keys IS 'One-time keys not yet claimed; a claim deletes the row it hands out.';
COMMENT ON COLUMN keyserver.one_time_keys.user_id IS 'The owner, a local user ID.';
COMMENT ON COLUMN keyserver.one_time_keys.device_id IS 'The device that uploaded the key.';
COMMENT ON COLUMN keyserver.one_time_keys.algorithm IS 'The key algorithm, e.g. signed_curve25519 (the part of the key ID before the colon).';
COMMENT ON COLUMN keyserver.one_time_keys.key_id IS 'The key ID after the colon; unique per device and algorithm.';
COMMENT ON COLUMN keyserver.one_time_keys.key_json IS 'The key as canonical JSON: a signed object, or a JSON string for unsigned algorithms.';
COMMENT ON COLUMN keyserver.one_time_keys.uploaded_ts IS 'When it was uploaded, ms since the epoch.';

CREATE TABLE keyserver.fallback_keys (
    user_id     text    NOT NULL,
    device_id   text    NOT NULL,
    algorithm   text    NOT NULL,
    key_id      text    NOT NULL,
    key_json    text    NOT NULL,
    used        boolean NOT NULL,
    uploaded_ts bigint  NOT NULL,
    PRIMARY KEY (user_id, device_id, algorithm)
);
COMMENT ON TABLE keyserver.fallback_keys IS 'The one fallback key per device and algorithm, handed out when no one-time key is left; never deleted by a claim.';
COMMENT ON COLUMN keyserver.fallback_keys.user_id IS 'The owner, a local user ID.';
COMMENT ON COLUMN keyserver.fallback_keys.device_id IS 'The device that uploaded the key.';
COMMENT ON COLUMN keyserver.fallback_keys.algorithm IS 'The key algorithm, e.g. signed_curve25519.';
COMMENT ON COLUMN keyserver.fallback_keys.key_id IS 'The key ID after the colon.';
COMMENT ON COLUMN keyserver.fallback_keys.key_json IS 'The key as canonical JSON, as uploaded.';
COMMENT ON COLUMN keyserver.fallback_keys.used IS 'Whether a claim handed it out since it was uploaded (device_unused_fallback_key_types lists the unused ones).';
COMMENT ON COLUMN keyserver.fallback_keys.uploaded_ts IS 'When it was uploaded, ms since the epoch.';
