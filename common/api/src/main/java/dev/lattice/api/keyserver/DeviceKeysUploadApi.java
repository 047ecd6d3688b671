package dev.lattice.api.keyserver;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import reactor.core.publisher.Mono;

/**
 * Keys uploaded for a device that has no access token of its own: the client-api's dehydrated devices (MSC3814),
 * whose keys come with {@code PUT /dehydrated_device} from another device of the user.
 */
public interface DeviceKeysUploadApi {

    /**
     * Checks and stores {@code device_keys}, {@code one_time_keys} and {@code fallback_keys} of {@code body} for the
     * device, as {@code POST /keys/upload} from that device would; fails with the same 400s, nothing stored.
     */
    Mono<Void> uploadDeviceKeys(UserId user, DeviceId device, JsonObject body);
}
