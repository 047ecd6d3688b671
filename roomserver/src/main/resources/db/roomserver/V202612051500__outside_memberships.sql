-- Memberships of our users in rooms this server does not hold (InputKind.OUTSIDE_MEMBERSHIP): an invite received
-- over federation, or the leave that rejected it. The latest per room and user; the room's own tables hold nothing
-- of it until this server joins.
CREATE TABLE roomserver.outside_memberships (
    room_id      text   NOT NULL,
    user_id      text   NOT NULL,
    event_id     text   NOT NULL UNIQUE,
    membership   text   NOT NULL,
    room_version text   NOT NULL,
    pdu          bytea  NOT NULL,
    received_ts  bigint NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
COMMENT ON TABLE roomserver.outside_memberships IS 'The latest membership event of each of our users in each room this server does not hold: an invite received over federation, or its rejection.';
COMMENT ON COLUMN roomserver.outside_memberships.pdu IS 'The event as received and countersigned, with unsigned.invite_room_state for an invite.';
