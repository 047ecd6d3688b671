package dev.lattice.clientapi.internal;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;

/** Checks on the {@code {userId}} of paths like {@code /user/{userId}/account_data/{type}}. */
final class Users {

    /** The path's user ID, or {@code 400 M_INVALID_PARAM}. */
    static UserId parse(String userId) {
        try {
            return UserId.parse(userId);
        } catch (InvalidIdException invalid) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid user ID: " + invalid.getMessage());
        }
    }

    /** The localpart of {@code userId} when it is the requester's own ID, else {@code 403 M_FORBIDDEN}. */
    static String requireSelf(AuthenticatedDevice requester, String userId, String what) {
        if (!parse(userId).equals(requester.userId())) {
            throw new MatrixException(ErrorCode.FORBIDDEN, "Cannot " + what + " for other users");
        }
        return requester.userId().localpart();
    }

    /** The device ID the client asked for (validated, else {@code 400 M_INVALID_PARAM}), or a new one. */
    static String deviceIdOrNew(String requested) {
        if (requested == null) {
            return Secrets.newDeviceId();
        }
        try {
            return DeviceId.parse(requested).toString();
        } catch (InvalidIdException invalid) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid device ID: " + invalid.getMessage());
        }
    }

    private Users() {}
}
