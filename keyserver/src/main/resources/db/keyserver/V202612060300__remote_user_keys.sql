CREATE TABLE keyserver.remote_user_keys (
    user_id        text   PRIMARY KEY,
    answer_json    text,
    fetched_ts     bigint,
    invalidated_ts bigint NOT NULL DEFAULT 0
);
COMMENT ON TABLE keyserver.remote_user_keys IS 'Other servers'' users'' keys as their server last answered /user/keys/query for all their devices, kept while a device-list update has not made them stale.';
COMMENT ON COLUMN keyserver.remote_user_keys.answer_json IS 'That answer restricted to the user ({"device_keys": {user: ...}, "master_keys": ..., "self_signing_keys": ...}); NULL once invalidated.';
COMMENT ON COLUMN keyserver.remote_user_keys.fetched_ts IS 'When the request that fetched it started: an update received after that start invalidates it.';
COMMENT ON COLUMN keyserver.remote_user_keys.invalidated_ts IS 'When the last m.device_list_update or m.signing_key_update of the user arrived; a fetch started before then is not cached.';
