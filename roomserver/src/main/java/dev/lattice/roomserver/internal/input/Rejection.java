package dev.lattice.roomserver.internal.input;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.spec.ErrorCode;

/** An input the checks refuse: carried through the pipeline to become a stored rejection and a REJECTED verdict. */
final class Rejection extends RuntimeException {
    private final ErrorCode errorCode;

    Rejection(ErrorCode errorCode, String message) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    ErrorCode errorCode() {
        return errorCode;
    }
}
