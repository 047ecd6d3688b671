package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.keyserver.QueryDeviceKeyCountsApi;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A device's key supply as sync responses carry it ({@code /sync} at the top, sliding sync in its {@code e2ee}
 * extension): {@code device_one_time_keys_count} and {@code device_unused_fallback_key_types}. Clients upload
 * one-time keys when the count runs low.
 */
public final class DeviceKeyCounts {
    private final Supplier<Optional<QueryDeviceKeyCountsApi>> keys;

    /** @param keys the keyserver; empty where none is reachable from this process (a split syncapi today) */
    public DeviceKeyCounts(Supplier<Optional<QueryDeviceKeyCountsApi>> keys) {
        this.keys = requireNonNull(keys, "keys is null");
    }

    /** {@code body} with the device's counts added; unchanged when no keyserver is reachable. */
    public Mono<JsonObject> addTo(AuthenticatedDevice device, JsonObject body) {
        Optional<QueryDeviceKeyCountsApi> api = keys.get();
        if (api.isEmpty()) {
            return Mono.just(body);
        }
        return api.get()
                .queryDeviceKeyCounts(device.userId(), device.deviceId())
                .map(counts -> {
                    Map<String, CanonicalJsonValue> oneTime = new TreeMap<>();
                    // Always present, 0 included, as in Synapse: clients read a missing count as "unknown".
                    oneTime.put("signed_curve25519", JsonInteger.of(0));
                    counts.oneTimeKeyCounts().forEach((algorithm, n) -> oneTime.put(algorithm, JsonInteger.of(n)));
                    List<CanonicalJsonValue> fallback = counts.unusedFallbackKeyTypes().stream()
                            .<CanonicalJsonValue>map(JsonString::of)
                            .toList();
                    return body.with("device_one_time_keys_count", JsonObject.of(oneTime))
                            .with("device_unused_fallback_key_types", new JsonArray(fallback));
                });
    }
}
