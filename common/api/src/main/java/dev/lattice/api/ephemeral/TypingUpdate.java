package dev.lattice.api.ephemeral;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;

/**
 * A user started or stopped typing in a room; published on {@code ephemeral.typing}
 * ({@link dev.lattice.api.Topics#EPHEMERAL_TYPING}), keyed by room ID, as JSON. Not durable by design: typing is
 * worth nothing a few seconds later, so it is published straight to the bus, not through an outbox. Every syncapi
 * process reads every record (a tail, not a consumer group), since each keeps the typing state in memory.
 *
 * @param version the payload version, {@link #VERSION}; consumers skip newer versions
 * @param roomId the room; also the record key
 * @param userId who types
 * @param typing whether the user is typing now
 * @param timeoutMillis how long the user counts as typing without another update (ignored when not typing)
 */
public record TypingUpdate(
        int version,
        @JsonProperty("room_id") RoomId roomId,
        @JsonProperty("user_id") UserId userId,
        boolean typing,
        @JsonProperty("timeout_ms") long timeoutMillis) {

    /** The current payload version. */
    public static final int VERSION = 1;

    public TypingUpdate {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(userId, "userId is null");
    }

    public static TypingUpdate of(RoomId roomId, UserId userId, boolean typing, long timeoutMillis) {
        return new TypingUpdate(VERSION, roomId, userId, typing, timeoutMillis);
    }
}
