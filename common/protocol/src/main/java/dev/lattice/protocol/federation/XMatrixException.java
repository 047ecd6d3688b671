package dev.lattice.protocol.federation;

import static java.util.Objects.requireNonNull;

/** An {@code Authorization} header that is not a well-formed {@code X-Matrix} credential. */
public final class XMatrixException extends RuntimeException {
    /** What is wrong with the header. */
    public enum Reason {
        /** The scheme is not {@code X-Matrix} (compared case-insensitively). */
        NOT_X_MATRIX,
        /** The parameter list does not follow RFC 9110's {@code auth-param} grammar. */
        SYNTAX,
        /** The same parameter name appears twice: which one the signature covers would be ambiguous. */
        DUPLICATE_PARAMETER,
        /** {@code origin}, {@code key} or {@code sig} is absent. */
        MISSING_PARAMETER,
        /** {@code origin} or {@code destination} is not a server name, or {@code key} is not a key ID. */
        INVALID_VALUE
    }

    private final Reason reason;

    public XMatrixException(Reason reason, String message) {
        super(requireNonNull(message, "message is null"));
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }
}
