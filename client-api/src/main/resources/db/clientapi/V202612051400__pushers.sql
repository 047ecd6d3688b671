-- Pushers (POST /pushers/set): where a user's notifications are pushed (a push gateway for an app and device).
CREATE TABLE clientapi.pushers (
    localpart           TEXT   NOT NULL,
    app_id              TEXT   NOT NULL,
    pushkey             TEXT   NOT NULL,
    kind                TEXT   NOT NULL,
    app_display_name    TEXT   NOT NULL,
    device_display_name TEXT   NOT NULL,
    profile_tag         TEXT,
    lang                TEXT   NOT NULL,
    data                TEXT   NOT NULL,
    created_ts          BIGINT NOT NULL,
    PRIMARY KEY (localpart, app_id, pushkey)
);
COMMENT ON TABLE clientapi.pushers IS 'A user''s pushers; (app_id, pushkey) is unique per user (with append=false, across users)';
COMMENT ON COLUMN clientapi.pushers.data IS 'The pusher''s data object as canonical JSON (url and format for http pushers)';
CREATE INDEX pushers_app_pushkey_idx ON clientapi.pushers (app_id, pushkey);
