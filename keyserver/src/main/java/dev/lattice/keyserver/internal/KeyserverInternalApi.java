package dev.lattice.keyserver.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.keyserver.CrossSigningKeysApi;
import dev.lattice.api.keyserver.DeviceKeyCounts;
import dev.lattice.api.keyserver.DeviceKeysUploadApi;
import dev.lattice.api.keyserver.LocalKeysApi;
import dev.lattice.api.keyserver.QueryDeviceKeyCountsApi;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** The keyserver's facade for other services: every {@code common/api} keyserver interface. */
public final class KeyserverInternalApi
        implements QueryDeviceKeyCountsApi, CrossSigningKeysApi, LocalKeysApi, DeviceKeysUploadApi {
    private final KeyserverDatabase database;
    private final CrossSigning crossSigning;
    private final Keys keys;

    public KeyserverInternalApi(KeyserverDatabase database, CrossSigning crossSigning, Keys keys) {
        this.database = requireNonNull(database, "database is null");
        this.crossSigning = requireNonNull(crossSigning, "crossSigning is null");
        this.keys = requireNonNull(keys, "keys is null");
    }

    @Override
    public Mono<Void> uploadDeviceKeys(UserId user, DeviceId device, JsonObject body) {
        return keys.upload(new AuthenticatedDevice(user, device, false, Optional.empty()), body)
                .then();
    }

    @Override
    public Mono<JsonObject> queryLocalKeys(JsonObject body) {
        return keys.queryForServer(body);
    }

    @Override
    public Mono<JsonObject> claimLocalKeys(JsonObject body) {
        return keys.claimForServer(body);
    }

    @Override
    public Mono<JsonObject> queryLocalDevices(UserId user) {
        return keys.devicesForServer(user);
    }

    @Override
    public Mono<Map<String, String>> queryCrossSigningKeys(UserId user) {
        return crossSigning.keys(user);
    }

    @Override
    public Mono<Void> uploadCrossSigningKeys(UserId user, String bodyJson) {
        return Mono.fromCallable(() -> CanonicalJson.parseObject(bodyJson))
                .flatMap(body -> crossSigning.upload(user, body));
    }

    @Override
    public Mono<DeviceKeyCounts> queryDeviceKeyCounts(UserId user, DeviceId device) {
        return database.deviceKeyCounts(user, device);
    }
}
