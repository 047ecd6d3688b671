package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.List;

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
 * @param stateBefore for an event whose prev events this server does not hold: a {@link InputKind#NEW} one (this
 *     server's own join to a room on another server: the state the resident server answered {@code send_join}; or
 *     an event received beyond a gap: the state {@code /state_ids} answered) or a
 *     {@link InputKind#BACKFILLED} one (the oldest of a {@code /backfill} answer: the state {@code /state} answered);
 *     the events of the state before it, all given as outliers first; null to compute the state from the prev events
 *     as usual
 * @param partialStateServers for this server's own join whose {@code stateBefore} is partial (the resident server
 *     omitted the members, {@link #joinWithPartialState}): the servers in the room as it listed them, which the
 *     room's events go to until its state is complete ({@link PartialStateCompletion}); null otherwise
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
        String requestId,
        List<EventId> stateBefore,
        List<ServerName> partialStateServers) {

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
        if (stateBefore != null) {
            if (kind != InputKind.NEW && kind != InputKind.BACKFILLED) {
                throw new IllegalArgumentException("only a new or backfilled event comes with the state before it");
            }
            stateBefore = List.copyOf(stateBefore);
        }
        if (partialStateServers != null) {
            if (stateBefore == null || kind != InputKind.NEW) {
                throw new IllegalArgumentException("only a join with the state before it starts a partial state");
            }
            partialStateServers = List.copyOf(partialStateServers);
        }
    }

    /** A new event nobody waits for yet; {@link RoomserverInputApi#inputRoomEvent} adds the reply address. */
    public static InputRoomEvent newEvent(
            RoomId roomId, RoomVersionId roomVersion, String pdu, ServerName origin, SendTransaction transaction) {
        return new InputRoomEvent(
                VERSION, InputKind.NEW, roomId, roomVersion, pdu, origin, transaction, null, null, null, null);
    }

    /** A new event received from {@code origin} over federation; its state is computed from its prev events. */
    public static InputRoomEvent received(RoomId roomId, RoomVersionId roomVersion, String pdu, ServerName origin) {
        return new InputRoomEvent(
                VERSION, InputKind.NEW, roomId, roomVersion, pdu, origin, null, null, null, null, null);
    }

    /**
     * A new event received from {@code origin} over federation beyond a gap: its prev events are not held here and
     * could not be fetched, so it comes with the state before it as {@code origin} gave it (whose events were given
     * as outliers first). Unlike {@link #joinWithState}, it is still checked against the current state.
     */
    public static InputRoomEvent receivedAfterGap(
            RoomId roomId, RoomVersionId roomVersion, String pdu, ServerName origin, List<EventId> stateBefore) {
        return newWithState(roomId, roomVersion, pdu, origin, stateBefore, null);
    }

    /** An event known only by itself: an auth or state event fetched from another server. */
    public static InputRoomEvent outlier(RoomId roomId, RoomVersionId roomVersion, String pdu, ServerName origin) {
        return new InputRoomEvent(
                VERSION, InputKind.OUTLIER, roomId, roomVersion, pdu, origin, null, null, null, null, null);
    }

    /** A membership of one of this server's users in a room this server does not hold (see {@link InputKind}). */
    public static InputRoomEvent outsideMembership(
            RoomId roomId, RoomVersionId roomVersion, String pdu, ServerName origin) {
        return new InputRoomEvent(
                VERSION, InputKind.OUTSIDE_MEMBERSHIP, roomId, roomVersion, pdu, origin, null, null, null, null, null);
    }

    /**
     * This server's own join to a room it does not hold yet: the join event with the state before it from the
     * resident server's {@code send_join} answer (whose events were given as outliers first).
     */
    public static InputRoomEvent joinWithState(
            RoomId roomId, RoomVersionId roomVersion, String pdu, ServerName origin, List<EventId> stateBefore) {
        return newWithState(roomId, roomVersion, pdu, origin, stateBefore, null);
    }

    /**
     * This server's own join to a room it does not hold yet, from a {@code send_join} answer with the members omitted:
     * {@code stateBefore} is partial (every state event but the members, bar a few), and {@code serversInRoom} are the
     * servers in the room as the resident server listed them. Events received meanwhile are checked against the
     * partial state and their own auth events, and none is soft-failed, until a {@link PartialStateCompletion}.
     */
    public static InputRoomEvent joinWithPartialState(
            RoomId roomId,
            RoomVersionId roomVersion,
            String pdu,
            ServerName origin,
            List<EventId> stateBefore,
            List<ServerName> serversInRoom) {
        return newWithState(
                roomId, roomVersion, pdu, origin, stateBefore, requireNonNull(serversInRoom, "serversInRoom is null"));
    }

    private static InputRoomEvent newWithState(
            RoomId roomId,
            RoomVersionId roomVersion,
            String pdu,
            ServerName origin,
            List<EventId> stateBefore,
            List<ServerName> partialStateServers) {
        return new InputRoomEvent(
                VERSION,
                InputKind.NEW,
                roomId,
                roomVersion,
                pdu,
                origin,
                null,
                null,
                null,
                requireNonNull(stateBefore, "stateBefore is null"),
                partialStateServers);
    }

    /**
     * An event from before the room's known history, from a {@code /backfill} answer; {@code stateBefore} as for
     * {@link #joinWithState}, or null when its prev events are held here with their state.
     */
    public static InputRoomEvent backfilled(
            RoomId roomId, RoomVersionId roomVersion, String pdu, ServerName origin, List<EventId> stateBefore) {
        return new InputRoomEvent(
                VERSION, InputKind.BACKFILLED, roomId, roomVersion, pdu, origin, null, null, null, stateBefore, null);
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
                requireNonNull(requestId, "requestId is null"),
                stateBefore,
                partialStateServers);
    }
}
