package dev.lattice.protocol.id;

import static java.util.Objects.requireNonNull;

/** A string that is not a valid identifier of the expected kind; the reason is a type, not a message to parse. */
public final class InvalidIdException extends IllegalArgumentException {
    private final IdValidation.Reason reason;

    public InvalidIdException(IdValidation.Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public IdValidation.Reason reason() {
        return reason;
    }
}
