package dev.lattice.syncapi.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per device, the position through which this process already deleted the to-device messages a {@code since}
 * acknowledged, so that the next sync from the same (or an older) {@code since} does not delete again: most syncs
 * acknowledge nothing new, since the to-device stream moves only when some device gets a message.
 *
 * <p>Why skipping is safe: a message stored after the delete takes a position above every position already given out
 * in a token (the stream's positions are handed out in commit order), so no message at or below a deleted-through
 * position can appear later. Another process deleting for the device changes nothing here (it can only have deleted
 * more), and a device this process forgot (bounded, least recently used first) is deleted for again.
 */
final class ToDeviceAcknowledgements {
    private record Device(String userId, String deviceId) {}

    private final Map<Device, Long> deletedThrough;

    /** @param maxDevices the devices remembered */
    ToDeviceAcknowledgements(int maxDevices) {
        if (maxDevices < 1) {
            throw new IllegalArgumentException("maxDevices must be positive");
        }
        this.deletedThrough = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Device, Long> eldest) {
                return size() > maxDevices;
            }
        };
    }

    /** Whether the messages {@code since} acknowledges were already deleted here. */
    synchronized boolean deleted(String userId, String deviceId, long since) {
        Long through = deletedThrough.get(new Device(userId, deviceId));
        return through != null && since <= through;
    }

    /** Notes that the device's messages at or below {@code since} were deleted (once the delete committed). */
    synchronized void noteDeleted(String userId, String deviceId, long since) {
        deletedThrough.merge(new Device(userId, deviceId), since, Math::max);
    }
}
