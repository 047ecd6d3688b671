package dev.lattice.federationapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * A PDU or an EDU waiting in a destination's queue.
 *
 * @param seq its place in the queue (increasing)
 * @param key what makes it unique for the destination: the event ID of a PDU, what names an EDU
 * @param json the PDU or EDU as sent
 */
public record Queued(long seq, String key, String json) {
    public Queued {
        requireNonNull(key, "key is null");
        requireNonNull(json, "json is null");
    }
}
