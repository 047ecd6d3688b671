package dev.lattice.clientapi.internal;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;

/** The password policy for new passwords. */
final class Passwords {

    /** Throws {@code 400 M_MISSING_PARAM} for no password, {@code 400 M_WEAK_PASSWORD} for one too short. */
    static void check(String password, int minLength) {
        if (password == null || password.isEmpty()) {
            throw new MatrixException(ErrorCode.MISSING_PARAM, "A password is required");
        }
        if (password.codePointCount(0, password.length()) < minLength) {
            throw new MatrixException(
                    ErrorCode.WEAK_PASSWORD, "Password must be at least " + minLength + " characters long");
        }
    }

    private Passwords() {}
}
