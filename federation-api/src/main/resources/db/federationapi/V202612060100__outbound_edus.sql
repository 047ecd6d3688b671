-- EDUs that must not be lost, waiting to be sent to another server: to-device messages (m.direct_to_device) and our
-- users' device-list and cross-signing changes. Typing and receipts are not kept here: they are worth nothing later.
-- A row goes once the destination acknowledged the transaction that carried it.
CREATE TABLE federationapi.outbound_edus (
    seq         BIGSERIAL PRIMARY KEY,
    destination TEXT   NOT NULL,
    edu_key     TEXT   NOT NULL,
    edu_json    TEXT   NOT NULL,
    queued_ts   BIGINT NOT NULL,
    UNIQUE (destination, edu_key)
);
CREATE INDEX outbound_edus_destination_seq ON federationapi.outbound_edus (destination, seq);
