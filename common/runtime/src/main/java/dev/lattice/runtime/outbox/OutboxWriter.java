package dev.lattice.runtime.outbox;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The outbox of one transaction, handed out by {@link Outbox#inTransaction}: records enqueued here are written in that
 * transaction and published once it committed.
 */
public final class OutboxWriter {
    private final OutboxTable table;
    /** Each key enqueued, in first-enqueued order, with its highest {@code seq} in this transaction. */
    private final Map<String, Long> written = new LinkedHashMap<>();

    OutboxWriter(OutboxTable table) {
        this.table = requireNonNull(table, "table is null");
    }

    /**
     * Writes a record to the outbox in the surrounding transaction. Records of one key are published in the order
     * they were enqueued (and after the key's records of earlier transactions); for that order to follow the order
     * of the writes themselves, writers of one key must be serialised by the data they write (a row lock), as they
     * are in every service using this.
     *
     * @param topic the unprefixed bus topic, e.g. {@code roomserver.output}
     * @param key the record key (room ID, user ID)
     */
    public Mono<Void> enqueue(String topic, String key, byte[] payload) {
        requireNonNull(topic, "topic is null");
        requireNonNull(key, "key is null");
        requireNonNull(payload, "payload is null");
        return table.insert(topic, key, payload, System.currentTimeMillis())
                .doOnNext(seq -> {
                    synchronized (written) {
                        written.merge(key, seq, Math::max);
                    }
                })
                .then();
    }

    /** The keys written, each with its highest {@code seq}, in first-enqueued order. */
    Map<String, Long> written() {
        synchronized (written) {
            return new LinkedHashMap<>(written);
        }
    }
}
