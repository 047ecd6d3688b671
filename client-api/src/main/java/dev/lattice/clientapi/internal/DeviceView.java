package dev.lattice.clientapi.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.clientapi.storage.StoredDevice;

/** A device as {@code GET /devices} shows it; unknown fields are left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceView(
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("display_name") String displayName,
        @JsonProperty("last_seen_ip") String lastSeenIp,
        @JsonProperty("last_seen_ts") Long lastSeenTs) {

    static DeviceView of(StoredDevice device) {
        return new DeviceView(device.deviceId(), device.displayName(), device.lastSeenIp(), device.lastSeenTs());
    }
}
