package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.StoredReceipt;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code syncapi.receipts}: the newest receipt of each (room, user, type, thread), at its receipts stream position. */
public final class ReceiptsTable {
    /**
     * A new position when the receipt moved; nothing for a replay (same event and time) or an older record (an
     * earlier {@code ts}), so a redelivered record never moves a receipt back nor shows it twice.
     */
    private static final String UPSERT = "INSERT INTO syncapi.receipts"
            + " (room_id, user_id, receipt_type, thread_id, event_id, ts, position)"
            + " VALUES (:room_id, :user_id, :receipt_type, :thread_id, :event_id, :ts,"
            + " nextval('syncapi.receipt_position_seq'))"
            + " ON CONFLICT (room_id, user_id, receipt_type, thread_id) DO UPDATE"
            + " SET event_id = excluded.event_id, ts = excluded.ts, position = excluded.position"
            + " WHERE syncapi.receipts.ts <= excluded.ts"
            + " AND (syncapi.receipts.event_id, syncapi.receipts.ts) IS DISTINCT FROM (excluded.event_id, excluded.ts)"
            + " RETURNING position";

    private static final String SELECT_IN_ROOMS =
            "SELECT room_id, user_id, receipt_type, thread_id, event_id, ts, position FROM syncapi.receipts"
                    + " WHERE room_id = ANY(:room_ids) AND position > :after AND position <= :to ORDER BY position";

    private final DatabaseClient client;

    public ReceiptsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Stores a receipt; its new position, or empty when it changed nothing. */
    public Mono<OptionalLong> upsert(
            String roomId, String userId, String receiptType, Optional<String> threadId, String eventId, long ts) {
        return StreamPositions.returned(client.sql(UPSERT)
                .bind("room_id", roomId)
                .bind("user_id", userId)
                .bind("receipt_type", receiptType)
                .bind("thread_id", threadId.orElse(""))
                .bind("event_id", eventId)
                .bind("ts", ts));
    }

    /** The newest position; 0 when there is no receipt yet. */
    public Mono<Long> selectMaxPosition() {
        return StreamPositions.newest(client, "syncapi.receipts");
    }

    /** The receipts in these rooms with positions in (after, to], oldest first. */
    public Mono<List<StoredReceipt>> selectInRooms(Collection<String> roomIds, long after, long to) {
        if (roomIds.isEmpty()) {
            return Mono.just(List.of());
        }
        return client.sql(SELECT_IN_ROOMS)
                .bind("room_ids", roomIds.toArray(String[]::new))
                .bind("after", after)
                .bind("to", to)
                .map(row -> {
                    String thread = row.get("thread_id", String.class);
                    return new StoredReceipt(
                            row.get("room_id", String.class),
                            row.get("user_id", String.class),
                            row.get("receipt_type", String.class),
                            thread.isEmpty() ? Optional.empty() : Optional.of(thread),
                            row.get("event_id", String.class),
                            row.get("ts", Long.class),
                            row.get("position", Long.class));
                })
                .all()
                .collectList();
    }
}
