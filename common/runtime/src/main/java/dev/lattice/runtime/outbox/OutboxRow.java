package dev.lattice.runtime.outbox;

import static java.util.Objects.requireNonNull;

/**
 * One unpublished row of an outbox: a bus record.
 *
 * @param seq the row's position; a key's rows are published in this order
 * @param topic the unprefixed bus topic
 * @param key the record key
 * @param payload the record value
 */
record OutboxRow(long seq, String topic, String key, byte[] payload) {
    OutboxRow {
        requireNonNull(topic, "topic is null");
        requireNonNull(key, "key is null");
        requireNonNull(payload, "payload is null");
    }
}
