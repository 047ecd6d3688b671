package dev.lattice.runtime.outbox;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The outbox of one transaction, handed out by {@link Outbox#inTransaction}: records enqueued here are written in that
 * transaction and published once it committed.
 */
public final class OutboxWriter {
    private final OutboxTable table;
    /** The records enqueued and not yet written, in enqueued order. */
    private final List<OutboxRecord> enqueued = new ArrayList<>();
    /** Each key written, in first-enqueued order, with its records in order and their {@code seq}s. */
    private final Map<String, Written> written = new LinkedHashMap<>();

    /** A key's records written in this transaction, in order, and their rows' {@code seq}s. */
    record Written(List<OutboxRecord> records, List<Long> seqs) {
        long highestSeq() {
            return seqs.stream().mapToLong(Long::longValue).max().orElseThrow();
        }
    }

    OutboxWriter(OutboxTable table) {
        this.table = requireNonNull(table, "table is null");
    }

    /**
     * Writes a record to the outbox in the surrounding transaction (when the transaction's work is done, with the
     * other records it enqueued, in one statement). Records of one key are published in the order they were enqueued
     * (and after the key's records of earlier transactions); for that order to follow the order of the writes
     * themselves, writers of one key must be serialised by the data they write (a row lock), as they are in every
     * service using this.
     *
     * @param topic the unprefixed bus topic, e.g. {@code roomserver.output}
     * @param key the record key (room ID, user ID)
     */
    public Mono<Void> enqueue(String topic, String key, byte[] payload) {
        OutboxRecord record = new OutboxRecord(topic, key, payload);
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                enqueued.add(record);
            }
        });
    }

    /** Writes what was enqueued since the last call, in the surrounding transaction. */
    Mono<Void> flush() {
        return Mono.defer(() -> {
            List<OutboxRecord> records;
            synchronized (this) {
                records = List.copyOf(enqueued);
                enqueued.clear();
            }
            if (records.isEmpty()) {
                return Mono.empty();
            }
            return table.insert(records, System.currentTimeMillis())
                    .doOnNext(seqs -> noteWritten(records, seqs))
                    .then();
        });
    }

    /** Notes {@code records} as written, with each key's rows' {@code seq}s in the records' order. */
    synchronized void noteWritten(List<OutboxRecord> records, Map<String, List<Long>> seqs) {
        for (OutboxRecord record : records) {
            written.computeIfAbsent(record.key(), key -> new Written(new ArrayList<>(), new ArrayList<>()))
                    .records()
                    .add(record);
        }
        seqs.forEach((key, keySeqs) -> written.get(key).seqs().addAll(keySeqs));
    }

    /** The keys written, in first-enqueued order, each with its records and their {@code seq}s. */
    synchronized Map<String, Written> written() {
        return new LinkedHashMap<>(written);
    }
}
