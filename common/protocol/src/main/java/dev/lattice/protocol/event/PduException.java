package dev.lattice.protocol.event;

import static java.util.Objects.requireNonNull;

/**
 * A PDU that does not meet its room version's event format. Over federation such an event is dropped (step 1 of
 * the <a href="https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu">checks on
 * receipt</a>); from a client it is {@code M_BAD_JSON} (or {@code M_NOT_JSON}/{@code M_TOO_LARGE}).
 */
public final class PduException extends RuntimeException {

    /** Why the PDU was refused. */
    public enum Reason {
        /** Not (strict canonical) JSON; the cause is the {@code CanonicalJsonException}. */
        NOT_JSON,
        /** Valid JSON, but not an object. */
        NOT_AN_OBJECT,
        /** Over 65,536 bytes of canonical JSON. */
        TOO_LARGE,
        /** A required field is missing. */
        MISSING_FIELD,
        /** A field has the wrong JSON type. */
        WRONG_TYPE,
        /** A field that this room version forbids is present (e.g. {@code room_id} on a version 12 create event). */
        UNEXPECTED_FIELD,
        /** An identifier field is malformed. */
        INVALID_ID,
        /** {@code type} is over 255 bytes. */
        TYPE_TOO_LONG,
        /** {@code state_key} is over 255 bytes. */
        STATE_KEY_TOO_LONG,
        /** More than 20 {@code prev_events}. */
        TOO_MANY_PREV_EVENTS,
        /** More than 10 {@code auth_events}. */
        TOO_MANY_AUTH_EVENTS,
        /** {@code depth} is negative (it cannot exceed 2^53−1: the parser refuses that). */
        DEPTH_OUT_OF_RANGE
    }

    private final Reason reason;

    public PduException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public PduException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }
}
