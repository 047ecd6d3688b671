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
    /** Each key written, in first-enqueued order, with its highest {@code seq} in this transaction. */
    private final Map<String, Long> written = new LinkedHashMap<>();

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
                    .doOnNext(seqs -> {
                        synchronized (this) {
                            records.forEach(r -> written.merge(r.key(), seqs.get(r.key()), Math::max));
                        }
                    })
                    .then();
        });
    }

    /** The keys written, each with its highest {@code seq}, in first-enqueued order. */
    synchronized Map<String, Long> written() {
        return new LinkedHashMap<>(written);
    }
}
