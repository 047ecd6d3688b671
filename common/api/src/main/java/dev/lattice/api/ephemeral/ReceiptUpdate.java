package dev.lattice.api.ephemeral;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import java.util.Optional;

/**
 * A user's receipt in a room moved to an event; published on {@code ephemeral.receipts}
 * ({@link dev.lattice.api.Topics#EPHEMERAL_RECEIPTS}), keyed by room ID, as JSON, through the producer's outbox: a
 * receipt the client was told is stored is never lost. Consumers keep the newest receipt per
 * (room, user, type, thread) and must be idempotent: a record may arrive twice.
 *
 * @param version the payload version, {@link #VERSION}; consumers skip newer versions
 * @param roomId the room; also the record key
 * @param userId whose receipt
 * @param receiptType {@code m.read} or {@code m.read.private}
 * @param eventId the event read up to
 * @param threadId the thread ({@code main} or a thread root's event ID); empty for an unthreaded receipt
 * @param ts when the receipt was sent, in milliseconds since the epoch
 */
public record ReceiptUpdate(
        int version,
        @JsonProperty("room_id") RoomId roomId,
        @JsonProperty("user_id") UserId userId,
        @JsonProperty("receipt_type") String receiptType,
        @JsonProperty("event_id") EventId eventId,
        @JsonProperty("thread_id") Optional<String> threadId,
        long ts) {

    /** The current payload version. */
    public static final int VERSION = 1;

    public ReceiptUpdate {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(receiptType, "receiptType is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(threadId, "threadId is null");
    }

    public static ReceiptUpdate of(
            RoomId roomId, UserId userId, String receiptType, EventId eventId, Optional<String> threadId, long ts) {
        return new ReceiptUpdate(VERSION, roomId, userId, receiptType, eventId, threadId, ts);
    }
}
