package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.List;

/**
 * The whole state before this server's partial-state join to a room (a {@code send_join} answered with members
 * omitted, {@link InputRoomEvent#joinWithPartialState}), fetched in the background from a resident server
 * ({@code /state_ids} at the join), for the roomserver to complete the room's state with: every state it computed
 * since the join gains the entries the partial state lacked (the members), the current state too, and the room is no
 * longer partial. Published on {@code roomserver.input} keyed by {@code roomId}, so it is decided in its place among
 * the room's other inputs.
 *
 * <p>Version 1 of the payload, told apart from the other inputs by its {@link #DISCRIMINATOR} field. A replayed record
 * is harmless: a room whose state is complete is left as it is.
 *
 * @param version the payload version, {@link InputRoomEvent#VERSION}
 * @param roomId the room, also the record key
 * @param roomVersion the room's version
 * @param joinEventId the partial-state join the state is before
 * @param fullStateBeforeJoin the events of the state before the join, all held here (given as outliers first)
 * @param replyTo as {@link InputRoomEvent#replyTo}: where the {@link InputVerdict} goes; null when nobody waits
 * @param requestId as {@link InputRoomEvent#requestId}
 */
public record PartialStateCompletion(
        int version,
        RoomId roomId,
        RoomVersionId roomVersion,
        EventId joinEventId,
        List<EventId> fullStateBeforeJoin,
        String replyTo,
        String requestId) {

    /** The field only this payload has, by which a consumer of {@code roomserver.input} tells it apart. */
    public static final String DISCRIMINATOR = "fullStateBeforeJoin";

    public PartialStateCompletion {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(roomVersion, "roomVersion is null");
        requireNonNull(joinEventId, "joinEventId is null");
        fullStateBeforeJoin = List.copyOf(requireNonNull(fullStateBeforeJoin, "fullStateBeforeJoin is null"));
        if ((replyTo == null) != (requestId == null)) {
            throw new IllegalArgumentException("replyTo and requestId go together");
        }
    }

    public static PartialStateCompletion of(
            RoomId roomId, RoomVersionId roomVersion, EventId joinEventId, List<EventId> fullStateBeforeJoin) {
        return new PartialStateCompletion(
                InputRoomEvent.VERSION, roomId, roomVersion, joinEventId, fullStateBeforeJoin, null, null);
    }

    /** This input with the address its verdict goes to. */
    public PartialStateCompletion withReply(String replyTo, String requestId) {
        return new PartialStateCompletion(
                version,
                roomId,
                roomVersion,
                joinEventId,
                fullStateBeforeJoin,
                requireNonNull(replyTo, "replyTo is null"),
                requireNonNull(requestId, "requestId is null"));
    }
}
