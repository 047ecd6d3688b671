package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.PendingPush;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code syncapi.pending_pushes}: pushes written with their push actions and not yet delivered. */
public final class PendingPushesTable {
    /**
     * Claims due rows: moves their next attempt to the end of the lease, so that no other delivery (another replica,
     * or this one's next round) takes them while this one works, and a delivery that dies lets them come back.
     */
    private static final String CLAIM = "UPDATE syncapi.pending_pushes p SET next_attempt_ts = :lease_end,"
            + " attempts = p.attempts + 1 FROM (SELECT event_id, user_id FROM syncapi.pending_pushes"
            + " WHERE next_attempt_ts <= :now ORDER BY next_attempt_ts LIMIT :limit FOR UPDATE SKIP LOCKED) due"
            + " WHERE p.event_id = due.event_id AND p.user_id = due.user_id"
            + " RETURNING p.event_id, p.user_id, p.room_id, p.actions, p.attempts";

    private static final String DELETE =
            "DELETE FROM syncapi.pending_pushes WHERE event_id = :event_id AND user_id = :user_id";
    private static final String DEFER = "UPDATE syncapi.pending_pushes SET next_attempt_ts = :next_attempt_ts"
            + " WHERE event_id = :event_id AND user_id = :user_id";

    private final DatabaseClient client;

    public PendingPushesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<List<PendingPush>> claim(long now, long leaseEnd, int limit) {
        return client.sql(CLAIM)
                .bind("now", now)
                .bind("lease_end", leaseEnd)
                .bind("limit", limit)
                .map(row -> new PendingPush(
                        row.get("event_id", String.class),
                        row.get("user_id", String.class),
                        row.get("room_id", String.class),
                        row.get("actions", String.class),
                        row.get("attempts", Integer.class)))
                .all()
                .collectList();
    }

    public Mono<Void> delete(String eventId, String userId) {
        return client.sql(DELETE)
                .bind("event_id", eventId)
                .bind("user_id", userId)
                .then();
    }

    public Mono<Void> defer(String eventId, String userId, long nextAttemptTs) {
        return client.sql(DEFER)
                .bind("event_id", eventId)
                .bind("user_id", userId)
                .bind("next_attempt_ts", nextAttemptTs)
                .then();
    }
}
