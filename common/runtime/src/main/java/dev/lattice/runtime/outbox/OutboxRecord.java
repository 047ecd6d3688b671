package dev.lattice.runtime.outbox;

import static java.util.Objects.requireNonNull;

/**
 * A bus record to write to the outbox (enqueued in a transaction, or written by a statement of {@link
 * Outbox#inStatement}).
 *
 * @param topic the unprefixed bus topic
 * @param key the record key
 * @param payload the record value
 */
public record OutboxRecord(String topic, String key, byte[] payload) {
    public OutboxRecord {
        requireNonNull(topic, "topic is null");
        requireNonNull(key, "key is null");
        requireNonNull(payload, "payload is null");
    }
}
