package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.version.RoomVersionId;

/**
 * An event for the roomserver to ingest, published on {@code roomserver.input} keyed by {@code roomId}. The
 * roomserver handles the records of one room one at a time, in order.
 *
 * <p>Version 1 of the payload. Consumers ignore unknown fields; a change of meaning gets a new {@code version}, which
 * an older roomserver parks instead of misreading. A replayed record is harmless: the roomserver recognises the event
 * ID and answers the verdict it gave the first time, with no second output.
 *
 * @param version the payload version, {@link #VERSION}
 * @param kind new, outlier or backfilled
 * @param roomId the room, also the record key; must be the PDU's room
 * @param roomVersion the room's version, which says how to parse and authorise {@code pdu}
 * @param pdu the signed event as its canonical JSON
 * @param origin the server the event came from: this server for events its clients sent, the sending server over
 *     federation
 * @param transaction the client transaction the event was sent in, for {@code PUT .../send/{type}/{txnId}} and other
 *     txnId endpoints; null otherwise
 * @param replyTo the instance ID of the caller waiting for the {@link InputVerdict} on {@code roomserver.verdicts};
 *     null when nobody waits
 * @param requestId the caller's ID for this request, echoed in the verdict; null when nobody waits
 */
public record InputRoomEvent(
        int version,
        InputKind kind,
        RoomId roomId,
        RoomVersionId roomVersion,
        String pdu,
        ServerName origin,
        SendTransaction transaction,
        String replyTo,
        String requestId) {

    /** The payload version this code writes and reads. */
    public static final int VERSION = 1;

    public InputRoomEvent {
        requireNonNull(kind, "kind is null");
        requireNonNull(roomId, "roomId is null");
        requireNonNull(roomVersion, "roomVersion is null");
        requireNonNull(pdu, "pdu is null");
        requireNonNull(origin, "origin is null");
        if ((replyTo == null) != (requestId == null)) {
            throw new IllegalArgumentException("replyTo and requestId go together");
        }
    }

    /** A new event nobody waits for yet; {@link RoomserverInputApi#inputRoomEvent} adds the reply address. */
    public static InputRoomEvent newEvent(
            RoomId roomId, RoomVersionId roomVersion, String pdu, ServerName origin, SendTransaction transaction) {
        return new InputRoomEvent(VERSION, InputKind.NEW, roomId, roomVersion, pdu, origin, transaction, null, null);
    }

    /** This input with the address its verdict goes to. */
    public InputRoomEvent withReply(String replyTo, String requestId) {
        return new InputRoomEvent(
                version,
                kind,
                roomId,
                roomVersion,
                pdu,
                origin,
                transaction,
                requireNonNull(replyTo, "replyTo is null"),
                requireNonNull(requestId, "requestId is null"));
    }
}
