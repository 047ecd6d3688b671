package dev.lattice.keyserver.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.keyserver.storage.ClaimedKey;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.keyserver.storage.StoredDeviceKeys;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The key endpoints: {@code POST /keys/upload}, {@code /keys/query} and {@code /keys/claim}, for local users. Users
 * of other servers are listed in {@code failures} until federation reaches the keyserver.
 */
public final class Keys {
    /** The algorithm clients count one-time keys of; the count is always present, 0 included, as in Synapse. */
    static final String SIGNED_CURVE25519 = "signed_curve25519";
    /** The most devices one query or claim may name, so one request cannot ask for the whole server. */
    static final int MAX_DEVICES_PER_REQUEST = 10_000;

    private final KeyserverDatabase database;
    private final CrossSigning crossSigning;
    private final ServerName serverName;
    private final Clock clock;

    public Keys(KeyserverDatabase database, CrossSigning crossSigning, ServerName serverName, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.crossSigning = requireNonNull(crossSigning, "crossSigning is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** {@code POST /keys/upload}: stores what the device uploaded; answers its one-time key counts. */
    public Mono<String> upload(AuthenticatedDevice device, JsonObject body) {
        return Mono.fromCallable(() -> KeyUpload.check(device.userId(), device.deviceId(), body))
                .flatMap(upload -> database.store(device.userId(), device.deviceId(), upload, clock.millis()))
                .map(counts -> {
                    Map<String, CanonicalJsonValue> out = new TreeMap<>();
                    out.put(SIGNED_CURVE25519, JsonInteger.of(0));
                    counts.forEach((algorithm, n) -> out.put(algorithm, JsonInteger.of(n)));
                    return CanonicalJson.encodeToString(
                            JsonObject.EMPTY.with("one_time_key_counts", JsonObject.of(out)));
                });
    }

    /**
     * {@code POST /keys/query}: the device keys of local users, with the signatures their self-signing keys made,
     * and their cross-signing keys ({@link CrossSigning#forQuery}); remote users are listed in {@code failures}.
     */
    public Mono<String> query(UserId requester, JsonObject body) {
        return Mono.fromCallable(() -> requestedDevices(body)).flatMap(requested -> {
            Map<UserId, List<DeviceId>> local = new LinkedHashMap<>();
            Map<String, CanonicalJsonValue> failures = new TreeMap<>();
            requested.forEach((user, devices) -> {
                if (user.serverName().equals(serverName)) {
                    local.put(user, devices);
                } else {
                    failures.put(user.serverName().toString(), unreachable());
                }
            });
            return Mono.zip(database.deviceKeys(local), crossSigning.forQuery(requester, local.keySet()))
                    .map(loaded -> {
                        List<StoredDeviceKeys> found = loaded.getT1();
                        CrossSigning.QueryAdditions cross = loaded.getT2();
                        Map<String, Map<String, CanonicalJsonValue>> byUser = new TreeMap<>();
                        local.keySet().forEach(user -> byUser.put(user.value(), new TreeMap<>()));
                        for (StoredDeviceKeys keys : found) {
                            byUser.get(keys.userId().value())
                                    .put(
                                            keys.deviceId().value(),
                                            CrossSigning.withSignatures(
                                                    keys.userId(),
                                                    keys.deviceId().value(),
                                                    CanonicalJson.parseObject(keys.keyJson()),
                                                    cross.deviceSignatures()));
                        }
                        Map<String, CanonicalJsonValue> deviceKeys = new TreeMap<>();
                        byUser.forEach((user, devices) -> deviceKeys.put(user, JsonObject.of(devices)));
                        return CanonicalJson.encodeToString(JsonObject.EMPTY
                                .with("device_keys", JsonObject.of(deviceKeys))
                                .with("failures", JsonObject.of(failures))
                                .with("master_keys", JsonObject.of(cross.masterKeys()))
                                .with("self_signing_keys", JsonObject.of(cross.selfSigningKeys()))
                                .with("user_signing_keys", JsonObject.of(cross.userSigningKeys())));
                    });
        });
    }

    /** {@code POST /keys/claim}: one key per named device, a one-time key while there is one, else the fallback. */
    public Mono<String> claim(JsonObject body) {
        return Mono.fromCallable(() -> requestedClaims(body)).flatMap(requested -> {
            Map<String, CanonicalJsonValue> failures = new TreeMap<>();
            List<Claim> local = new ArrayList<>();
            for (Claim claim : requested) {
                if (claim.user().serverName().equals(serverName)) {
                    local.add(claim);
                } else {
                    failures.put(claim.user().serverName().toString(), unreachable());
                }
            }
            return Flux.fromIterable(local)
                    .concatMap(claim -> database.claim(claim.user(), claim.device(), claim.algorithm())
                            .map(key -> Map.entry(claim, key)))
                    .collectList()
                    .map(claimed -> {
                        Map<String, Map<String, CanonicalJsonValue>> byUser = new TreeMap<>();
                        for (var entry : claimed) {
                            Claim claim = entry.getKey();
                            if (entry.getValue().isEmpty()) {
                                continue; // the device has no key of that algorithm: left out, as in Synapse
                            }
                            ClaimedKey key = entry.getValue().get();
                            byUser.computeIfAbsent(claim.user().value(), u -> new TreeMap<>())
                                    .put(
                                            claim.device().value(),
                                            JsonObject.EMPTY.with(
                                                    key.algorithm() + ":" + key.keyId(),
                                                    CanonicalJson.parse(key.keyJson())));
                        }
                        Map<String, CanonicalJsonValue> oneTimeKeys = new TreeMap<>();
                        byUser.forEach((user, devices) -> oneTimeKeys.put(user, JsonObject.of(devices)));
                        return CanonicalJson.encodeToString(JsonObject.EMPTY
                                .with("one_time_keys", JsonObject.of(oneTimeKeys))
                                .with("failures", JsonObject.of(failures)));
                    });
        });
    }

    private record Claim(UserId user, DeviceId device, String algorithm) {}

    /** NOTSPEC: what Synapse lists for a server it cannot reach; federation does not reach the keyserver yet. */
    private static JsonObject unreachable() {
        return JsonObject.EMPTY
                .with("status", JsonInteger.of(503))
                .with("message", JsonString.of("Keys of users on other servers cannot be fetched yet"));
    }

    private static Map<UserId, List<DeviceId>> requestedDevices(JsonObject body) {
        JsonObject map = object(body, "device_keys");
        Map<UserId, List<DeviceId>> out = new LinkedHashMap<>();
        int count = 0;
        for (var entry : map.members().entrySet()) {
            if (!(entry.getValue() instanceof JsonArray devices)) {
                throw new MatrixException(ErrorCode.BAD_JSON, "device_keys values must be lists of device IDs");
            }
            List<DeviceId> ids = new ArrayList<>();
            for (CanonicalJsonValue device : devices.values()) {
                if (!(device instanceof JsonString id)) {
                    throw new MatrixException(ErrorCode.BAD_JSON, "device_keys values must be lists of device IDs");
                }
                ids.add(deviceId(id.value()));
            }
            count += Math.max(1, ids.size());
            out.put(userId(entry.getKey()), ids);
        }
        limit(count);
        return out;
    }

    private static List<Claim> requestedClaims(JsonObject body) {
        JsonObject map = object(body, "one_time_keys");
        List<Claim> out = new ArrayList<>();
        for (var user : map.members().entrySet()) {
            if (!(user.getValue() instanceof JsonObject devices)) {
                throw new MatrixException(ErrorCode.BAD_JSON, "one_time_keys values must map devices to algorithms");
            }
            for (var device : devices.members().entrySet()) {
                if (!(device.getValue() instanceof JsonString algorithm)) {
                    throw new MatrixException(ErrorCode.BAD_JSON, "one_time_keys must map devices to an algorithm");
                }
                out.add(new Claim(userId(user.getKey()), deviceId(device.getKey()), algorithm.value()));
            }
        }
        limit(out.size());
        return out;
    }

    private static void limit(int devices) {
        if (devices > MAX_DEVICES_PER_REQUEST) {
            throw new MatrixException(
                    ErrorCode.INVALID_PARAM, "At most " + MAX_DEVICES_PER_REQUEST + " devices per request");
        }
    }

    private static JsonObject object(JsonObject body, String field) {
        CanonicalJsonValue value =
                body.get(field).orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, field + " is required"));
        if (!(value instanceof JsonObject object)) {
            throw new MatrixException(ErrorCode.BAD_JSON, field + " must be an object");
        }
        return object;
    }

    private static UserId userId(String value) {
        try {
            return UserId.parse(value);
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid user ID " + value);
        }
    }

    private static DeviceId deviceId(String value) {
        try {
            return DeviceId.parse(value);
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid device ID " + value);
        }
    }
}
