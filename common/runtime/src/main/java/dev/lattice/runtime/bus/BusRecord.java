package dev.lattice.runtime.bus;

import static java.util.Objects.requireNonNull;

/**
 * One record as a consumer sees it. {@code topic} is the name without the deployment prefix; {@code topic},
 * {@code partition} and {@code offset} identify it uniquely, which makes a replay recognisable.
 */
public record BusRecord(String topic, int partition, long offset, String key, byte[] payload) {
    public BusRecord {
        requireNonNull(topic, "topic is null");
        requireNonNull(payload, "payload is null");
    }
}
