package dev.lattice.api.clientapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import java.util.List;

/**
 * Devices of a user were deleted (logout, {@code DELETE /devices}, a password change that logs out the others,
 * deactivation). Published on {@code clientapi.output} through the client-api's outbox in the deletion's transaction.
 *
 * <p>Consumers must be idempotent (a record may arrive twice): the keyserver deletes the devices' keys and announces
 * the device-list change; the syncapi deletes their to-device inboxes.
 *
 * @param version the payload version, {@link #VERSION}
 * @param userId whose devices; also the record key
 * @param deviceIds the devices deleted
 */
public record DevicesDeleted(
        int version,
        @JsonProperty("user_id") UserId userId,
        @JsonProperty("device_ids") List<DeviceId> deviceIds) implements ClientApiOutput {

    /** The discriminator value. */
    public static final String TYPE = "devices_deleted";
    /** The current payload version. */
    public static final int VERSION = 1;

    public DevicesDeleted {
        requireNonNull(userId, "userId is null");
        deviceIds = List.copyOf(deviceIds);
    }

    public static DevicesDeleted of(UserId userId, List<DeviceId> deviceIds) {
        return new DevicesDeleted(VERSION, userId, deviceIds);
    }
}
