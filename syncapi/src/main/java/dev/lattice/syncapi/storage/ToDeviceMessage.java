package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * A to-device message for one device.
 *
 * @param userId the recipient
 * @param deviceId the recipient device
 * @param sender the sending user
 * @param type the event type
 * @param contentJson the content as canonical JSON
 */
public record ToDeviceMessage(String userId, String deviceId, String sender, String type, String contentJson) {
    public ToDeviceMessage {
        requireNonNull(userId, "userId is null");
        requireNonNull(deviceId, "deviceId is null");
        requireNonNull(sender, "sender is null");
        requireNonNull(type, "type is null");
        requireNonNull(contentJson, "contentJson is null");
    }
}
