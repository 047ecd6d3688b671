package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@code roomserver.forward_extremities}: the accepted events of each room nothing follows yet (read with their events:
 * {@link EventsTable#selectForwardExtremities}).
 */
public final class ForwardExtremitiesTable {
    private static final String INSERT = "INSERT INTO roomserver.forward_extremities (room_id, event_id) "
            + "VALUES (:room_id, :event_id) ON CONFLICT DO NOTHING";
    private static final String DELETE =
            "DELETE FROM roomserver.forward_extremities WHERE room_id = :room_id " + "AND event_id = ANY(:event_ids)";

    private final DatabaseClient client;

    public ForwardExtremitiesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String roomId, String eventId) {
        return client.sql(INSERT)
                .bind("room_id", roomId)
                .bind("event_id", eventId)
                .then();
    }

    /** Removes the extremities among {@code eventIds} (the prev_events of a new extremity). */
    public Mono<Void> delete(String roomId, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Mono.empty();
        }
        return client.sql(DELETE)
                .bind("room_id", roomId)
                .bind("event_ids", eventIds.toArray(String[]::new))
                .then();
    }
}
