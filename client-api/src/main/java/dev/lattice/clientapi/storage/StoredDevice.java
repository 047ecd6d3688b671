package dev.lattice.clientapi.storage;

import static java.util.Objects.requireNonNull;

/** A row of {@code clientapi.devices}; the nullable fields are null when unknown. */
public record StoredDevice(String deviceId, String displayName, Long lastSeenTs, String lastSeenIp) {
    public StoredDevice {
        requireNonNull(deviceId, "deviceId is null");
    }
}
