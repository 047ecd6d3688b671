-- Which events relate to which (content.m.relates_to): for /relations, /threads and the bundled aggregations in
-- every timeline (edits, thread summaries, references). See syncapi/README.md.

CREATE TABLE syncapi.event_relations (
    event_id   TEXT   PRIMARY KEY,
    room_id    TEXT   NOT NULL,
    relates_to TEXT   NOT NULL,
    rel_type   TEXT   NOT NULL,
    type       TEXT   NOT NULL,
    sender     TEXT   NOT NULL,
    position   BIGINT NOT NULL
);
COMMENT ON TABLE syncapi.event_relations IS 'One row per event with a content.m.relates_to (rel_type and event_id); removed when the event is redacted';
COMMENT ON COLUMN syncapi.event_relations.event_id IS 'The relating (child) event';
COMMENT ON COLUMN syncapi.event_relations.relates_to IS 'The event it relates to (the parent)';
COMMENT ON COLUMN syncapi.event_relations.rel_type IS 'm.replace, m.thread, m.reference, m.annotation or any other rel_type';
COMMENT ON COLUMN syncapi.event_relations.type IS 'The child''s event type';
COMMENT ON COLUMN syncapi.event_relations.position IS 'The child''s stream position (output_room_events.position)';

-- A parent's children of a type, in stream order (/relations, aggregations).
CREATE INDEX event_relations_parent_idx ON syncapi.event_relations (relates_to, rel_type, position);
-- A room's thread roots (/threads).
CREATE INDEX event_relations_room_type_idx ON syncapi.event_relations (room_id, rel_type, position);

-- The relations of events stored before this table existed.
INSERT INTO syncapi.event_relations (event_id, room_id, relates_to, rel_type, type, sender, position)
SELECT event_id, room_id,
       event_json::jsonb -> 'content' -> 'm.relates_to' ->> 'event_id',
       event_json::jsonb -> 'content' -> 'm.relates_to' ->> 'rel_type',
       type, sender, position
FROM syncapi.output_room_events
WHERE redacted_because IS NULL
  AND jsonb_typeof(event_json::jsonb -> 'content' -> 'm.relates_to') = 'object'
  AND jsonb_typeof(event_json::jsonb -> 'content' -> 'm.relates_to' -> 'event_id') = 'string'
  AND jsonb_typeof(event_json::jsonb -> 'content' -> 'm.relates_to' -> 'rel_type') = 'string'
ON CONFLICT (event_id) DO NOTHING;
