package dev.lattice.api.clientapi;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;

/** The user and device an access token authenticates. */
public record AuthenticatedDevice(UserId userId, DeviceId deviceId, boolean guest) {
    public AuthenticatedDevice {
        requireNonNull(userId, "userId is null");
        requireNonNull(deviceId, "deviceId is null");
    }
}
