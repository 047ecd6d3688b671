package dev.lattice.api.keyserver;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import reactor.core.publisher.Mono;

/** What {@code /sync} tells a device about its own keys, so its client knows when to upload more. */
public interface QueryDeviceKeyCountsApi {

    /** The device's one-time key counts and unused fallback key algorithms (empty ones when it uploaded none). */
    Mono<DeviceKeyCounts> queryDeviceKeyCounts(UserId user, DeviceId device);
}
