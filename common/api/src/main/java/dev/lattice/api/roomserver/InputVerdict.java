package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.List;

/**
 * What the roomserver decided about one {@link InputRoomEvent}, published on {@code roomserver.verdicts} keyed by the
 * input's {@code replyTo}, after the decision was committed: an {@link Outcome#ACCEPTED} verdict means the event is
 * durable.
 *
 * <p>Version 1 of the payload; consumers ignore unknown fields.
 *
 * @param requestId the input's {@code requestId}
 * @param eventId the event's ID; null only when the PDU could not be parsed far enough to know it
 * @param outcome the decision
 * @param existingEventId for {@link Outcome#DUPLICATE_TRANSACTION}: the event already sent in that transaction, which
 *     the client must be given instead; null otherwise
 * @param errcode for {@link Outcome#REJECTED}: the Matrix error code a client should get ({@code M_FORBIDDEN} for an
 *     auth failure, {@code M_BAD_JSON} for a malformed event, ...); null otherwise
 * @param reason for {@link Outcome#REJECTED} and {@link Outcome#SOFT_FAILED}: why, for the client and the logs; empty
 *     otherwise
 * @param held for the verdict on an {@link InputOutliers} batch (whose {@code eventId} is null): the batch's events
 *     held here accepted after it, stored now or before; empty otherwise
 */
public record InputVerdict(
        String requestId,
        EventId eventId,
        Outcome outcome,
        EventId existingEventId,
        String errcode,
        String reason,
        List<EventId> held) {

    /** The roomserver's decisions. */
    public enum Outcome {
        /** Stored, and part of the room: published on {@code roomserver.output} (outliers excepted). */
        ACCEPTED,
        /**
         * The same user and device already sent an event in this transaction: nothing was stored, and the caller must
         * answer with {@code existingEventId} (the spec's txnId idempotency).
         */
        DUPLICATE_TRANSACTION,
        /** Refused by the checks on receipt; stored as rejected when its event ID is known, never published. */
        REJECTED,
        /**
         * Allowed by its auth events and the state before it, but not by the room's current state: stored, kept out of
         * the timeline and the forward extremities, never published.
         */
        SOFT_FAILED
    }

    public InputVerdict {
        requireNonNull(outcome, "outcome is null");
        reason = reason == null ? "" : reason;
        held = held == null ? List.of() : List.copyOf(held);
        if (outcome == Outcome.DUPLICATE_TRANSACTION) {
            requireNonNull(existingEventId, "existingEventId is null for a duplicate transaction");
        }
        if (outcome == Outcome.REJECTED) {
            requireNonNull(errcode, "errcode is null for a rejection");
        }
    }

    public static InputVerdict accepted(String requestId, EventId eventId) {
        return new InputVerdict(requestId, eventId, Outcome.ACCEPTED, null, null, "", null);
    }

    public static InputVerdict duplicateTransaction(String requestId, EventId eventId, EventId existingEventId) {
        return new InputVerdict(requestId, eventId, Outcome.DUPLICATE_TRANSACTION, existingEventId, null, "", null);
    }

    public static InputVerdict rejected(String requestId, EventId eventId, ErrorCode errcode, String reason) {
        return new InputVerdict(requestId, eventId, Outcome.REJECTED, null, errcode.code(), reason, null);
    }

    public static InputVerdict softFailed(String requestId, EventId eventId, String reason) {
        return new InputVerdict(requestId, eventId, Outcome.SOFT_FAILED, null, null, reason, null);
    }

    /** The verdict on an {@link InputOutliers} batch: which of its events are held here accepted. */
    public static InputVerdict outliersHeld(String requestId, List<EventId> held) {
        return new InputVerdict(requestId, null, Outcome.ACCEPTED, null, null, "", held);
    }

    /** This verdict answering another request (a replayed input gets the verdict of the first delivery). */
    public InputVerdict forRequest(String otherRequestId) {
        return new InputVerdict(otherRequestId, eventId, outcome, existingEventId, errcode, reason, held);
    }

    /**
     * The event ID a client should be given: the event's own for an accepted or soft-failed one, the earlier one for a
     * duplicate transaction.
     *
     * @throws MatrixException with {@link #errcode} for a rejection
     */
    public EventId eventIdOrThrow() {
        return switch (outcome) {
            case ACCEPTED, SOFT_FAILED -> eventId;
            case DUPLICATE_TRANSACTION -> existingEventId;
            case REJECTED -> throw new MatrixException(ErrorCode.of(errcode), reason);
        };
    }
}
