package dev.lattice.runtime.outbox;

import static java.util.Objects.requireNonNull;

import io.r2dbc.spi.Readable;
import java.util.Collection;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@code <schema>.outbox}: bus records written with the data they announce, deleted once published. The table is
 * created by the owning service's own Flyway migration (see {@link Outbox} for its columns).
 */
final class OutboxTable {
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(:lock, 0))";
    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtextextended(:lock, 0)) AS locked";

    private final DatabaseClient client;
    private final String schema;
    // The statements name the owning service's schema, so they are built once per instance.
    private final String insert;
    private final String selectKey;
    private final String selectOldest;
    private final String delete;
    private final String count;

    OutboxTable(DatabaseClient client, String schema) {
        this.client = requireNonNull(client, "client is null");
        this.schema = requireNonNull(schema, "schema is null");
        String table = schema + ".outbox";
        this.insert = "INSERT INTO " + table + " (topic, record_key, payload, created_ts) "
                + "VALUES (:topic, :record_key, :payload, :created_ts) RETURNING seq";
        this.selectKey = "SELECT seq, topic, record_key, payload FROM " + table
                + " WHERE record_key = :record_key AND seq <= :up_to ORDER BY seq LIMIT :limit";
        this.selectOldest = "SELECT seq, topic, record_key, payload FROM " + table + " ORDER BY seq LIMIT :limit";
        this.delete = "DELETE FROM " + table + " WHERE seq = ANY(:seqs)";
        this.count = "SELECT count(*) AS n FROM " + table;
    }

    /** Inserts a row in the surrounding transaction; emits its {@code seq}. */
    Mono<Long> insert(String topic, String key, byte[] payload, long createdTs) {
        return client.sql(insert)
                .bind("topic", topic)
                .bind("record_key", key)
                .bind("payload", payload)
                .bind("created_ts", createdTs)
                .map(row -> requireLong(row, "seq"))
                .one();
    }

    /** The oldest rows of {@code key} up to {@code upTo}, in {@code seq} order. */
    Mono<List<OutboxRow>> selectKey(String key, long upTo, int limit) {
        return client.sql(selectKey)
                .bind("record_key", key)
                .bind("up_to", upTo)
                .bind("limit", limit)
                .map(OutboxTable::row)
                .all()
                .collectList();
    }

    /** The oldest rows of every key, in {@code seq} order. */
    Mono<List<OutboxRow>> selectOldest(int limit) {
        return client.sql(selectOldest)
                .bind("limit", limit)
                .map(OutboxTable::row)
                .all()
                .collectList();
    }

    Mono<Void> delete(Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return Mono.empty();
        }
        return client.sql(delete).bind("seqs", seqs.toArray(Long[]::new)).then();
    }

    Mono<Long> count() {
        return client.sql(count).map(row -> requireLong(row, "n")).one();
    }

    /**
     * Takes the lock of {@code key} for the surrounding transaction, waiting for it. Only its holder publishes the
     * key's rows, so two publishers never interleave (or repeat) a key's records. The lock is an advisory lock on a
     * hash of schema and key: two keys that collide merely wait for each other.
     */
    Mono<Void> lockKey(String key) {
        return client.sql(LOCK).bind("lock", lockName(key)).then();
    }

    /** As {@link #lockKey}, without waiting: false when another transaction holds it. */
    Mono<Boolean> tryLockKey(String key) {
        return client.sql(TRY_LOCK)
                .bind("lock", lockName(key))
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one();
    }

    private String lockName(String key) {
        return schema + ".outbox/" + key;
    }

    private static OutboxRow row(Readable row) {
        return new OutboxRow(
                requireLong(row, "seq"),
                row.get("topic", String.class),
                row.get("record_key", String.class),
                row.get("payload", byte[].class));
    }

    private static long requireLong(Readable row, String column) {
        Long value = row.get(column, Long.class);
        if (value == null) {
            throw new IllegalStateException(column + " is null");
        }
        return value;
    }
}
