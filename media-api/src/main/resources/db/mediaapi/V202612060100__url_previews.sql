-- URL previews (GET /_matrix/client/v1/media/preview_url), cached by URL for an hour.
CREATE TABLE mediaapi.url_previews (
    url         TEXT   NOT NULL,
    fetched_ts  BIGINT NOT NULL,
    expires_ts  BIGINT NOT NULL,
    og          TEXT   NOT NULL,
    PRIMARY KEY (url, fetched_ts)
);
COMMENT ON TABLE mediaapi.url_previews IS 'Previews made of URLs, each kept until expires_ts; a URL has one row per time it was fetched';
COMMENT ON COLUMN mediaapi.url_previews.url IS 'The URL as the client asked for it (at most 4096 characters)';
COMMENT ON COLUMN mediaapi.url_previews.fetched_ts IS 'When the preview was made, in milliseconds since the Unix epoch: the ts parameter picks by it';
COMMENT ON COLUMN mediaapi.url_previews.expires_ts IS 'Until when the preview is served, in milliseconds since the Unix epoch';
COMMENT ON COLUMN mediaapi.url_previews.og IS 'The answer: a JSON object of OpenGraph properties, og:image an mxc:// URI of media stored here';
CREATE INDEX url_previews_expires_idx ON mediaapi.url_previews (expires_ts);
