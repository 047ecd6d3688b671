package dev.lattice.api.keyserver;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import java.util.Optional;

/**
 * A user's device list changed: a device's keys were uploaded or replaced, a device was deleted, or the user's
 * cross-signing keys or signatures changed. Published on {@code keyserver.output}
 * ({@link dev.lattice.api.Topics#KEYSERVER_OUTPUT}), keyed by user ID, as JSON, through the keyserver's outbox after
 * the write committed, at least once.
 *
 * <p>Consumers must be idempotent (a record may arrive twice) and skip versions newer than they understand. The
 * syncapi turns it into {@code device_lists.changed} for the users who share a room with {@code userId}; the
 * federation-api turns our users' changes into {@code m.device_list_update} (or, without a device,
 * {@code m.signing_key_update}) EDUs. The same record on {@code keyserver.input}
 * ({@link dev.lattice.api.Topics#KEYSERVER_INPUT}) is the federation-api telling the keyserver of another server's
 * user's change, which the keyserver re-announces here.
 *
 * @param version the payload version, {@link #VERSION}
 * @param userId whose device list changed; also the record key
 * @param deviceId the device that changed; empty when the change is not about one device (cross-signing keys)
 * @param deleted whether the device was deleted
 */
public record DeviceListChange(
        int version,
        @JsonProperty("user_id") UserId userId,
        @JsonProperty("device_id") Optional<DeviceId> deviceId,
        boolean deleted) {

    /** The current payload version. */
    public static final int VERSION = 1;

    public DeviceListChange {
        requireNonNull(userId, "userId is null");
        requireNonNull(deviceId, "deviceId is null");
    }

    public static DeviceListChange of(UserId userId, Optional<DeviceId> deviceId, boolean deleted) {
        return new DeviceListChange(VERSION, userId, deviceId, deleted);
    }
}
