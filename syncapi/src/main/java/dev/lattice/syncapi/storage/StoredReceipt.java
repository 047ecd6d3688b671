package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A user's newest receipt of one type (and thread) in a room.
 *
 * @param receiptType {@code m.read} or {@code m.read.private}
 * @param threadId the thread of a threaded receipt; empty for an unthreaded one
 * @param ts when it was sent, in milliseconds since the epoch
 * @param position its position in the receipts stream
 */
public record StoredReceipt(
        String roomId,
        String userId,
        String receiptType,
        Optional<String> threadId,
        String eventId,
        long ts,
        long position) {

    public StoredReceipt {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(receiptType, "receiptType is null");
        requireNonNull(threadId, "threadId is null");
        requireNonNull(eventId, "eventId is null");
    }
}
