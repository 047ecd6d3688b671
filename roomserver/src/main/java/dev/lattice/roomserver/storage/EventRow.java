package dev.lattice.roomserver.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.InputKind;
import dev.lattice.protocol.auth.AuthEventTypes;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.spec.ErrorCode;
import java.util.List;

/**
 * One row of {@code roomserver.events}.
 *
 * @param nid the numeric ID; 0 for a row not stored yet
 * @param stateBeforeNid the snapshot before the event; null for outliers and rejected events (and before storing)
 * @param stateAfterNid the snapshot after it; null as {@code stateBeforeNid}
 * @param pdu the original bytes
 * @param redactedPdu the redacted form, once a redaction took effect; null otherwise
 */
public record EventRow(
        long nid,
        String eventId,
        String roomId,
        String type,
        String stateKey,
        String sender,
        long depth,
        long originServerTs,
        String membership,
        String redacts,
        List<String> prevEventIds,
        List<String> authEventIds,
        InputKind kind,
        EventStatus status,
        String rejectErrcode,
        String rejectReason,
        Long stateBeforeNid,
        Long stateAfterNid,
        byte[] pdu,
        byte[] redactedPdu,
        String redactedBy,
        long receivedTs) {

    public EventRow {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(roomId, "roomId is null");
        requireNonNull(type, "type is null");
        requireNonNull(sender, "sender is null");
        prevEventIds = List.copyOf(prevEventIds);
        authEventIds = List.copyOf(authEventIds);
        requireNonNull(kind, "kind is null");
        requireNonNull(status, "status is null");
        requireNonNull(pdu, "pdu is null");
    }

    /**
     * The row of an event the pipeline accepted (a new, backfilled or outlier event, as {@code kind} says), before
     * storing: no numeric ID and no state snapshots yet, which the database fills in.
     */
    public static EventRow accepted(Pdu pdu, InputKind kind, long receivedTs) {
        return decided(pdu, kind, EventStatus.ACCEPTED, null, null, receivedTs);
    }

    /** The row of an event that passed the auth checks against its state but not against the current state. */
    public static EventRow softFailed(Pdu pdu, InputKind kind, String reason, long receivedTs) {
        return decided(pdu, kind, EventStatus.SOFT_FAILED, null, reason, receivedTs);
    }

    /** The row of a rejected event, with the errcode and reason its sender was (or would be) told. */
    public static EventRow rejected(Pdu pdu, InputKind kind, ErrorCode errcode, String reason, long receivedTs) {
        return decided(
                pdu,
                kind,
                EventStatus.REJECTED,
                requireNonNull(errcode, "errcode is null").code(),
                reason,
                receivedTs);
    }

    private static EventRow decided(
            Pdu pdu, InputKind kind, EventStatus status, String errcode, String reason, long receivedTs) {
        String membership = pdu.type().equals(AuthEventTypes.MEMBER)
                ? pdu.content().getString("membership").orElse(null)
                : null;
        return new EventRow(
                0,
                pdu.eventId(),
                pdu.roomId(),
                pdu.type(),
                pdu.stateKey().orElse(null),
                pdu.sender(),
                pdu.depth(),
                pdu.originServerTs(),
                membership,
                pdu.redacts().orElse(null),
                pdu.prevEvents(),
                pdu.authEvents(),
                kind,
                status,
                errcode,
                reason,
                null,
                null,
                pdu.bytes(),
                null,
                null,
                receivedTs);
    }

    /** This row with its state snapshots. */
    public EventRow withState(Long before, Long after) {
        return new EventRow(
                nid,
                eventId,
                roomId,
                type,
                stateKey,
                sender,
                depth,
                originServerTs,
                membership,
                redacts,
                prevEventIds,
                authEventIds,
                kind,
                status,
                rejectErrcode,
                rejectReason,
                before,
                after,
                pdu,
                redactedPdu,
                redactedBy,
                receivedTs);
    }

    /** The bytes readers get: the redacted form if there is one. */
    public byte[] readablePdu() {
        return redactedPdu != null ? redactedPdu : pdu;
    }
}
