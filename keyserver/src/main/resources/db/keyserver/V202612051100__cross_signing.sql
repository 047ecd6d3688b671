-- Cross-signing: each user's master, self-signing and user-signing keys, and the signatures made with them (or by
-- devices on the master key) that /keys/signatures/upload stores. See keyserver/README.md.

CREATE TABLE keyserver.cross_signing_keys (
    user_id    TEXT   NOT NULL,
    usage      TEXT   NOT NULL,
    public_key TEXT   NOT NULL,
    key_json   TEXT   NOT NULL,
    updated_ts BIGINT NOT NULL,
    PRIMARY KEY (user_id, usage)
);
COMMENT ON TABLE keyserver.cross_signing_keys IS 'The current cross-signing key of each usage of each user, as uploaded (canonical JSON, signatures included)';
COMMENT ON COLUMN keyserver.cross_signing_keys.usage IS 'master, self_signing or user_signing';
COMMENT ON COLUMN keyserver.cross_signing_keys.public_key IS 'The unpadded base64 Ed25519 public key (the key ID after ed25519:)';

CREATE TABLE keyserver.cross_signing_signatures (
    target_user_id TEXT NOT NULL,
    target_key_id  TEXT NOT NULL,
    signer_user_id TEXT NOT NULL,
    signer_key_id  TEXT NOT NULL,
    signature      TEXT NOT NULL,
    PRIMARY KEY (target_user_id, target_key_id, signer_user_id, signer_key_id)
);
COMMENT ON TABLE keyserver.cross_signing_signatures IS 'Signatures uploaded with /keys/signatures/upload, merged into /keys/query answers';
COMMENT ON COLUMN keyserver.cross_signing_signatures.target_key_id IS 'A device ID, or the public key of a master key';
COMMENT ON COLUMN keyserver.cross_signing_signatures.signer_key_id IS 'ed25519:<device ID or public key> of the signing key';
