package dev.lattice.runtime.outbox;

import static java.util.Objects.requireNonNull;

import io.r2dbc.spi.Readable;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@code <schema>.outbox}: bus records written with the data they announce, deleted once published. The table is
 * created by the owning service's own Flyway migration (see {@link Outbox} for its columns).
 */
final class OutboxTable {
    private final DatabaseClient client;
    // The statements name the owning service's schema, so they are built once per instance.
    private final String insert;
    private final String claimKey;
    private final String selectOldest;
    private final String deleteSeqs;
    private final String count;

    OutboxTable(DatabaseClient client, String schema) {
        this.client = requireNonNull(client, "client is null");
        String table = requireNonNull(schema, "schema is null") + ".outbox";
        // The payloads travel as base64 text: one array parameter of text binds where one of bytea does not.
        this.insert = "INSERT INTO " + table + " (topic, record_key, payload, created_ts) "
                + "SELECT x.topic, x.record_key, decode(x.payload, 'base64'), :created_ts"
                + " FROM unnest(CAST(:topics AS text[]), CAST(:keys AS text[]), CAST(:payloads AS text[]))"
                + " WITH ORDINALITY AS x(topic, record_key, payload, n) ORDER BY x.n"
                + " RETURNING seq, record_key";
        // FOR UPDATE locks the key's rows oldest first, so a second claimant of the key waits at the first row the
        // first one holds and, once that one committed, goes on with what it left.
        this.claimKey = "DELETE FROM " + table + " WHERE seq IN (SELECT seq FROM " + table
                + " WHERE record_key = :record_key AND seq <= :up_to ORDER BY seq LIMIT :limit FOR UPDATE)"
                + " RETURNING seq, topic, record_key, payload";
        this.selectOldest = "SELECT seq, topic, record_key, payload FROM " + table
                + " WHERE created_ts < :created_before ORDER BY seq LIMIT :limit";
        this.deleteSeqs = "DELETE FROM " + table + " WHERE seq = ANY(:seqs)";
        this.count = "SELECT count(*) AS n FROM " + table;
    }

    /**
     * Inserts {@code records} in the surrounding transaction, in one statement, their {@code seq}s in list order;
     * emits each key with its rows' {@code seq}s.
     */
    Mono<Map<String, List<Long>>> insert(List<OutboxRecord> records, long createdTs) {
        Base64.Encoder base64 = Base64.getEncoder();
        return client.sql(insert)
                .bind("topics", records.stream().map(OutboxRecord::topic).toArray(String[]::new))
                .bind("keys", records.stream().map(OutboxRecord::key).toArray(String[]::new))
                .bind(
                        "payloads",
                        records.stream()
                                .map(r -> base64.encodeToString(r.payload()))
                                .toArray(String[]::new))
                .bind("created_ts", createdTs)
                .map(row -> Map.entry(requireNonNull(row.get("record_key", String.class)), requireLong(row, "seq")))
                .all()
                .collect(
                        HashMap::new,
                        (written, e) -> written.computeIfAbsent(e.getKey(), key -> new ArrayList<>())
                                .add(e.getValue()));
    }

    /**
     * Deletes the oldest rows of {@code key} up to {@code upTo} in the surrounding transaction, holding them until it
     * ends (a rollback puts them back), and emits them in {@code seq} order. Waits while another transaction holds
     * the key's oldest rows: only one claimant publishes a row, and a key's rows are claimed in order.
     */
    Mono<List<OutboxRow>> claimKey(String key, long upTo, int limit) {
        return client.sql(claimKey)
                .bind("record_key", key)
                .bind("up_to", upTo)
                .bind("limit", limit)
                .map(OutboxTable::row)
                .all()
                .sort(Comparator.comparingLong(OutboxRow::seq))
                .collectList();
    }

    /** The oldest rows of every key written before {@code createdBefore} (ms since the epoch), in {@code seq} order. */
    Mono<List<OutboxRow>> selectOldest(int limit, long createdBefore) {
        return client.sql(selectOldest)
                .bind("created_before", createdBefore)
                .bind("limit", limit)
                .map(OutboxTable::row)
                .all()
                .collectList();
    }

    /** Deletes rows published already, by their {@code seq}s, by themselves (no transaction needed). */
    Mono<Void> delete(List<Long> seqs) {
        return client.sql(deleteSeqs).bind("seqs", seqs.toArray(Long[]::new)).then();
    }

    Mono<Long> count() {
        return client.sql(count).map(row -> requireLong(row, "n")).one();
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
