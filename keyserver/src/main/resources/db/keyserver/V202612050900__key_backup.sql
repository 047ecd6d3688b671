-- Server-side key backup (/room_keys): each user's backup versions and the Megolm session keys backed up in them,
-- encrypted by the client (session_data is opaque here). See keyserver/README.md.

CREATE TABLE keyserver.backup_versions (
    user_id   TEXT    NOT NULL,
    version   BIGINT  NOT NULL,
    algorithm TEXT    NOT NULL,
    auth_data TEXT    NOT NULL,
    etag      BIGINT  NOT NULL DEFAULT 0,
    deleted   BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (user_id, version)
);
COMMENT ON TABLE keyserver.backup_versions IS 'Key backup versions; the current one is the newest not deleted; numbers are never reused';
COMMENT ON COLUMN keyserver.backup_versions.auth_data IS 'The algorithm-specific auth_data as the client sent it (canonical JSON)';
COMMENT ON COLUMN keyserver.backup_versions.etag IS 'Bumped whenever the keys of the version change: the etag clients compare';
COMMENT ON COLUMN keyserver.backup_versions.deleted IS 'Deleted versions keep their number reserved and lose their keys';

CREATE TABLE keyserver.backup_keys (
    user_id             TEXT    NOT NULL,
    version             BIGINT  NOT NULL,
    room_id             TEXT    NOT NULL,
    session_id          TEXT    NOT NULL,
    first_message_index BIGINT  NOT NULL,
    forwarded_count     BIGINT  NOT NULL,
    is_verified         BOOLEAN NOT NULL,
    session_data        TEXT    NOT NULL,
    PRIMARY KEY (user_id, version, room_id, session_id),
    FOREIGN KEY (user_id, version) REFERENCES keyserver.backup_versions (user_id, version) ON DELETE CASCADE
);
COMMENT ON TABLE keyserver.backup_keys IS 'One backed-up Megolm session key per (user, version, room, session): the better key wins (verified, then lower first_message_index, then lower forwarded_count)';
COMMENT ON COLUMN keyserver.backup_keys.session_data IS 'The encrypted session key as the client sent it (canonical JSON, opaque to the server)';
