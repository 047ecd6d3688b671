package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.List;

/**
 * Events known only by themselves (the state and auth chain of a {@code send_join} answer, the state at a gap), for
 * the roomserver to check and store as {@link InputKind#OUTLIER}s in one transaction. Published on
 * {@code roomserver.input} keyed by {@code roomId} beside {@link InputRoomEvent}s, so a batch is decided in its
 * place among the room's other inputs. One bus record and one commit for hundreds of events, where one
 * {@link InputRoomEvent} each cost a bus round trip and a commit per event (7 ms each: 35 s for a room of 5,000).
 *
 * <p>Version 1 of the payload, told apart from an {@link InputRoomEvent} by its {@code pdus} field (an older
 * roomserver cannot read it as one and parks it). A replayed record is harmless: events already stored are not
 * stored again.
 *
 * @param version the payload version, {@link InputRoomEvent#VERSION}
 * @param roomId the room, also the record key; events for any other room are rejected
 * @param roomVersion the room's version
 * @param pdus the signed events as canonical JSON, each after its auth events among them
 * @param origin the server they came from
 * @param replyTo as {@link InputRoomEvent#replyTo}: where the {@link InputVerdict} goes; null when nobody waits
 * @param requestId as {@link InputRoomEvent#requestId}
 */
public record InputOutliers(
        int version,
        RoomId roomId,
        RoomVersionId roomVersion,
        List<String> pdus,
        ServerName origin,
        String replyTo,
        String requestId) {

    /** The field only this payload has, by which a consumer of {@code roomserver.input} tells the two apart. */
    public static final String DISCRIMINATOR = "pdus";

    public InputOutliers {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(roomVersion, "roomVersion is null");
        pdus = List.copyOf(requireNonNull(pdus, "pdus is null"));
        requireNonNull(origin, "origin is null");
        if ((replyTo == null) != (requestId == null)) {
            throw new IllegalArgumentException("replyTo and requestId go together");
        }
    }

    public static InputOutliers of(RoomId roomId, RoomVersionId roomVersion, List<String> pdus, ServerName origin) {
        return new InputOutliers(InputRoomEvent.VERSION, roomId, roomVersion, pdus, origin, null, null);
    }

    /** This batch with the address its verdict goes to. */
    public InputOutliers withReply(String replyTo, String requestId) {
        return new InputOutliers(
                version,
                roomId,
                roomVersion,
                pdus,
                origin,
                requireNonNull(replyTo, "replyTo is null"),
                requireNonNull(requestId, "requestId is null"));
    }
}
