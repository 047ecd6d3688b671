-- The keyserver's transactional outbox (common/runtime's dev.lattice.runtime.outbox.Outbox): keyserver.output
-- records written in the transaction of the key change they announce, published after its commit, then deleted.
CREATE TABLE keyserver.outbox (
    seq        bigserial PRIMARY KEY,
    topic      text   NOT NULL,
    record_key text   NOT NULL,
    payload    bytea  NOT NULL,
    created_ts bigint NOT NULL
);
COMMENT ON TABLE keyserver.outbox IS 'Bus records written in the transaction of the write they announce, published after its commit (or by the sweeper after a crash) in seq order per key, then deleted.';
COMMENT ON COLUMN keyserver.outbox.seq IS 'Publication order within a key.';
COMMENT ON COLUMN keyserver.outbox.topic IS 'The unprefixed bus topic, e.g. keyserver.output.';
COMMENT ON COLUMN keyserver.outbox.record_key IS 'The record key: the user ID.';
COMMENT ON COLUMN keyserver.outbox.payload IS 'The record value: a DeviceListChange as bus JSON.';
COMMENT ON COLUMN keyserver.outbox.created_ts IS 'When the row was written, ms since the epoch.';
CREATE INDEX outbox_key ON keyserver.outbox (record_key, seq);
