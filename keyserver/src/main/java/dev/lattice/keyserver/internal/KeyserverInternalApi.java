package dev.lattice.keyserver.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.keyserver.DeviceKeyCounts;
import dev.lattice.api.keyserver.QueryDeviceKeyCountsApi;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import reactor.core.publisher.Mono;

/** The keyserver's facade for other services: every {@code common/api} keyserver interface. */
public final class KeyserverInternalApi implements QueryDeviceKeyCountsApi {
    private final KeyserverDatabase database;

    public KeyserverInternalApi(KeyserverDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    @Override
    public Mono<DeviceKeyCounts> queryDeviceKeyCounts(UserId user, DeviceId device) {
        return Mono.zip(database.oneTimeKeyCounts(user, device), database.unusedFallbackKeyAlgorithms(user, device))
                .map(counts -> new DeviceKeyCounts(counts.getT1(), counts.getT2()));
    }
}
