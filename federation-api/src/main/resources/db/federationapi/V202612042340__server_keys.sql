-- Other servers' signing keys, as fetched from them or from notaries. See federation-api/README.md.

CREATE TABLE federationapi.server_signing_keys (
    server_name    TEXT   NOT NULL,
    key_id         TEXT   NOT NULL,
    public_key     TEXT   NOT NULL,
    valid_until_ts BIGINT NOT NULL,
    expired        BOOLEAN NOT NULL,
    fetched_ts     BIGINT NOT NULL,
    PRIMARY KEY (server_name, key_id)
);
COMMENT ON TABLE federationapi.server_signing_keys IS 'Every Ed25519 key of another server that a verified key response listed, current or retired; never deleted, so events signed with retired keys stay verifiable';
COMMENT ON COLUMN federationapi.server_signing_keys.server_name IS 'The server the key belongs to';
COMMENT ON COLUMN federationapi.server_signing_keys.key_id IS 'The key ID, ed25519:<version>';
COMMENT ON COLUMN federationapi.server_signing_keys.public_key IS 'The public key, unpadded base64 as published';
COMMENT ON COLUMN federationapi.server_signing_keys.valid_until_ts IS 'Until when the key counts as valid (ms): for a current key the response''s valid_until_ts capped at fetched_ts + 7 days; for a retired key its expired_ts';
COMMENT ON COLUMN federationapi.server_signing_keys.expired IS 'Whether the latest response listed the key under old_verify_keys (valid only for events before valid_until_ts, never for requests)';
COMMENT ON COLUMN federationapi.server_signing_keys.fetched_ts IS 'When the response listing this key was fetched (ms)';

CREATE TABLE federationapi.server_key_responses (
    server_name    TEXT   PRIMARY KEY,
    response_json  TEXT   NOT NULL,
    valid_until_ts BIGINT NOT NULL,
    fetched_ts     BIGINT NOT NULL,
    fetched_from   TEXT   NOT NULL
);
COMMENT ON TABLE federationapi.server_key_responses IS 'The newest verified key response of each other server, as received, which the notary endpoints relay co-signed by us';
COMMENT ON COLUMN federationapi.server_key_responses.server_name IS 'The server whose keys the response lists';
COMMENT ON COLUMN federationapi.server_key_responses.response_json IS 'The response as canonical JSON with the signatures it came with';
COMMENT ON COLUMN federationapi.server_key_responses.valid_until_ts IS 'The response''s own valid_until_ts (ms, uncapped): when it must be fetched again';
COMMENT ON COLUMN federationapi.server_key_responses.fetched_ts IS 'When we fetched the response (ms)';
COMMENT ON COLUMN federationapi.server_key_responses.fetched_from IS 'The server that answered: the key owner itself, or the notary that relayed the response';
