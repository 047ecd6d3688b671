package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code roomserver.partial_state_events}: the events decided while their room's state was partial. */
public final class PartialStateEventsTable {
    private static final String INSERT = "INSERT INTO roomserver.partial_state_events (event_id, room_id)"
            + " VALUES (:event_id, :room_id) ON CONFLICT DO NOTHING";
    private static final String SELECT_STATES = "SELECT e.event_id, e.state_before_nid, e.state_after_nid"
            + " FROM roomserver.partial_state_events p JOIN roomserver.events e USING (event_id)"
            + " WHERE p.room_id = :room_id AND e.state_before_nid IS NOT NULL ORDER BY e.event_nid";
    private static final String UPDATE_STATES = "UPDATE roomserver.events e"
            + " SET state_before_nid = x.before_nid, state_after_nid = x.after_nid"
            + " FROM unnest(:event_ids::text[], :before_nids::bigint[], :after_nids::bigint[])"
            + " AS x(event_id, before_nid, after_nid) WHERE e.event_id = x.event_id";
    private static final String DELETE_ROOM = "DELETE FROM roomserver.partial_state_events WHERE room_id = :room_id";

    /** An event's state snapshots, before and after it. */
    public record States(String eventId, long beforeNid, long afterNid) {
        public States {
            requireNonNull(eventId, "eventId is null");
        }
    }

    private final DatabaseClient client;

    public PartialStateEventsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String roomId, String eventId) {
        return client.sql(INSERT)
                .bind("event_id", eventId)
                .bind("room_id", roomId)
                .then();
    }

    /** The room's partial-state events with state, in the order they were decided. */
    public Mono<List<States>> selectStates(String roomId) {
        return client.sql(SELECT_STATES)
                .bind("room_id", roomId)
                .map(row -> new States(
                        row.get("event_id", String.class),
                        Sql.requireLong(row, "state_before_nid"),
                        Sql.requireLong(row, "state_after_nid")))
                .all()
                .collectList();
    }

    /** Points each event at its new snapshots (one statement for all). */
    public Mono<Void> updateStates(List<States> states) {
        if (states.isEmpty()) {
            return Mono.empty();
        }
        return client.sql(UPDATE_STATES)
                .bind("event_ids", states.stream().map(States::eventId).toArray(String[]::new))
                .bind("before_nids", states.stream().map(States::beforeNid).toArray(Long[]::new))
                .bind("after_nids", states.stream().map(States::afterNid).toArray(Long[]::new))
                .then();
    }

    /** The room's state is complete: none of its events is partial any more. */
    public Mono<Void> deleteRoom(String roomId) {
        return client.sql(DELETE_ROOM).bind("room_id", roomId).then();
    }
}
