package dev.lattice.federationapi.internal;

import java.util.OptionalInt;

/** An outbound federation request that failed: no connection, a bad certificate, a non-200 answer, or bad JSON. */
public final class FederationRequestException extends RuntimeException {
    private final int status;

    public FederationRequestException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.errcode = null;
    }

    private final String errcode;

    public FederationRequestException(int status, String message) {
        this(status, null, message);
    }

    /** A non-200 answer with the Matrix error code its body named (null if none). */
    public FederationRequestException(int status, String errcode, String message) {
        super(message);
        this.status = status;
        this.errcode = errcode;
    }

    /** The {@code errcode} of a non-200 answer's body, if it had one. */
    public java.util.Optional<String> errcode() {
        return java.util.Optional.ofNullable(errcode);
    }

    /** The HTTP status of a non-200 answer; empty when there was no answer. */
    public OptionalInt status() {
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
