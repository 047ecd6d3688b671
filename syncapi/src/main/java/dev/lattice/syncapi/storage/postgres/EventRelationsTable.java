package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.Relation;
import dev.lattice.syncapi.storage.ThreadSummary;
import io.r2dbc.spi.Readable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code syncapi.event_relations}: which event relates to which, with what {@code rel_type}. */
public final class EventRelationsTable {
    private static final String INSERT = "INSERT INTO syncapi.event_relations"
            + " (event_id, room_id, relates_to, rel_type, type, sender, position)"
            + " VALUES (:event_id, :room_id, :relates_to, :rel_type, :type, :sender, :position)"
            + " ON CONFLICT (event_id) DO NOTHING";

    private static final String DELETE = "DELETE FROM syncapi.event_relations WHERE event_id = :event_id";

    private static final String COLUMNS = "event_id, relates_to, rel_type, type, sender, position";

    private static final String SELECT_OF_TYPES = "SELECT " + COLUMNS + " FROM syncapi.event_relations"
            + " WHERE relates_to = ANY(:parents) AND rel_type = ANY(:rel_types) ORDER BY position";

    private static final String SELECT_REL_TYPES =
            "SELECT DISTINCT relates_to, rel_type FROM syncapi.event_relations" + " WHERE relates_to = ANY(:parents)";

    private static final String SELECT_THREADS = "SELECT relates_to, count(*) AS n,"
            + " (array_agg(event_id ORDER BY position DESC))[1] AS latest, array_agg(DISTINCT sender) AS senders"
            + " FROM syncapi.event_relations WHERE relates_to = ANY(:parents) AND rel_type = 'm.thread'"
            + " GROUP BY relates_to";

    private static final String SELECT_CHILDREN = "SELECT " + COLUMNS + " FROM syncapi.event_relations"
            + " WHERE relates_to = ANY(:parents) AND (:rel_type = '' OR rel_type = :rel_type)"
            + " AND (:type = '' OR type = :type) AND position > :after AND position < :before";
    private static final String NEWEST_FIRST = " ORDER BY position DESC LIMIT :limit";
    private static final String OLDEST_FIRST = " ORDER BY position LIMIT :limit";

    /**
     * Thread roots of a room by latest activity: root, latest reply position. A participant sent the root or a
     * reply.
     */
    private static final String SELECT_THREAD_ROOTS = "SELECT r.relates_to, max(r.position) AS latest"
            + " FROM syncapi.event_relations r JOIN syncapi.output_room_events root ON root.event_id = r.relates_to"
            + " WHERE r.room_id = :room_id AND r.rel_type = 'm.thread'"
            + " GROUP BY r.relates_to, root.sender"
            + " HAVING max(r.position) < :before"
            + " AND (:participant = '' OR root.sender = :participant OR bool_or(r.sender = :participant))"
            + " ORDER BY latest DESC LIMIT :limit";

    private final DatabaseClient client;

    public EventRelationsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String roomId, Relation relation) {
        return client.sql(INSERT)
                .bind("event_id", relation.eventId())
                .bind("room_id", roomId)
                .bind("relates_to", relation.relatesTo())
                .bind("rel_type", relation.relType())
                .bind("type", relation.type())
                .bind("sender", relation.sender())
                .bind("position", relation.position())
                .then();
    }

    /** Forgets the relation of a redacted event (redaction strips {@code m.relates_to}). */
    public Mono<Void> delete(String eventId) {
        return client.sql(DELETE).bind("event_id", eventId).then();
    }

    /** Of these parents, those with children, each with its children's relation types. */
    public Mono<Map<String, Set<String>>> selectRelTypes(Collection<String> parents) {
        if (parents.isEmpty()) {
            return Mono.just(Map.of());
        }
        return client.sql(SELECT_REL_TYPES)
                .bind("parents", parents.toArray(String[]::new))
                .map(row -> Map.entry(row.get("relates_to", String.class), row.get("rel_type", String.class)))
                .all()
                .collect(Collectors.groupingBy(
                        Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toSet())));
    }

    /** The relations of these types to these parents, in stream order. */
    public Mono<List<Relation>> selectOfTypes(Collection<String> parents, Collection<String> relTypes) {
        if (parents.isEmpty()) {
            return Mono.just(List.of());
        }
        return client.sql(SELECT_OF_TYPES)
                .bind("parents", parents.toArray(String[]::new))
                .bind("rel_types", relTypes.toArray(String[]::new))
                .map(EventRelationsTable::relation)
                .all()
                .collectList();
    }

    /** The threads rooted at these events. */
    public Mono<List<ThreadSummary>> selectThreads(Collection<String> roots) {
        if (roots.isEmpty()) {
            return Mono.just(List.of());
        }
        return client.sql(SELECT_THREADS)
                .bind("parents", roots.toArray(String[]::new))
                .map(row -> new ThreadSummary(
                        row.get("relates_to", String.class),
                        row.get("n", Long.class),
                        row.get("latest", String.class),
                        Set.of(row.get("senders", String[].class))))
                .all()
                .collectList();
    }

    /**
     * The children of these parents at positions in (after, before), filtered by rel_type and event type when given:
     * at most {@code limit}, the newest or the oldest first.
     */
    public Mono<List<Relation>> selectChildren(
            Collection<String> parents,
            Optional<String> relType,
            Optional<String> type,
            long after,
            long before,
            int limit,
            boolean newestFirst) {
        if (parents.isEmpty()) {
            return Mono.just(List.of());
        }
        return client.sql(SELECT_CHILDREN + (newestFirst ? NEWEST_FIRST : OLDEST_FIRST))
                .bind("parents", parents.toArray(String[]::new))
                .bind("rel_type", relType.orElse(""))
                .bind("type", type.orElse(""))
                .bind("after", after)
                .bind("before", before)
                .bind("limit", limit)
                .map(EventRelationsTable::relation)
                .all()
                .collectList();
    }

    /** A room's thread roots with activity before {@code before}, newest activity first: root → latest position. */
    public Mono<List<Map.Entry<String, Long>>> selectThreadRoots(
            String roomId, Optional<String> participant, long before, int limit) {
        return client.sql(SELECT_THREAD_ROOTS)
                .bind("room_id", roomId)
                .bind("participant", participant.orElse(""))
                .bind("before", before)
                .bind("limit", limit)
                .map(row -> Map.entry(row.get("relates_to", String.class), row.get("latest", Long.class)))
                .all()
                .collectList();
    }

    private static Relation relation(Readable row) {
        return new Relation(
                row.get("event_id", String.class),
                row.get("relates_to", String.class),
                row.get("rel_type", String.class),
                row.get("type", String.class),
                row.get("sender", String.class),
                row.get("position", Long.class));
    }
}
