package dev.lattice.federationapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * A PDU waiting in a destination's queue.
 *
 * @param seq its place in the queue (increasing)
 * @param eventId its event ID
 * @param pduJson the PDU as sent
 */
public record QueuedPdu(long seq, String eventId, String pduJson) {
    public QueuedPdu {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(pduJson, "pduJson is null");
    }
}
