package dev.lattice.protocol.json;

import static java.util.Objects.requireNonNull;

/** Input that is not valid canonical JSON, with the reason as a type so callers can map it to an errcode. */
public final class CanonicalJsonException extends RuntimeException {

    /** Why the input was refused. */
    public enum Reason {
        /** Not JSON at all: an unexpected character, a missing bracket, an unterminated string, a bad escape. */
        SYNTAX,
        /** Bytes that are not well-formed UTF-8, or a {@code \\u} escape that leaves a surrogate unpaired. */
        INVALID_UTF8,
        /** A number with a fraction ({@code 1.0}). */
        FLOAT,
        /** A number with an exponent ({@code 1e3}). */
        EXPONENT,
        /** {@code -0}, which canonical JSON forbids. */
        NEGATIVE_ZERO,
        /** An integer outside ±(2^53−1). */
        INTEGER_OUT_OF_RANGE,
        /** The same key twice in one object. */
        DUPLICATE_KEY,
        /** Arrays and objects nested deeper than {@link CanonicalJson#MAX_DEPTH}. */
        TOO_DEEP,
        /** Input longer than the caller's limit. */
        TOO_LARGE,
        /** Something other than whitespace after the top-level value. */
        TRAILING_DATA
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
