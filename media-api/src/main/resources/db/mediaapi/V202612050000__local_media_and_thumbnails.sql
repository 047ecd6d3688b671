-- The content repository's metadata. The bytes live in the media store (content-addressed by SHA-256, see
-- media-api/README.md); these tables say which media ID names which content, and which thumbnails exist.

CREATE TABLE mediaapi.local_media (
    media_id       TEXT    NOT NULL PRIMARY KEY,
    uploader       TEXT    NOT NULL,
    content_type   TEXT    NOT NULL,
    upload_name    TEXT,
    size_bytes     BIGINT  NOT NULL,
    sha256         TEXT    NOT NULL,
    created_ts     BIGINT  NOT NULL,
    authenticated  BOOLEAN NOT NULL
);
COMMENT ON TABLE mediaapi.local_media IS 'Media uploaded to this server, one row per mxc://<our server>/<media_id>; written only once its content is durable in the store';
COMMENT ON COLUMN mediaapi.local_media.media_id IS 'The media ID of the mxc:// URI: random, [A-Za-z0-9_-]';
COMMENT ON COLUMN mediaapi.local_media.uploader IS 'The user ID of who uploaded it';
COMMENT ON COLUMN mediaapi.local_media.content_type IS 'The Content-Type the upload carried (application/octet-stream when none), served back as is';
COMMENT ON COLUMN mediaapi.local_media.upload_name IS 'The filename query parameter of the upload; NULL when none was given';
COMMENT ON COLUMN mediaapi.local_media.size_bytes IS 'The length of the content in bytes';
COMMENT ON COLUMN mediaapi.local_media.sha256 IS 'The lowercase hex SHA-256 of the content: its address in the media store, shared by identical uploads';
COMMENT ON COLUMN mediaapi.local_media.created_ts IS 'When the upload completed, in milliseconds since the Unix epoch';
COMMENT ON COLUMN mediaapi.local_media.authenticated IS 'Uploaded while authenticated media was enforced (lattice.media.enable-authenticated-media): the deprecated unauthenticated endpoints do not serve it';

-- A user's uploads (quotas, admin listing).
CREATE INDEX local_media_uploader_idx ON mediaapi.local_media (uploader, created_ts);

CREATE TABLE mediaapi.local_thumbnails (
    media_id      TEXT   NOT NULL REFERENCES mediaapi.local_media (media_id) ON DELETE CASCADE,
    width         INT    NOT NULL,
    height        INT    NOT NULL,
    method        TEXT   NOT NULL,
    content_type  TEXT   NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT   NOT NULL,
    created_ts    BIGINT NOT NULL,
    PRIMARY KEY (media_id, width, height, method)
);
COMMENT ON TABLE mediaapi.local_thumbnails IS 'Thumbnails generated (on demand) for local media, one per standard size and method';
COMMENT ON COLUMN mediaapi.local_thumbnails.media_id IS 'The media the thumbnail was made from';
COMMENT ON COLUMN mediaapi.local_thumbnails.width IS 'The width of the standard size (e.g. 320 of 320x240) the thumbnail was made for; the image itself may be smaller (aspect kept, never upscaled)';
COMMENT ON COLUMN mediaapi.local_thumbnails.height IS 'The height of the standard size the thumbnail was made for';
COMMENT ON COLUMN mediaapi.local_thumbnails.method IS 'crop or scale, the spec''s thumbnailing methods';
COMMENT ON COLUMN mediaapi.local_thumbnails.content_type IS 'The thumbnail''s Content-Type: image/jpeg or image/png';
COMMENT ON COLUMN mediaapi.local_thumbnails.size_bytes IS 'The length of the encoded thumbnail in bytes';
COMMENT ON COLUMN mediaapi.local_thumbnails.sha256 IS 'The lowercase hex SHA-256 of the encoded thumbnail: its address in the media store';
COMMENT ON COLUMN mediaapi.local_thumbnails.created_ts IS 'When the thumbnail was generated, in milliseconds since the Unix epoch';
