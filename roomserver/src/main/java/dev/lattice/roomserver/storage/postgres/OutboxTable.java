package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.roomserver.storage.OutboxRow;
import java.util.Collection;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@code roomserver.outbox}: {@code roomserver.output} records written with their event, published by the relay in
 * {@code seq} order.
 */
public final class OutboxTable {
    /** Any constant both relays agree on: only one relay publishes at a time, across every instance. */
    static final long RELAY_LOCK = 0x726f6f6d_6f757421L;

    private static final String INSERT = "INSERT INTO roomserver.outbox (room_id, event_id, payload, created_ts) "
            + "VALUES (:room_id, :event_id, :payload, :created_ts)";
    private static final String SELECT_UNSENT = "SELECT seq, room_id, event_id, payload FROM roomserver.outbox "
            + "WHERE sent_ts IS NULL ORDER BY seq LIMIT :limit";
    private static final String MARK_SENT = "UPDATE roomserver.outbox SET sent_ts = :sent_ts WHERE seq = ANY(:seqs)";
    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(:lock) AS locked";
    private static final String COUNT_UNSENT = "SELECT count(*) AS n FROM roomserver.outbox WHERE sent_ts IS NULL";

    private final DatabaseClient client;

    public OutboxTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String roomId, String eventId, byte[] payload, long createdTs) {
        return client.sql(INSERT)
                .bind("room_id", roomId)
                .bind("event_id", eventId)
                .bind("payload", payload)
                .bind("created_ts", createdTs)
                .then();
    }

    /** The oldest unsent rows, in {@code seq} order. */
    public Mono<List<OutboxRow>> selectUnsent(int limit) {
        return client.sql(SELECT_UNSENT)
                .bind("limit", limit)
                .map(row -> new OutboxRow(
                        Sql.requireLong(row, "seq"),
                        row.get("room_id", String.class),
                        row.get("event_id", String.class),
                        row.get("payload", byte[].class)))
                .all()
                .collectList();
    }

    public Mono<Void> markSent(Collection<Long> seqs, long sentTs) {
        if (seqs.isEmpty()) {
            return Mono.empty();
        }
        return client.sql(MARK_SENT)
                .bind("seqs", seqs.toArray(Long[]::new))
                .bind("sent_ts", sentTs)
                .then();
    }

    /** Takes the relay lock for the surrounding transaction; false when another relay holds it. */
    public Mono<Boolean> tryLockRelay() {
        return client.sql(TRY_LOCK)
                .bind("lock", RELAY_LOCK)
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one();
    }

    public Mono<Long> countUnsent() {
        return client.sql(COUNT_UNSENT).map(row -> Sql.requireLong(row, "n")).one();
    }
}
