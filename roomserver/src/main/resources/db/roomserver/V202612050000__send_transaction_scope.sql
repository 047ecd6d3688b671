-- A txnId is scoped to the device and the request (spec "Transaction identifiers"; Synapse keys on the request path
-- and the device): the same txnId in another room, for another event type or on /redact instead of /send is another
-- transaction. Rows written before this have no endpoint (''), so no new request matches them.

ALTER TABLE roomserver.send_transactions ADD COLUMN endpoint text NOT NULL DEFAULT '';
COMMENT ON COLUMN roomserver.send_transactions.endpoint IS 'The request''s path parameters besides the room and the txnId: send/<event type> or redact/<event ID>; '''' for rows from before the scope existed.';
COMMENT ON COLUMN roomserver.send_transactions.room_id IS 'The room of the request, part of the transaction''s scope; the event went there.';
ALTER TABLE roomserver.send_transactions DROP CONSTRAINT send_transactions_pkey;
ALTER TABLE roomserver.send_transactions ADD PRIMARY KEY (user_id, device_id, room_id, endpoint, transaction_id);
COMMENT ON TABLE roomserver.send_transactions IS 'Which event each client transaction sent: txnId idempotency per device and request, across restarts.';
