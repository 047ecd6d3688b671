-- Transactions received from other servers (PUT /send/{txnId}), with the answer given: a retried transaction gets
-- the same answer and is not processed twice.
CREATE TABLE federationapi.received_transactions (
    origin        TEXT   NOT NULL,
    txn_id        TEXT   NOT NULL,
    response_json TEXT   NOT NULL,
    received_ts   BIGINT NOT NULL,
    PRIMARY KEY (origin, txn_id)
);

-- PDUs waiting to be sent to another server, in the order they were queued; a row goes once the destination
-- acknowledged the transaction that carried it.
CREATE TABLE federationapi.outbound_pdus (
    seq         BIGSERIAL PRIMARY KEY,
    destination TEXT   NOT NULL,
    event_id    TEXT   NOT NULL,
    pdu_json    TEXT   NOT NULL,
    queued_ts   BIGINT NOT NULL,
    UNIQUE (destination, event_id)
);
CREATE INDEX outbound_pdus_destination_seq ON federationapi.outbound_pdus (destination, seq);
