-- Asynchronous uploads (POST /_matrix/media/v1/create): media IDs handed out before their content is uploaded
-- (PUT /_matrix/media/v3/upload/{serverName}/{mediaId}); the row goes once the content is stored, or when it expires.
CREATE TABLE mediaapi.pending_media (
    media_id   TEXT   NOT NULL PRIMARY KEY,
    uploader   TEXT   NOT NULL,
    created_ts BIGINT NOT NULL,
    expires_ts BIGINT NOT NULL
);
COMMENT ON TABLE mediaapi.pending_media IS 'Media IDs created for a later upload by their uploader, until expires_ts';
CREATE INDEX pending_media_uploader_idx ON mediaapi.pending_media (uploader, expires_ts);
