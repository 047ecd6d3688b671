-- Other servers' media, fetched over federation and cached here; and thumbnails keyed by the content they were made
-- from rather than by a local media ID, so local and cached remote media share one table (and identical content one
-- set of thumbnails).

CREATE TABLE mediaapi.remote_media (
    server_name   TEXT   NOT NULL,
    media_id      TEXT   NOT NULL,
    content_type  TEXT   NOT NULL,
    upload_name   TEXT,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT   NOT NULL,
    fetched_ts    BIGINT NOT NULL,
    PRIMARY KEY (server_name, media_id)
);
COMMENT ON TABLE mediaapi.remote_media IS 'Media of other servers (mxc://<server_name>/<media_id>) fetched over federation; written only once its content is durable in the store';
COMMENT ON COLUMN mediaapi.remote_media.server_name IS 'The server the media was uploaded to, as in its mxc:// URI';
COMMENT ON COLUMN mediaapi.remote_media.media_id IS 'The media ID of its mxc:// URI';
COMMENT ON COLUMN mediaapi.remote_media.content_type IS 'The Content-Type the other server gave, served back as is';
COMMENT ON COLUMN mediaapi.remote_media.upload_name IS 'The filename of the Content-Disposition the other server gave; NULL when none';
COMMENT ON COLUMN mediaapi.remote_media.size_bytes IS 'The length of the content in bytes';
COMMENT ON COLUMN mediaapi.remote_media.sha256 IS 'The lowercase hex SHA-256 of the content: its address in the media store';
COMMENT ON COLUMN mediaapi.remote_media.fetched_ts IS 'When it was fetched, in milliseconds since the Unix epoch (purging old cached media goes by it)';

CREATE INDEX remote_media_fetched_idx ON mediaapi.remote_media (fetched_ts);

CREATE TABLE mediaapi.thumbnails (
    source_sha256 TEXT   NOT NULL,
    width         INT    NOT NULL,
    height        INT    NOT NULL,
    method        TEXT   NOT NULL,
    content_type  TEXT   NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT   NOT NULL,
    created_ts    BIGINT NOT NULL,
    PRIMARY KEY (source_sha256, width, height, method)
);
COMMENT ON TABLE mediaapi.thumbnails IS 'Thumbnails generated (on demand), one per content, standard size and method: local and cached remote media with the same bytes share them';
COMMENT ON COLUMN mediaapi.thumbnails.source_sha256 IS 'The SHA-256 of the content the thumbnail was made from';
COMMENT ON COLUMN mediaapi.thumbnails.width IS 'The width of the standard size (e.g. 320 of 320x240) the thumbnail was made for; the image itself may be smaller (aspect kept, never upscaled)';
COMMENT ON COLUMN mediaapi.thumbnails.height IS 'The height of the standard size the thumbnail was made for';
COMMENT ON COLUMN mediaapi.thumbnails.method IS 'crop or scale, the spec''s thumbnailing methods';
COMMENT ON COLUMN mediaapi.thumbnails.content_type IS 'The thumbnail''s Content-Type: image/jpeg or image/png';
COMMENT ON COLUMN mediaapi.thumbnails.size_bytes IS 'The length of the encoded thumbnail in bytes';
COMMENT ON COLUMN mediaapi.thumbnails.sha256 IS 'The lowercase hex SHA-256 of the encoded thumbnail: its address in the media store';
COMMENT ON COLUMN mediaapi.thumbnails.created_ts IS 'When the thumbnail was generated, in milliseconds since the Unix epoch';

INSERT INTO mediaapi.thumbnails
        (source_sha256, width, height, method, content_type, size_bytes, sha256, created_ts)
    SELECT DISTINCT ON (m.sha256, t.width, t.height, t.method)
            m.sha256, t.width, t.height, t.method, t.content_type, t.size_bytes, t.sha256, t.created_ts
    FROM mediaapi.local_thumbnails t JOIN mediaapi.local_media m USING (media_id)
    ORDER BY m.sha256, t.width, t.height, t.method, t.created_ts;

DROP TABLE mediaapi.local_thumbnails;
