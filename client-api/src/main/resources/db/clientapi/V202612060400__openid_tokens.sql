CREATE TABLE clientapi.openid_tokens (
    token_hash bytea  PRIMARY KEY,
    localpart  text   NOT NULL REFERENCES clientapi.accounts (localpart),
    expires_ts bigint NOT NULL
);
COMMENT ON TABLE clientapi.openid_tokens IS 'OpenID tokens (POST /user/{userId}/openid/request_token) that third parties check through federation /openid/userinfo; only their SHA-256 is kept.';
CREATE INDEX openid_tokens_expires ON clientapi.openid_tokens (expires_ts);
