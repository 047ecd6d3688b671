-- The to-device inbox: messages for local devices, kept until the device acknowledges them with its next /sync.

CREATE TABLE syncapi.to_device_stream (
    id       integer PRIMARY KEY CHECK (id = 1),
    position bigint  NOT NULL
);
COMMENT ON TABLE syncapi.to_device_stream IS 'The to-device stream''s newest committed position, one row; writers update it in their transaction, which also serialises them, so a reader never sees a position whose messages are not committed.';
COMMENT ON COLUMN syncapi.to_device_stream.id IS 'Always 1.';
COMMENT ON COLUMN syncapi.to_device_stream.position IS 'The position of the newest committed message; 0 before the first.';
INSERT INTO syncapi.to_device_stream (id, position) VALUES (1, 0);

CREATE TABLE syncapi.to_device_messages (
    position   bigint PRIMARY KEY,
    user_id    text   NOT NULL,
    device_id  text   NOT NULL,
    sender     text   NOT NULL,
    type       text   NOT NULL,
    content    text   NOT NULL,
    created_ts bigint NOT NULL
);
COMMENT ON TABLE syncapi.to_device_messages IS 'To-device messages not yet acknowledged by their device.';
COMMENT ON COLUMN syncapi.to_device_messages.position IS 'The to-device stream position: increasing, drawn under the to_device_stream row lock.';
COMMENT ON COLUMN syncapi.to_device_messages.user_id IS 'The recipient, a local user.';
COMMENT ON COLUMN syncapi.to_device_messages.device_id IS 'The recipient device.';
COMMENT ON COLUMN syncapi.to_device_messages.sender IS 'The user who sent it.';
COMMENT ON COLUMN syncapi.to_device_messages.type IS 'The event type, e.g. m.room.encrypted.';
COMMENT ON COLUMN syncapi.to_device_messages.content IS 'The content as canonical JSON.';
COMMENT ON COLUMN syncapi.to_device_messages.created_ts IS 'When it was sent, ms since the epoch.';
CREATE INDEX to_device_messages_device ON syncapi.to_device_messages (user_id, device_id, position);

CREATE TABLE syncapi.to_device_transactions (
    sender        text   NOT NULL,
    sender_device text   NOT NULL,
    txn_id        text   NOT NULL,
    created_ts    bigint NOT NULL,
    PRIMARY KEY (sender, sender_device, txn_id)
);
COMMENT ON TABLE syncapi.to_device_transactions IS 'The PUT /sendToDevice transactions already handled: a retry of one sends nothing again.';
COMMENT ON COLUMN syncapi.to_device_transactions.sender IS 'The sending user.';
COMMENT ON COLUMN syncapi.to_device_transactions.sender_device IS 'The sending device: a txnId is scoped to it.';
COMMENT ON COLUMN syncapi.to_device_transactions.txn_id IS 'The client''s transaction ID.';
COMMENT ON COLUMN syncapi.to_device_transactions.created_ts IS 'When it was handled, ms since the epoch.';
