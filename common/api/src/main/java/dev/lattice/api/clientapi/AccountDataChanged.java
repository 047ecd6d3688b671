package dev.lattice.api.clientapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import java.util.Optional;

/**
 * A user's account data of one type was set (globally or for one room).
 *
 * <p>Consumers (syncapi) must: treat it as "this (user, room, type) changed at {@code streamId}", ignore a record
 * whose {@code streamId} is not newer than one already seen for the same (user, room, type), and fetch the current
 * content from the client-api rather than expect it here. The record is published after the write committed,
 * through the client-api's outbox (see client-api's README), at least once.
 *
 * @param version the payload version, {@link #VERSION}
 * @param userId whose account data changed; also the record key
 * @param roomId the room for per-room account data, empty for global account data
 * @param dataType the account data type, e.g. {@code m.direct}
 * @param streamId the client-api's position for this write: increasing across all users' account data writes
 */
public record AccountDataChanged(
        int version,
        @JsonProperty("user_id") UserId userId,
        @JsonProperty("room_id") Optional<RoomId> roomId,
        @JsonProperty("data_type") String dataType,
        @JsonProperty("stream_id") long streamId)
        implements ClientApiOutput {

    /** The discriminator value. */
    public static final String TYPE = "account_data";
    /** The current payload version. */
    public static final int VERSION = 1;

    public AccountDataChanged {
        requireNonNull(userId, "userId is null");
        requireNonNull(roomId, "roomId is null");
        requireNonNull(dataType, "dataType is null");
    }

    public static AccountDataChanged of(UserId userId, Optional<RoomId> roomId, String dataType, long streamId) {
        return new AccountDataChanged(VERSION, userId, roomId, dataType, streamId);
    }
}
