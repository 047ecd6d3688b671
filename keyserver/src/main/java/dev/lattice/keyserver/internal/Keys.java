package dev.lattice.keyserver.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.federationapi.RemoteKeysApi;
import dev.lattice.api.roomserver.QueryMembershipApi;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The key endpoints: {@code POST /keys/upload}, {@code /keys/query} and {@code /keys/claim}, and what other servers
 * ask of them ({@code /user/keys/query}, {@code /user/keys/claim}, {@code /user/devices}). Keys of other servers'
 * users are asked of those servers, one request per server, all at once (or answered from the cache while their
 * device-list updates reach us); a server that does not answer within the request's {@code timeout} is listed in
 * {@code failures}. What a server answers is kept only where it is about its
 * own users that were asked for, filed under the user (and device) it names: no server can hand out keys of another
 * server's users.
 */
public final class Keys {
    /** The algorithm clients count one-time keys of; the count is always present, 0 included, as in Synapse. */
    static final String SIGNED_CURVE25519 = "signed_curve25519";
    /** The most devices one query or claim may name, so one request cannot ask for the whole server. */
    static final int MAX_DEVICES_PER_REQUEST = 10_000;
    /** How long other servers are waited for when the request names no {@code timeout}: the spec's advice. */
    static final Duration DEFAULT_REMOTE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The longest a cached answer of another server is used, even without an update from it: bounds what a lost
     * update, or one missed while no room was shared, can cost.
     */
    static final Duration MAX_CACHE_AGE = Duration.ofHours(1);
    /** The longest a client may ask to wait for other servers. */
    static final Duration MAX_REMOTE_TIMEOUT = Duration.ofMinutes(1);

    static final String DEVICE_KEYS = "device_keys";
    static final String MASTER_KEYS = "master_keys";
    static final String SELF_SIGNING_KEYS = "self_signing_keys";
    static final String USER_SIGNING_KEYS = "user_signing_keys";
    static final String ONE_TIME_KEYS = "one_time_keys";
    static final String FAILURES = "failures";

    private final KeyserverDatabase database;
    private final CrossSigning crossSigning;
    private final ServerName serverName;
    private final Supplier<RemoteKeysApi> remote;
    private final Supplier<UserApi> users;
    private final Supplier<QueryMembershipApi> rooms;
    private final Clock clock;

    /**
     * @param remote answers null where this process cannot reach other servers; their users are then failures
     * @param users answers null where this process has no client-api; devices are then shown without their names
     * @param rooms answers null where this process has no roomserver; other servers' users' keys are then not cached
     */
    public Keys(
            KeyserverDatabase database,
            CrossSigning crossSigning,
            ServerName serverName,
            Supplier<RemoteKeysApi> remote,
            Supplier<UserApi> users,
            Supplier<QueryMembershipApi> rooms,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.crossSigning = requireNonNull(crossSigning, "crossSigning is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.remote = requireNonNull(remote, "remote is null");
        this.users = requireNonNull(users, "users is null");
        this.rooms = requireNonNull(rooms, "rooms is null");
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
     * and their cross-signing keys ({@link CrossSigning#forQuery}); those of other servers' users as their servers
     * answer.
     */
    public Mono<JsonObject> query(UserId requester, JsonObject body) {
        return Mono.fromCallable(() -> requestedDevices(body)).flatMap(requested -> {
            Duration timeout = remoteTimeout(body);
            Map<ServerName, Map<UserId, List<DeviceId>>> byServer = new LinkedHashMap<>();
            requested.forEach((user, devices) -> byServer.computeIfAbsent(user.serverName(), s -> new LinkedHashMap<>())
                    .put(user, devices));
            Flux<Answer> remoteAnswers = Flux.fromIterable(byServer.entrySet())
                    .filter(server -> !server.getKey().equals(serverName))
                    .flatMap(server -> remoteKeys(server.getKey(), server.getValue(), timeout));
            Map<UserId, List<DeviceId>> local = byServer.getOrDefault(serverName, Map.of());
            return localKeys(Optional.of(requester), local)
                    .flatMap(answer -> withDisplayNames(answer, local.keySet()))
                    .concatWith(remoteAnswers)
                    .reduce(Answer::merge)
                    .map(answer ->
                            answer.toJson(DEVICE_KEYS, MASTER_KEYS, SELF_SIGNING_KEYS, USER_SIGNING_KEYS, FAILURES));
        });
    }

    /** {@code POST /user/keys/query} from another server: our users' keys only, as any other user sees them. */
    public Mono<JsonObject> queryForServer(JsonObject body) {
        return Mono.fromCallable(() -> {
                    Map<UserId, List<DeviceId>> ours = new LinkedHashMap<>(requestedDevices(body));
                    ours.keySet().removeIf(user -> !user.serverName().equals(serverName));
                    return ours;
                })
                .flatMap(ours -> localKeys(Optional.empty(), ours))
                .map(answer -> answer.toJson(DEVICE_KEYS, MASTER_KEYS, SELF_SIGNING_KEYS));
    }

    /**
     * {@code GET /user/devices/{userId}} from another server: the devices with keys, and the cross-signing keys.
     * NOTSPEC: device display names are not shared with other servers, as in Synapse's default
     * ({@code allow_device_name_lookup_over_federation: false}); {@code stream_id} is the time of the answer, since our
     * {@code m.device_list_update} EDUs never name a previous update (so receivers fetch the list again each time).
     */
    public Mono<JsonObject> devicesForServer(UserId user) {
        if (!user.serverName().equals(serverName)) {
            return Mono.error(new MatrixException(ErrorCode.INVALID_PARAM, "The user is not of this server"));
        }
        return localKeys(Optional.empty(), Map.of(user, List.of())).map(answer -> {
            List<CanonicalJsonValue> devices = new ArrayList<>();
            answer.section(DEVICE_KEYS)
                    .getOrDefault(user.value(), Map.of())
                    .forEach((device, keys) -> devices.add(JsonObject.EMPTY
                            .with("device_id", JsonString.of(device))
                            .with("keys", keys)));
            JsonObject out = JsonObject.EMPTY
                    .with("user_id", JsonString.of(user.value()))
                    .with("stream_id", JsonInteger.of(clock.millis()))
                    .with("devices", new JsonArray(devices));
            CanonicalJsonValue master = answer.flat(MASTER_KEYS).get(user.value());
            CanonicalJsonValue selfSigning = answer.flat(SELF_SIGNING_KEYS).get(user.value());
            out = master == null ? out : out.with("master_key", master);
            return selfSigning == null ? out : out.with("self_signing_key", selfSigning);
        });
    }

    /** {@code POST /keys/claim}: one key per named device, a one-time key while there is one, else the fallback. */
    public Mono<JsonObject> claim(JsonObject body) {
        return Mono.fromCallable(() -> requestedClaims(body)).flatMap(requested -> {
            Duration timeout = remoteTimeout(body);
            Map<ServerName, List<Claim>> byServer = new LinkedHashMap<>();
            requested.forEach(claim -> byServer.computeIfAbsent(claim.user().serverName(), s -> new ArrayList<>())
                    .add(claim));
            Flux<Answer> remoteAnswers = Flux.fromIterable(byServer.entrySet())
                    .filter(server -> !server.getKey().equals(serverName))
                    .flatMap(server -> remoteClaims(server.getKey(), server.getValue(), timeout));
            return localClaims(byServer.getOrDefault(serverName, List.of()))
                    .concatWith(remoteAnswers)
                    .reduce(Answer::merge)
                    .map(answer -> answer.toJson(ONE_TIME_KEYS, FAILURES));
        });
    }

    /** {@code POST /user/keys/claim} from another server: keys of our users' devices only. */
    public Mono<JsonObject> claimForServer(JsonObject body) {
        return Mono.fromCallable(() -> requestedClaims(body).stream()
                        .filter(claim -> claim.user().serverName().equals(serverName))
                        .toList())
                .flatMap(this::localClaims)
                .map(answer -> answer.toJson(ONE_TIME_KEYS));
    }

    private Mono<Answer> localKeys(Optional<UserId> requester, Map<UserId, List<DeviceId>> local) {
        return Mono.zip(database.deviceKeys(local), crossSigning.forQuery(requester, local.keySet()))
                .map(loaded -> {
                    CrossSigning.QueryAdditions cross = loaded.getT2();
                    Answer answer = new Answer();
                    Map<String, Map<String, CanonicalJsonValue>> devices = answer.section(DEVICE_KEYS);
                    local.keySet().forEach(user -> devices.put(user.value(), new TreeMap<>()));
                    for (StoredDeviceKeys keys : loaded.getT1()) {
                        devices.get(keys.userId().value())
                                .put(
                                        keys.deviceId().value(),
                                        CrossSigning.withSignatures(
                                                keys.userId(),
                                                keys.deviceId().value(),
                                                CanonicalJson.parseObject(keys.keyJson()),
                                                cross.deviceSignatures()));
                    }
                    answer.flat(MASTER_KEYS).putAll(cross.masterKeys());
                    answer.flat(SELF_SIGNING_KEYS).putAll(cross.selfSigningKeys());
                    answer.flat(USER_SIGNING_KEYS).putAll(cross.userSigningKeys());
                    return answer;
                });
    }

    /**
     * Local devices' names as {@code unsigned.device_display_name}, for local users only: other servers are not told
     * them, as in Synapse's default.
     */
    private Mono<Answer> withDisplayNames(Answer answer, Collection<UserId> local) {
        UserApi accounts = users.get();
        if (accounts == null) {
            return Mono.just(answer);
        }
        return Flux.fromIterable(local)
                .concatMap(user -> accounts.queryDeviceDisplayNames(user).doOnNext(names -> {
                    Map<String, CanonicalJsonValue> devices =
                            answer.section(DEVICE_KEYS).get(user.value());
                    names.forEach((device, name) -> devices.computeIfPresent(
                            device.value(), (id, keys) -> withDisplayName((JsonObject) keys, name)));
                }))
                .then(Mono.just(answer));
    }

    private static JsonObject withDisplayName(JsonObject keys, String name) {
        JsonObject unsigned = keys.getObject("unsigned").orElse(JsonObject.EMPTY);
        return keys.with("unsigned", unsigned.with("device_display_name", JsonString.of(name)));
    }

    private Mono<Answer> localClaims(List<Claim> local) {
        return Flux.fromIterable(local)
                .concatMap(claim -> database.claim(claim.user(), claim.device(), claim.algorithm())
                        .map(key -> Map.entry(claim, key)))
                .collectList()
                .map(claimed -> {
                    Answer answer = new Answer();
                    for (var entry : claimed) {
                        Claim claim = entry.getKey();
                        if (entry.getValue().isEmpty()) {
                            continue; // the device has no key of that algorithm: left out, as in Synapse
                        }
                        ClaimedKey key = entry.getValue().get();
                        answer.device(
                                ONE_TIME_KEYS,
                                claim.user().value(),
                                claim.device().value(),
                                JsonObject.EMPTY.with(
                                        key.algorithm() + ":" + key.keyId(), CanonicalJson.parse(key.keyJson())));
                    }
                    return answer;
                });
    }

    /**
     * Other servers' users' keys: from the cache for users who share a room with one of ours (so their server's
     * device-list updates reach us and invalidate it; {@link #MAX_CACHE_AGE} at most), else from their server, whose
     * answer for all of a user's devices is cached for the next query.
     */
    private Mono<Answer> remoteKeys(ServerName server, Map<UserId, List<DeviceId>> users, Duration timeout) {
        RemoteKeysApi federation = remote.get();
        if (federation == null) {
            return Mono.just(Answer.failure(server, "Keys of users on other servers cannot be fetched here"));
        }
        long started = clock.millis();
        return Mono.zip(
                        database.cachedRemoteKeys(users.keySet(), started - MAX_CACHE_AGE.toMillis()),
                        sharingRooms(users.keySet()))
                .flatMap(loaded -> {
                    Set<UserId> sharing = loaded.getT2();
                    Answer answer = new Answer();
                    Map<UserId, List<DeviceId>> toFetch = new LinkedHashMap<>(users);
                    loaded.getT1().forEach((user, json) -> {
                        if (sharing.contains(user)) {
                            answer.merge(
                                    keysFromServer(Map.of(user, users.get(user)), CanonicalJson.parseObject(json)));
                            toFetch.remove(user);
                        }
                    });
                    if (toFetch.isEmpty()) {
                        return Mono.just(answer);
                    }
                    return fetchKeys(federation, server, toFetch, timeout)
                            .flatMap(fetched ->
                                    cache(fetched, toFetch, sharing, started).thenReturn(answer.merge(fetched)))
                            .onErrorResume(e -> Mono.just(answer.merge(Answer.failure(server, e.getMessage()))));
                });
    }

    private static Mono<Answer> fetchKeys(
            RemoteKeysApi federation, ServerName server, Map<UserId, List<DeviceId>> users, Duration timeout) {
        Map<String, CanonicalJsonValue> request = new TreeMap<>();
        users.forEach((user, devices) -> request.put(
                user.value(),
                new JsonArray(devices.stream()
                        .<CanonicalJsonValue>map(device -> JsonString.of(device.value()))
                        .toList())));
        return federation
                .queryRemoteKeys(server, JsonObject.of(request), timeout)
                .map(answer -> keysFromServer(users, answer));
    }

    /** Caches what was fetched for all of a user's devices, for the users whose updates reach us. */
    private Mono<Void> cache(Answer fetched, Map<UserId, List<DeviceId>> asked, Set<UserId> sharing, long started) {
        return Flux.fromIterable(asked.entrySet())
                .filter(user -> user.getValue().isEmpty() && sharing.contains(user.getKey()))
                .concatMap(user -> database.cacheRemoteKeys(
                        user.getKey(),
                        CanonicalJson.encodeToString(
                                fetched.ofUser(user.getKey().value())),
                        started))
                .then();
    }

    /** Those of {@code users} joined to a room held here: their servers send us their device-list updates. */
    private Mono<Set<UserId>> sharingRooms(Collection<UserId> users) {
        QueryMembershipApi memberships = rooms.get();
        if (memberships == null) {
            return Mono.just(Set.of());
        }
        return Flux.fromIterable(users)
                .filterWhen(user -> memberships.queryJoinedRooms(user).map(joined -> !joined.isEmpty()))
                .collect(Collectors.toSet());
    }

    private Mono<Answer> remoteClaims(ServerName server, List<Claim> claims, Duration timeout) {
        RemoteKeysApi federation = remote.get();
        if (federation == null) {
            return Mono.just(Answer.failure(server, "Keys of users on other servers cannot be claimed here"));
        }
        Map<String, Map<String, CanonicalJsonValue>> request = new TreeMap<>();
        claims.forEach(claim -> request.computeIfAbsent(claim.user().value(), u -> new TreeMap<>())
                .put(claim.device().value(), JsonString.of(claim.algorithm())));
        Map<String, CanonicalJsonValue> body = new TreeMap<>();
        request.forEach((user, devices) -> body.put(user, JsonObject.of(devices)));
        return federation
                .claimRemoteKeys(server, JsonObject.of(body), timeout)
                .map(answer -> claimsFromServer(claims, answer))
                .onErrorResume(e -> Mono.just(Answer.failure(server, e.getMessage())));
    }

    /**
     * What another server answered to {@code /user/keys/query}, kept only where it is about a user (and device) that
     * was asked for and the keys name the user (and device) they are filed under.
     */
    static Answer keysFromServer(Map<UserId, List<DeviceId>> asked, JsonObject answer) {
        Answer out = new Answer();
        Map<String, List<String>> wanted = new TreeMap<>();
        asked.forEach((user, devices) ->
                wanted.put(user.value(), devices.stream().map(DeviceId::value).toList()));
        wanted.keySet().forEach(user -> out.section(DEVICE_KEYS).put(user, new TreeMap<>()));
        JsonObject byUser = answer.getObject(DEVICE_KEYS).orElse(JsonObject.EMPTY);
        wanted.forEach((user, devices) -> byUser.getObject(user)
                .ifPresent(byDevice -> byDevice.members().forEach((device, keys) -> {
                    boolean askedFor = devices.isEmpty() || devices.contains(device);
                    if (askedFor && names(keys, "user_id", user) && names(keys, "device_id", device)) {
                        out.device(DEVICE_KEYS, user, device, keys);
                    }
                })));
        for (String section : List.of(MASTER_KEYS, SELF_SIGNING_KEYS)) {
            JsonObject keys = answer.getObject(section).orElse(JsonObject.EMPTY);
            wanted.keySet()
                    .forEach(user -> keys.get(user)
                            .filter(key -> names(key, "user_id", user))
                            .ifPresent(key -> out.flat(section).put(user, key)));
        }
        return out;
    }

    /** What another server answered to {@code /user/keys/claim}: one key for each device that was claimed. */
    static Answer claimsFromServer(List<Claim> claims, JsonObject answer) {
        Answer out = new Answer();
        JsonObject byUser = answer.getObject(ONE_TIME_KEYS).orElse(JsonObject.EMPTY);
        for (Claim claim : claims) {
            byUser.getObject(claim.user().value())
                    .flatMap(devices -> devices.getObject(claim.device().value()))
                    .filter(keys -> keys.members().size() == 1)
                    .ifPresent(keys -> out.device(
                            ONE_TIME_KEYS, claim.user().value(), claim.device().value(), keys));
        }
        return out;
    }

    private static boolean names(CanonicalJsonValue keys, String field, String value) {
        return keys instanceof JsonObject object
                && object.getString(field).map(value::equals).orElse(false);
    }

    /** The request's {@code timeout} (ms) for other servers, within [0, 1 min]; 10 s when it names none. */
    static Duration remoteTimeout(JsonObject body) {
        CanonicalJsonValue timeout = body.get("timeout").orElse(null);
        if (timeout == null) {
            return DEFAULT_REMOTE_TIMEOUT;
        }
        if (!(timeout instanceof JsonInteger ms)) {
            throw new MatrixException(ErrorCode.BAD_JSON, "timeout must be an integer");
        }
        return Duration.ofMillis(Math.clamp(ms.value(), 0, MAX_REMOTE_TIMEOUT.toMillis()));
    }

    record Claim(UserId user, DeviceId device, String algorithm) {}

    /**
     * An answer put together from this server's part and other servers' parts: per section, user → device → value
     * (such as {@code device_keys}) or user (or server, for {@code failures}) → value.
     */
    static final class Answer {
        private final Map<String, Map<String, Map<String, CanonicalJsonValue>>> perDevice = new TreeMap<>();
        private final Map<String, Map<String, CanonicalJsonValue>> perUser = new TreeMap<>();

        /** NOTSPEC: what Synapse lists for a server it could not get an answer from. */
        static Answer failure(ServerName server, String message) {
            Answer answer = new Answer();
            answer.flat(FAILURES)
                    .put(
                            server.toString(),
                            JsonObject.EMPTY
                                    .with("status", JsonInteger.of(503))
                                    .with("message", JsonString.of(String.valueOf(message))));
            return answer;
        }

        Map<String, Map<String, CanonicalJsonValue>> section(String name) {
            return perDevice.computeIfAbsent(name, n -> new TreeMap<>());
        }

        void device(String section, String user, String device, CanonicalJsonValue value) {
            section(section).computeIfAbsent(user, u -> new TreeMap<>()).put(device, value);
        }

        Map<String, CanonicalJsonValue> flat(String name) {
            return perUser.computeIfAbsent(name, n -> new TreeMap<>());
        }

        Answer merge(Answer other) {
            other.perDevice.forEach((name, users) -> users.forEach((user, devices) ->
                    section(name).computeIfAbsent(user, u -> new TreeMap<>()).putAll(devices)));
            other.perUser.forEach((name, values) -> flat(name).putAll(values));
            return this;
        }

        /** The user's part of the answer, in the shape of a {@code /user/keys/query} answer. */
        JsonObject ofUser(String user) {
            JsonObject out = JsonObject.EMPTY;
            Map<String, CanonicalJsonValue> devices = section(DEVICE_KEYS).getOrDefault(user, Map.of());
            out = out.with(DEVICE_KEYS, JsonObject.EMPTY.with(user, JsonObject.of(devices)));
            for (String name : List.of(MASTER_KEYS, SELF_SIGNING_KEYS)) {
                CanonicalJsonValue key = flat(name).get(user);
                out = out.with(name, key == null ? JsonObject.EMPTY : JsonObject.EMPTY.with(user, key));
            }
            return out;
        }

        /** The answer's {@code sections}, each present even when empty. */
        JsonObject toJson(String... sections) {
            JsonObject out = JsonObject.EMPTY;
            for (String name : sections) {
                Map<String, CanonicalJsonValue> values = new TreeMap<>(perUser.getOrDefault(name, Map.of()));
                perDevice
                        .getOrDefault(name, Map.of())
                        .forEach((user, devices) -> values.put(user, JsonObject.of(devices)));
                out = out.with(name, JsonObject.of(values));
            }
            return out;
        }
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
