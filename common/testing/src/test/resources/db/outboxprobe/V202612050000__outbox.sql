-- A test-only schema for OutboxIT: the outbox table every service creates (see dev.lattice.runtime.outbox.Outbox),
-- and a data table whose rows the outbox records announce.
CREATE TABLE outbox (
    -- publication order within a key
    seq        BIGSERIAL PRIMARY KEY,
    -- the unprefixed bus topic
    topic      TEXT   NOT NULL,
    -- the record key
    record_key TEXT   NOT NULL,
    -- the record value
    payload    BYTEA  NOT NULL,
    -- when the row was written, ms since the epoch
    created_ts BIGINT NOT NULL
);
CREATE INDEX outbox_key ON outbox (record_key, seq);

CREATE TABLE notes (
    -- the note's name, chosen by the test; also what its outbox record carries
    name TEXT PRIMARY KEY
);
