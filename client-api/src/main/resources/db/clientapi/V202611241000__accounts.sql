-- Accounts, devices, tokens, profiles, account data, filters, UIA sessions and admin-registration nonces.
-- Timestamps are milliseconds since the Unix epoch. Users are local, so rows are keyed by localpart.

CREATE TABLE clientapi.accounts (
    localpart text PRIMARY KEY,
    password_hash text,
    is_admin boolean NOT NULL DEFAULT false,
    created_ts bigint NOT NULL,
    deactivated_ts bigint
);
COMMENT ON TABLE clientapi.accounts IS 'Local user accounts; a deactivated account keeps its row so the localpart stays reserved';
COMMENT ON COLUMN clientapi.accounts.localpart IS 'The user ID localpart (lowercase, strict grammar for new users)';
COMMENT ON COLUMN clientapi.accounts.password_hash IS 'bcrypt hash ($2a$/$2b$) of the NFKC-normalised password; NULL when the account cannot log in with a password (deactivated)';
COMMENT ON COLUMN clientapi.accounts.is_admin IS 'Whether the user is a server admin (set by shared-secret registration)';
COMMENT ON COLUMN clientapi.accounts.created_ts IS 'When the account was registered';
COMMENT ON COLUMN clientapi.accounts.deactivated_ts IS 'When the account was deactivated; NULL while active';

CREATE TABLE clientapi.devices (
    localpart text NOT NULL REFERENCES clientapi.accounts (localpart),
    device_id text NOT NULL,
    display_name text,
    created_ts bigint NOT NULL,
    last_seen_ts bigint,
    last_seen_ip text,
    PRIMARY KEY (localpart, device_id)
);
COMMENT ON TABLE clientapi.devices IS 'Devices (sessions) of local users; deleting one revokes its tokens by cascade';
COMMENT ON COLUMN clientapi.devices.localpart IS 'The owner';
COMMENT ON COLUMN clientapi.devices.device_id IS 'The device ID, chosen by the client or generated';
COMMENT ON COLUMN clientapi.devices.display_name IS 'The human-readable name; NULL if never set';
COMMENT ON COLUMN clientapi.devices.created_ts IS 'When the device was created';
COMMENT ON COLUMN clientapi.devices.last_seen_ts IS 'When the device last logged in';
COMMENT ON COLUMN clientapi.devices.last_seen_ip IS 'The client IP of that login';

CREATE TABLE clientapi.refresh_tokens (
    token_hash bytea PRIMARY KEY,
    localpart text NOT NULL,
    device_id text NOT NULL,
    previous_hash bytea,
    created_ts bigint NOT NULL,
    FOREIGN KEY (localpart, device_id) REFERENCES clientapi.devices (localpart, device_id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_device ON clientapi.refresh_tokens (localpart, device_id);
CREATE INDEX refresh_tokens_previous ON clientapi.refresh_tokens (previous_hash) WHERE previous_hash IS NOT NULL;
COMMENT ON TABLE clientapi.refresh_tokens IS 'Refresh tokens, stored only as hashes';
COMMENT ON COLUMN clientapi.refresh_tokens.token_hash IS 'SHA-256 of the refresh token';
COMMENT ON COLUMN clientapi.refresh_tokens.localpart IS 'The owner';
COMMENT ON COLUMN clientapi.refresh_tokens.device_id IS 'The device it refreshes';
COMMENT ON COLUMN clientapi.refresh_tokens.previous_hash IS 'The refresh token this one replaced, still valid until this one or its access token is first used';
COMMENT ON COLUMN clientapi.refresh_tokens.created_ts IS 'When it was issued';

CREATE TABLE clientapi.access_tokens (
    token_hash bytea PRIMARY KEY,
    localpart text NOT NULL,
    device_id text NOT NULL,
    refresh_token_hash bytea REFERENCES clientapi.refresh_tokens (token_hash) ON DELETE CASCADE,
    created_ts bigint NOT NULL,
    expires_ts bigint,
    FOREIGN KEY (localpart, device_id) REFERENCES clientapi.devices (localpart, device_id) ON DELETE CASCADE
);
CREATE INDEX access_tokens_device ON clientapi.access_tokens (localpart, device_id);
CREATE INDEX access_tokens_refresh ON clientapi.access_tokens (refresh_token_hash) WHERE refresh_token_hash IS NOT NULL;
COMMENT ON TABLE clientapi.access_tokens IS 'Access tokens, stored only as hashes and looked up by hash';
COMMENT ON COLUMN clientapi.access_tokens.token_hash IS 'SHA-256 of the access token';
COMMENT ON COLUMN clientapi.access_tokens.localpart IS 'The owner';
COMMENT ON COLUMN clientapi.access_tokens.device_id IS 'The device it belongs to';
COMMENT ON COLUMN clientapi.access_tokens.refresh_token_hash IS 'The refresh token issued with it; NULL for a non-expiring token';
COMMENT ON COLUMN clientapi.access_tokens.created_ts IS 'When it was issued';
COMMENT ON COLUMN clientapi.access_tokens.expires_ts IS 'When it expires; NULL for a token that never expires';

CREATE TABLE clientapi.profiles (
    localpart text PRIMARY KEY REFERENCES clientapi.accounts (localpart),
    displayname text,
    avatar_url text
);
COMMENT ON TABLE clientapi.profiles IS 'Global profiles of local users';
COMMENT ON COLUMN clientapi.profiles.localpart IS 'The user';
COMMENT ON COLUMN clientapi.profiles.displayname IS 'The display name; NULL when unset';
COMMENT ON COLUMN clientapi.profiles.avatar_url IS 'The avatar mxc:// URI; NULL when unset';

CREATE SEQUENCE clientapi.account_data_stream;
COMMENT ON SEQUENCE clientapi.account_data_stream IS 'Stream positions of account data writes, across all users';

CREATE TABLE clientapi.account_data (
    localpart text NOT NULL REFERENCES clientapi.accounts (localpart),
    room_id text NOT NULL,
    type text NOT NULL,
    content jsonb NOT NULL,
    stream_id bigint NOT NULL,
    PRIMARY KEY (localpart, room_id, type)
);
COMMENT ON TABLE clientapi.account_data IS 'Global and per-room account data, the latest content per type';
COMMENT ON COLUMN clientapi.account_data.localpart IS 'The owner';
COMMENT ON COLUMN clientapi.account_data.room_id IS 'The room for per-room account data; the empty string for global account data';
COMMENT ON COLUMN clientapi.account_data.type IS 'The account data type, e.g. m.direct';
COMMENT ON COLUMN clientapi.account_data.content IS 'The content, a JSON object as the client sent it';
COMMENT ON COLUMN clientapi.account_data.stream_id IS 'The position of the latest write, from clientapi.account_data_stream';

CREATE TABLE clientapi.filters (
    localpart text NOT NULL REFERENCES clientapi.accounts (localpart),
    filter_id bigint GENERATED ALWAYS AS IDENTITY,
    filter jsonb NOT NULL,
    PRIMARY KEY (localpart, filter_id)
);
COMMENT ON TABLE clientapi.filters IS 'Sync filters uploaded by users';
COMMENT ON COLUMN clientapi.filters.localpart IS 'The owner';
COMMENT ON COLUMN clientapi.filters.filter_id IS 'The filter ID returned to the client (as a string)';
COMMENT ON COLUMN clientapi.filters.filter IS 'The filter definition as the client sent it';

CREATE TABLE clientapi.uia_sessions (
    session_id text PRIMARY KEY,
    operation text NOT NULL,
    localpart text,
    completed text[] NOT NULL DEFAULT '{}',
    created_ts bigint NOT NULL
);
COMMENT ON TABLE clientapi.uia_sessions IS 'User-interactive authentication sessions, kept in the database so they survive restarts and are shared by replicas';
COMMENT ON COLUMN clientapi.uia_sessions.session_id IS 'The opaque session ID given to the client';
COMMENT ON COLUMN clientapi.uia_sessions.operation IS 'What the session authorises (e.g. "POST /register"); a session cannot be reused for another operation';
COMMENT ON COLUMN clientapi.uia_sessions.localpart IS 'The user the session is for; NULL for registration';
COMMENT ON COLUMN clientapi.uia_sessions.completed IS 'The stages completed so far';
COMMENT ON COLUMN clientapi.uia_sessions.created_ts IS 'When the session started; sessions expire a day later';

CREATE TABLE clientapi.admin_nonces (
    nonce text PRIMARY KEY,
    created_ts bigint NOT NULL
);
COMMENT ON TABLE clientapi.admin_nonces IS 'Single-use nonces for shared-secret registration (/_synapse/admin/v1/register)';
COMMENT ON COLUMN clientapi.admin_nonces.nonce IS 'The nonce handed out by GET';
COMMENT ON COLUMN clientapi.admin_nonces.created_ts IS 'When it was handed out; nonces expire after 60 s';
