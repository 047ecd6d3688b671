package dev.lattice.roomserver.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.InputKind;
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
