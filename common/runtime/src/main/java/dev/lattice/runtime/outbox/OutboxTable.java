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
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
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
        this.insert = insert(table, "", null) + " RETURNING seq, record_key";
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
     * The insert of records bound by {@link #bindRecords} with parameter names starting with {@code prefix}, their
     * {@code seq}s in list order; with a {@code gate} (a name the statement's {@code FROM} can read), only when it has
     * a row.
     */
    private static String insert(String table, String prefix, String gate) {
        // The payloads travel as base64 text: one array parameter of text binds where one of bytea does not.
        return "INSERT INTO " + table + " (topic, record_key, payload, created_ts) "
                + "SELECT x.topic, x.record_key, decode(x.payload, 'base64'), :" + prefix + "created_ts"
                + " FROM unnest(CAST(:" + prefix + "topics AS text[]), CAST(:" + prefix + "keys AS text[]),"
                + " CAST(:" + prefix + "payloads AS text[])) WITH ORDINALITY AS x(topic, record_key, payload, n)"
                + (gate == null ? "" : " WHERE EXISTS (SELECT 1 FROM " + gate + ")")
                + " ORDER BY x.n";
    }

    /**
     * An insert of records into {@code schema}'s outbox as a data-modifying part ({@code WITH name AS (…)}) of another
     * statement, written only when {@code gate} has a row; it returns each row's {@code seq} as {@code outbox_seq}, in
     * the records' order. Its parameters are bound by {@link #bindPart}.
     */
    static String insertPart(String schema, String gate) {
        return insert(schema + ".outbox", PART_PREFIX, requireNonNull(gate, "gate is null"))
                + " RETURNING seq AS outbox_seq";
    }

    /** Binds {@code records} to {@link #insertPart}'s parameters. */
    static GenericExecuteSpec bindPart(GenericExecuteSpec spec, List<OutboxRecord> records, long createdTs) {
        return bindRecords(spec, PART_PREFIX, records, createdTs);
    }

    /** {@link #insertPart}'s parameters start with this, apart from those of the statement around it. */
    private static final String PART_PREFIX = "outbox_";

    private static GenericExecuteSpec bindRecords(
            GenericExecuteSpec spec, String prefix, List<OutboxRecord> records, long createdTs) {
        Base64.Encoder base64 = Base64.getEncoder();
        return spec.bind(
                        prefix + "topics",
                        records.stream().map(OutboxRecord::topic).toArray(String[]::new))
                .bind(prefix + "keys", records.stream().map(OutboxRecord::key).toArray(String[]::new))
                .bind(
                        prefix + "payloads",
                        records.stream()
                                .map(r -> base64.encodeToString(r.payload()))
                                .toArray(String[]::new))
                .bind(prefix + "created_ts", createdTs);
    }

    /**
     * Inserts {@code records} in the surrounding transaction, in one statement, their {@code seq}s in list order;
     * emits each key with its rows' {@code seq}s.
     */
    Mono<Map<String, List<Long>>> insert(List<OutboxRecord> records, long createdTs) {
        return bindRecords(client.sql(insert), "", records, createdTs)
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
