package dev.lattice.keyserver.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;

/** A device's keys as uploaded: the {@code device_keys} object as canonical JSON. */
public record StoredDeviceKeys(UserId userId, DeviceId deviceId, String keyJson) {
    public StoredDeviceKeys {
        requireNonNull(userId, "userId is null");
        requireNonNull(deviceId, "deviceId is null");
        requireNonNull(keyJson, "keyJson is null");
    }
}
