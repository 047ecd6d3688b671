-- Full-text search over the read model (POST /search, room_events): the searchable text of each message, name and
-- topic event, with its stream position. PostgreSQL's 'simple' configuration: no stemming, any language.
-- See syncapi/README.md.

CREATE TABLE syncapi.event_search (
    event_id TEXT     PRIMARY KEY,
    room_id  TEXT     NOT NULL,
    position BIGINT   NOT NULL,
    key      TEXT     NOT NULL,
    vector   TSVECTOR NOT NULL
);
COMMENT ON TABLE syncapi.event_search IS 'The searchable text of events (content.body, content.name or content.topic); removed when the event is redacted';
COMMENT ON COLUMN syncapi.event_search.key IS 'content.body, content.name or content.topic: what the search keys filter on';

CREATE INDEX event_search_vector_idx ON syncapi.event_search USING GIN (vector);
CREATE INDEX event_search_room_position_idx ON syncapi.event_search (room_id, position);

-- The events stored before this table existed.
INSERT INTO syncapi.event_search (event_id, room_id, position, key, vector)
SELECT event_id, room_id, position,
       CASE type WHEN 'm.room.message' THEN 'content.body' WHEN 'm.room.name' THEN 'content.name' ELSE 'content.topic' END,
       to_tsvector('simple', COALESCE(event_json::jsonb -> 'content' ->> (CASE type WHEN 'm.room.message' THEN 'body'
                                                                               WHEN 'm.room.name' THEN 'name'
                                                                               ELSE 'topic' END), ''))
FROM syncapi.output_room_events
WHERE redacted_because IS NULL AND type IN ('m.room.message', 'm.room.name', 'm.room.topic')
ON CONFLICT (event_id) DO NOTHING;
