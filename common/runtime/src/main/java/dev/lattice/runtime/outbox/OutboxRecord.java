package dev.lattice.runtime.outbox;

import static java.util.Objects.requireNonNull;

/**
 * A bus record enqueued in a transaction and not yet written to the outbox.
 *
 * @param topic the unprefixed bus topic
 * @param key the record key
 * @param payload the record value
 */
record OutboxRecord(String topic, String key, byte[] payload) {
    OutboxRecord {
        requireNonNull(topic, "topic is null");
        requireNonNull(key, "key is null");
        requireNonNull(payload, "payload is null");
    }
}
