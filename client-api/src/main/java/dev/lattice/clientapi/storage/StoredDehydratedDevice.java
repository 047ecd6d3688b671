package dev.lattice.clientapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * A user's dehydrated device (MSC3814).
 *
 * @param deviceId its device ID
 * @param deviceDataJson the client's opaque {@code device_data} as canonical JSON
 */
public record StoredDehydratedDevice(String deviceId, String deviceDataJson) {
    public StoredDehydratedDevice {
        requireNonNull(deviceId, "deviceId is null");
        requireNonNull(deviceDataJson, "deviceDataJson is null");
    }
}
