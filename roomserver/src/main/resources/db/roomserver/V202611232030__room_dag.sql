-- The room DAG: rooms, events (original bytes kept), state snapshots as bounded delta chains, current state,
-- forward extremities, client transactions, and the transactional outbox of roomserver.output.
-- roomserver/README.md describes the design.

CREATE TABLE roomserver.rooms (
    room_id         text   PRIMARY KEY,
    room_version    text   NOT NULL,
    create_event_id text   NOT NULL,
    created_ts      bigint NOT NULL
);
COMMENT ON TABLE roomserver.rooms IS 'Every room this server has a create event for; its row is locked while an event of the room is stored.';
COMMENT ON COLUMN roomserver.rooms.room_id IS 'The room ID.';
COMMENT ON COLUMN roomserver.rooms.room_version IS 'The room version from the create event; says how to parse and authorise every event of the room.';
COMMENT ON COLUMN roomserver.rooms.create_event_id IS 'The m.room.create event.';
COMMENT ON COLUMN roomserver.rooms.created_ts IS 'When this server stored the create event, ms since the epoch.';

CREATE TABLE roomserver.state_snapshots (
    snapshot_nid bigserial PRIMARY KEY,
    room_id      text      NOT NULL,
    parent_nid   bigint    REFERENCES roomserver.state_snapshots (snapshot_nid),
    chain_length integer   NOT NULL
);
COMMENT ON TABLE roomserver.state_snapshots IS 'A room state: a full list of entries, or a delta against a parent snapshot. Immutable.';
COMMENT ON COLUMN roomserver.state_snapshots.snapshot_nid IS 'Numeric ID, referenced by events and children.';
COMMENT ON COLUMN roomserver.state_snapshots.room_id IS 'The room whose state it is.';
COMMENT ON COLUMN roomserver.state_snapshots.parent_nid IS 'The snapshot this one is a delta against; null for a full snapshot.';
COMMENT ON COLUMN roomserver.state_snapshots.chain_length IS 'Deltas between this snapshot and its full ancestor (0 for a full one); bounded, so loading reads at most that many snapshots.';

CREATE TABLE roomserver.state_snapshot_entries (
    snapshot_nid bigint NOT NULL REFERENCES roomserver.state_snapshots (snapshot_nid),
    event_type   text   NOT NULL,
    state_key    text   NOT NULL,
    event_id     text,
    PRIMARY KEY (snapshot_nid, event_type, state_key)
);
COMMENT ON TABLE roomserver.state_snapshot_entries IS 'The entries of a snapshot: all of them for a full snapshot, the changes for a delta.';
COMMENT ON COLUMN roomserver.state_snapshot_entries.snapshot_nid IS 'The snapshot.';
COMMENT ON COLUMN roomserver.state_snapshot_entries.event_type IS 'The state entry''s event type.';
COMMENT ON COLUMN roomserver.state_snapshot_entries.state_key IS 'The state entry''s state key.';
COMMENT ON COLUMN roomserver.state_snapshot_entries.event_id IS 'The state event; null in a delta when the entry was removed relative to the parent.';

CREATE TABLE roomserver.events (
    event_nid        bigserial PRIMARY KEY,
    event_id         text      NOT NULL UNIQUE,
    room_id          text      NOT NULL,
    event_type       text      NOT NULL,
    state_key        text,
    sender           text      NOT NULL,
    depth            bigint    NOT NULL,
    origin_server_ts bigint    NOT NULL,
    membership       text,
    redacts          text,
    prev_event_ids   text[]    NOT NULL,
    auth_event_ids   text[]    NOT NULL,
    kind             text      NOT NULL,
    status           text      NOT NULL,
    reject_errcode   text,
    reject_reason    text,
    state_before_nid bigint    REFERENCES roomserver.state_snapshots (snapshot_nid),
    state_after_nid  bigint    REFERENCES roomserver.state_snapshots (snapshot_nid),
    pdu              bytea     NOT NULL,
    redacted_pdu     bytea,
    redacted_by      text,
    received_ts      bigint    NOT NULL
);
COMMENT ON TABLE roomserver.events IS 'Every event the roomserver decided on: accepted, soft-failed or rejected, with its original bytes.';
COMMENT ON COLUMN roomserver.events.event_nid IS 'Numeric ID in storage order; within a room, later means decided later.';
COMMENT ON COLUMN roomserver.events.event_id IS 'The event ID; a second input of the same ID gets the stored verdict again.';
COMMENT ON COLUMN roomserver.events.room_id IS 'The room.';
COMMENT ON COLUMN roomserver.events.event_type IS 'The event type, extracted from the PDU.';
COMMENT ON COLUMN roomserver.events.state_key IS 'The state key; null for a message event.';
COMMENT ON COLUMN roomserver.events.sender IS 'The sender''s user ID.';
COMMENT ON COLUMN roomserver.events.depth IS 'The depth the event claims; the newest forward extremities are the deepest.';
COMMENT ON COLUMN roomserver.events.origin_server_ts IS 'The sender''s timestamp, ms since the epoch.';
COMMENT ON COLUMN roomserver.events.membership IS 'content.membership of an m.room.member event; null otherwise.';
COMMENT ON COLUMN roomserver.events.redacts IS 'For m.room.redaction: the event it redacts.';
COMMENT ON COLUMN roomserver.events.prev_event_ids IS 'prev_events, in the PDU''s order.';
COMMENT ON COLUMN roomserver.events.auth_event_ids IS 'auth_events, in the PDU''s order; walked for auth chains.';
COMMENT ON COLUMN roomserver.events.kind IS 'How it arrived: new, outlier or backfilled.';
COMMENT ON COLUMN roomserver.events.status IS 'accepted, soft_failed or rejected.';
COMMENT ON COLUMN roomserver.events.reject_errcode IS 'For a rejected event: the Matrix errcode its verdict carried.';
COMMENT ON COLUMN roomserver.events.reject_reason IS 'For a rejected or soft-failed event: why.';
COMMENT ON COLUMN roomserver.events.state_before_nid IS 'The state before the event; null for outliers and rejected events.';
COMMENT ON COLUMN roomserver.events.state_after_nid IS 'The state after it: the same snapshot as before unless it is an accepted state event.';
COMMENT ON COLUMN roomserver.events.pdu IS 'The event exactly as received: canonical JSON, signatures included (not jsonb, which is not byte-exact).';
COMMENT ON COLUMN roomserver.events.redacted_pdu IS 'The redacted form, once a redaction took effect; what readers get.';
COMMENT ON COLUMN roomserver.events.redacted_by IS 'The m.room.redaction that took effect on it.';
COMMENT ON COLUMN roomserver.events.received_ts IS 'When this server stored it, ms since the epoch.';
CREATE INDEX events_room_memberships ON roomserver.events (room_id, state_key, event_nid)
    WHERE event_type = 'm.room.member' AND status = 'accepted';
CREATE INDEX events_redacts ON roomserver.events (redacts) WHERE redacts IS NOT NULL;

CREATE TABLE roomserver.current_state (
    room_id    text NOT NULL,
    event_type text NOT NULL,
    state_key  text NOT NULL,
    event_id   text NOT NULL,
    membership text,
    PRIMARY KEY (room_id, event_type, state_key)
);
COMMENT ON TABLE roomserver.current_state IS 'The current state of each room: the resolved state at its forward extremities.';
COMMENT ON COLUMN roomserver.current_state.room_id IS 'The room.';
COMMENT ON COLUMN roomserver.current_state.event_type IS 'The state entry''s event type.';
COMMENT ON COLUMN roomserver.current_state.state_key IS 'The state entry''s state key (the user ID for memberships).';
COMMENT ON COLUMN roomserver.current_state.event_id IS 'The state event.';
COMMENT ON COLUMN roomserver.current_state.membership IS 'For m.room.member: its membership, so a user''s rooms are one index scan.';
CREATE INDEX current_state_memberships ON roomserver.current_state (state_key, membership)
    WHERE event_type = 'm.room.member';

CREATE TABLE roomserver.forward_extremities (
    room_id  text NOT NULL,
    event_id text NOT NULL,
    PRIMARY KEY (room_id, event_id)
);
COMMENT ON TABLE roomserver.forward_extremities IS 'The accepted events of each room that no accepted event follows yet: the prev_events of the next event.';
COMMENT ON COLUMN roomserver.forward_extremities.room_id IS 'The room.';
COMMENT ON COLUMN roomserver.forward_extremities.event_id IS 'The extremity.';

CREATE TABLE roomserver.send_transactions (
    user_id        text   NOT NULL,
    device_id      text   NOT NULL,
    transaction_id text   NOT NULL,
    room_id        text   NOT NULL,
    event_id       text   NOT NULL,
    PRIMARY KEY (user_id, device_id, transaction_id)
);
COMMENT ON TABLE roomserver.send_transactions IS 'Which event each client transaction sent: txnId idempotency per device, across restarts.';
COMMENT ON COLUMN roomserver.send_transactions.user_id IS 'The sending user.';
COMMENT ON COLUMN roomserver.send_transactions.device_id IS 'The sending device.';
COMMENT ON COLUMN roomserver.send_transactions.transaction_id IS 'The client''s txnId.';
COMMENT ON COLUMN roomserver.send_transactions.room_id IS 'The room the event went to.';
COMMENT ON COLUMN roomserver.send_transactions.event_id IS 'The event the transaction sent.';

CREATE TABLE roomserver.outbox (
    seq        bigserial PRIMARY KEY,
    room_id    text      NOT NULL,
    event_id   text      NOT NULL,
    payload    bytea     NOT NULL,
    created_ts bigint    NOT NULL,
    sent_ts    bigint
);
COMMENT ON TABLE roomserver.outbox IS 'roomserver.output records, written in the transaction that stored their event and published by the relay in seq order.';
COMMENT ON COLUMN roomserver.outbox.seq IS 'Publication order; a room''s rows are in the order its events were decided.';
COMMENT ON COLUMN roomserver.outbox.room_id IS 'The room, the record key.';
COMMENT ON COLUMN roomserver.outbox.event_id IS 'The event the record is about (for logs and tests).';
COMMENT ON COLUMN roomserver.outbox.payload IS 'The OutputRoomEvent as bus JSON.';
COMMENT ON COLUMN roomserver.outbox.created_ts IS 'When the row was committed, ms since the epoch.';
COMMENT ON COLUMN roomserver.outbox.sent_ts IS 'When the relay had the broker''s acknowledgement; null while unsent.';
CREATE INDEX outbox_unsent ON roomserver.outbox (seq) WHERE sent_ts IS NULL;
