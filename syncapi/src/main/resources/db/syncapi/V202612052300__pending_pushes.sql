-- Pushes to the members' push gateways not yet delivered: written with the push actions that cause them (one
-- statement), deleted once delivered or given up, so a push survives a crash or a restart. See syncapi/README.md.

CREATE TABLE syncapi.pending_pushes (
    event_id        TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    room_id         TEXT    NOT NULL,
    actions         TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ts BIGINT  NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
COMMENT ON TABLE syncapi.pending_pushes IS 'One row per (event, local member with a notify outcome) still to be pushed to the member''s pushers';
COMMENT ON COLUMN syncapi.pending_pushes.actions IS 'The actions of the push rule that matched (JSON array): tweaks and highlight';
COMMENT ON COLUMN syncapi.pending_pushes.next_attempt_ts IS 'When the row may next be claimed: now when written, later after a failure or while a delivery holds it';

CREATE INDEX pending_pushes_due_idx ON syncapi.pending_pushes (next_attempt_ts);
