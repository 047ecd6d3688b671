package dev.lattice.protocol.json;

import static java.util.Objects.requireNonNull;

/** Input that is not valid canonical JSON, with the reason as a type so callers can map it to an errcode. */
public final class CanonicalJsonException extends RuntimeException {

    /** Why the input was refused. */
    public enum Reason {
        SYNTAX,
        INVALID_UTF8,
        FLOAT,
        EXPONENT,
        NEGATIVE_ZERO,
        INTEGER_OUT_OF_RANGE,
        DUPLICATE_KEY,
        TOO_DEEP,
        TOO_LARGE
    }

    private final Reason reason;

    public CanonicalJsonException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }
}
