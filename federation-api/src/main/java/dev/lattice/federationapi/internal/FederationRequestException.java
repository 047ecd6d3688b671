package dev.lattice.federationapi.internal;

import java.util.OptionalInt;

/** An outbound federation request that failed: no connection, a bad certificate, a non-200 answer, or bad JSON. */
public final class FederationRequestException extends RuntimeException {
    private final int status;

    public FederationRequestException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    public FederationRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status of a non-200 answer; empty when there was no answer. */
    public OptionalInt status() {
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
