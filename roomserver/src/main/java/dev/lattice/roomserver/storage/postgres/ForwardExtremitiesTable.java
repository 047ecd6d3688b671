package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Mono;

/**
 * {@code roomserver.forward_extremities}: the accepted events of each room nothing follows yet (read with their events
 * by {@link EventsTable#selectPrior}, with their depths by {@link CurrentStateTable#selectLatest}).
 */
public final class ForwardExtremitiesTable {
    private static final String INSERT = "INSERT INTO roomserver.forward_extremities (room_id, event_id) "
            + "VALUES (:room_id, :event_id) ON CONFLICT DO NOTHING";
    private static final String DELETE =
            "DELETE FROM roomserver.forward_extremities WHERE room_id = :room_id AND event_id = ANY(:event_ids)";
    /** Both, in one statement: the new extremity is never among those it removes (its own prev events). */
    private static final String REPLACE = "WITH removed AS (" + DELETE + ") " + INSERT;

    /**
     * {@link #replace} as parts of the event's insert ({@link EventsTable#insertAlone}), each done only when the part
     * {@code inserted} inserted the event; they bind {@code :room_id}, {@code :event_id}, {@code :removed_extremities}
     * and {@code :adds_extremity}.
     */
    static final String REMOVE_FOR_INSERTED = "DELETE FROM roomserver.forward_extremities WHERE room_id = :room_id"
            + " AND event_id = ANY(CAST(:removed_extremities AS text[])) AND EXISTS (SELECT 1 FROM inserted)";

    static final String ADD_INSERTED = "INSERT INTO roomserver.forward_extremities (room_id, event_id)"
            + " SELECT :room_id, :event_id FROM inserted WHERE :adds_extremity ON CONFLICT DO NOTHING";

    private final DatabaseClient client;

    public ForwardExtremitiesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /**
     * Removes the extremities among {@code removes} (the prev events of a new event) and adds {@code adds} (the new
     * event, when it becomes one), in one statement.
     */
    public Mono<Void> replace(String roomId, Collection<String> removes, Optional<String> adds) {
        if (removes.isEmpty() && adds.isEmpty()) {
            return Mono.empty();
        }
        String sql = removes.isEmpty() ? INSERT : adds.isEmpty() ? DELETE : REPLACE;
        GenericExecuteSpec spec = client.sql(sql).bind("room_id", roomId);
        if (!removes.isEmpty()) {
            spec = spec.bind("event_ids", removes.toArray(String[]::new));
        }
        if (adds.isPresent()) {
            spec = spec.bind("event_id", adds.get());
        }
        return spec.then();
    }
}
