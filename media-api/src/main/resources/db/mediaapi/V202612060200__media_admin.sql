-- Administration of media: quarantine (media kept but served to nobody), and deletion, which must find whether any
-- other row still needs a content file before the file goes.
ALTER TABLE mediaapi.local_media ADD COLUMN quarantined_by TEXT;
ALTER TABLE mediaapi.remote_media ADD COLUMN quarantined_by TEXT;
COMMENT ON COLUMN mediaapi.local_media.quarantined_by IS 'The administrator who quarantined it; NULL when it is served. Quarantined media answers 404 to everyone, other servers included';
COMMENT ON COLUMN mediaapi.remote_media.quarantined_by IS 'The administrator who quarantined it; NULL when it is served. Quarantined media is neither served nor fetched again';

CREATE INDEX local_media_sha256_idx ON mediaapi.local_media (sha256);
CREATE INDEX remote_media_sha256_idx ON mediaapi.remote_media (sha256);
CREATE INDEX thumbnails_sha256_idx ON mediaapi.thumbnails (sha256);
