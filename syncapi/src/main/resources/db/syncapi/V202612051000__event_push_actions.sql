-- Push rule outcomes: for each event, the local members its push rules told to notify (and to highlight), the
-- source of /sync's unread_notifications (those after the member's read receipt). See syncapi/README.md.

CREATE TABLE syncapi.event_push_actions (
    event_id  TEXT    NOT NULL,
    user_id   TEXT    NOT NULL,
    room_id   TEXT    NOT NULL,
    position  BIGINT  NOT NULL,
    thread_id TEXT    NOT NULL,
    highlight BOOLEAN NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
COMMENT ON TABLE syncapi.event_push_actions IS 'One row per (event, local member) the member''s push rules said to notify about';
COMMENT ON COLUMN syncapi.event_push_actions.position IS 'The event''s stream position: counted when after the member''s read receipt';
COMMENT ON COLUMN syncapi.event_push_actions.thread_id IS 'The thread root for an event in a thread; the empty string for the main timeline';
COMMENT ON COLUMN syncapi.event_push_actions.highlight IS 'Whether the rule also set the highlight tweak';

-- A member's notifications in their rooms after a position.
CREATE INDEX event_push_actions_user_room_idx ON syncapi.event_push_actions (user_id, room_id, position);
