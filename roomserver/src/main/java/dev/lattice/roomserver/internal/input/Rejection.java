package dev.lattice.roomserver.internal.input;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.spec.ErrorCode;

/**
 * An input the checks refuse: carried through the pipeline to become a stored rejection and a REJECTED verdict; or,
 * for an input that cannot be decided with what is held here ({@link #undecided}), a REJECTED verdict only.
 */
final class Rejection extends RuntimeException {
    private final ErrorCode errorCode;
    private final boolean stored;

    Rejection(ErrorCode errorCode, String message) {
        this(errorCode, message, true);
    }

    private Rejection(ErrorCode errorCode, String message, boolean stored) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
        this.stored = stored;
    }

    /**
     * An input refused for what this server lacks, not for what the event is (its prev events not held with their
     * state): nothing is stored, so the event can be decided when it comes again with what it needs.
     */
    static Rejection undecided(ErrorCode errorCode, String message) {
        return new Rejection(errorCode, message, false);
    }

    ErrorCode errorCode() {
        return errorCode;
    }

    /** Whether the event is stored as rejected. */
    boolean stored() {
        return stored;
    }
}
