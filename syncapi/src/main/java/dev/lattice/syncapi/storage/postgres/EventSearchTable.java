package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code syncapi.event_search}: the searchable text of messages, names and topics, for {@code POST /search}. */
public final class EventSearchTable {
    /** Which content field of which event type is searchable, under which search key. */
    public static final Map<String, String> SEARCHABLE =
            Map.of("m.room.message", "content.body", "m.room.name", "content.name", "m.room.topic", "content.topic");

    private static final String INSERT = "INSERT INTO syncapi.event_search (event_id, room_id, position, key, vector)"
            + " VALUES (:event_id, :room_id, :position, :key, to_tsvector('simple', :text))"
            + " ON CONFLICT (event_id) DO NOTHING";

    /**
     * The search entry of the event a data-modifying {@code WITH} named {@code inserted} just stored (it returns the
     * event's {@code position}), for the same statement: the event ID and room are bound as {@code :event_id} and
     * {@code :room_id}, as the event's insert binds them, and the entry as {@code :search_key} and
     * {@code :search_text}.
     */
    static final String INSERT_FOR_INSERTED = "INSERT INTO syncapi.event_search (event_id, room_id, position, key,"
            + " vector) SELECT :event_id, :room_id, position, :search_key, to_tsvector('simple', :search_text)"
            + " FROM inserted ON CONFLICT (event_id) DO NOTHING";

    private static final String DELETE = "DELETE FROM syncapi.event_search WHERE event_id = :event_id";

    private static final String MATCHES = " FROM syncapi.event_search"
            + " WHERE room_id = ANY(:room_ids) AND key = ANY(:keys)"
            + " AND vector @@ websearch_to_tsquery('simple', :term)";

    private static final String SEARCH =
            "SELECT event_id, ts_rank(vector, websearch_to_tsquery('simple', :term))" + " AS rank" + MATCHES;

    private static final String COUNT = "SELECT count(*) AS n" + MATCHES;

    /** What an event is found by: its text, under its type's search key ({@link #SEARCHABLE}). */
    public record Entry(String key, String text) {
        public Entry {
            requireNonNull(key, "key is null");
            requireNonNull(text, "text is null");
        }

        /** The entry of an event of this type with this searchable text; none when the type is not searchable. */
        public static Optional<Entry> of(String type, Optional<String> text) {
            return Optional.ofNullable(SEARCHABLE.get(type)).flatMap(key -> text.map(t -> new Entry(key, t)));
        }
    }

    /** One match: the event and its rank (higher is better). */
    public record Match(String eventId, double rank) {}

    private final DatabaseClient client;

    public EventSearchTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Indexes an event by its search entry. */
    public Mono<Void> insert(String eventId, String roomId, long position, Entry entry) {
        return client.sql(INSERT)
                .bind("event_id", eventId)
                .bind("room_id", roomId)
                .bind("position", position)
                .bind("key", entry.key())
                .bind("text", entry.text())
                .then();
    }

    public Mono<Void> delete(String eventId) {
        return client.sql(DELETE).bind("event_id", eventId).then();
    }

    /** Matches in these rooms, by rank or by recency, skipping {@code offset}. */
    public Mono<List<Match>> search(
            Collection<String> roomIds, List<String> keys, String term, boolean byRank, int offset, int limit) {
        if (roomIds.isEmpty()) {
            return Mono.just(List.of());
        }
        return client.sql(SEARCH + (byRank ? " ORDER BY rank DESC, position DESC" : " ORDER BY position DESC")
                        + " OFFSET :offset LIMIT :limit")
                .bind("room_ids", roomIds.toArray(String[]::new))
                .bind("keys", keys.toArray(String[]::new))
                .bind("term", term)
                .bind("offset", offset)
                .bind("limit", limit)
                .map(row -> new Match(row.get("event_id", String.class), row.get("rank", Float.class)))
                .all()
                .collectList();
    }

    /** How many events match in these rooms. */
    public Mono<Long> count(Collection<String> roomIds, List<String> keys, String term) {
        if (roomIds.isEmpty()) {
            return Mono.just(0L);
        }
        return client.sql(COUNT)
                .bind("room_ids", roomIds.toArray(String[]::new))
                .bind("keys", keys.toArray(String[]::new))
                .bind("term", term)
                .map(row -> row.get("n", Long.class))
                .one();
    }
}
