package dev.lattice.roomserver.storage;

import static java.util.Objects.requireNonNull;

/** One unsent row of {@code roomserver.outbox}: a {@code roomserver.output} record keyed by {@code roomId}. */
public record OutboxRow(long seq, String roomId, String eventId, byte[] payload) {
    public OutboxRow {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(payload, "payload is null");
    }
}
