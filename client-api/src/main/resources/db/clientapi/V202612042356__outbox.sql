-- The client-api's transactional outbox (common/runtime's dev.lattice.runtime.outbox.Outbox): clientapi.output
-- records written in the transaction of the write they announce, published after its commit, then deleted.
CREATE TABLE clientapi.outbox (
    seq        bigserial PRIMARY KEY,
    topic      text   NOT NULL,
    record_key text   NOT NULL,
    payload    bytea  NOT NULL,
    created_ts bigint NOT NULL
);
COMMENT ON TABLE clientapi.outbox IS 'Bus records written in the transaction of the write they announce, published after its commit (or by the sweeper after a crash) in seq order per key, then deleted.';
COMMENT ON COLUMN clientapi.outbox.seq IS 'Publication order within a key.';
COMMENT ON COLUMN clientapi.outbox.topic IS 'The unprefixed bus topic, e.g. clientapi.output.';
COMMENT ON COLUMN clientapi.outbox.record_key IS 'The record key: the user ID.';
COMMENT ON COLUMN clientapi.outbox.payload IS 'The record value: the ClientApiOutput as bus JSON.';
COMMENT ON COLUMN clientapi.outbox.created_ts IS 'When the row was written, ms since the epoch.';
CREATE INDEX outbox_key ON clientapi.outbox (record_key, seq);
