package dev.lattice.keyserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.keyserver.DeviceKeyCounts;
import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.keyserver.internal.KeyUpload;
import dev.lattice.keyserver.producers.KeyserverOutputProducer;
import dev.lattice.keyserver.storage.ClaimedKey;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.keyserver.storage.StoredDeviceKeys;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.RememberedBetweenWrites;
import dev.lattice.runtime.outbox.Outbox;
import dev.lattice.runtime.outbox.OutboxWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link KeyserverDatabase} on the {@code keyserver} schema. */
public final class PostgresKeyserverDatabase implements KeyserverDatabase {
    /** A device's one-time key counts per algorithm and its unused fallback keys' algorithms, as rows of one query. */
    private static final String DEVICE_KEY_COUNTS = "SELECT false AS fallback, algorithm, count(*) AS n"
            + " FROM keyserver.one_time_keys WHERE user_id = :userId AND device_id = :deviceId GROUP BY algorithm"
            + " UNION ALL SELECT true, algorithm, 0 FROM keyserver.fallback_keys"
            + " WHERE user_id = :userId AND device_id = :deviceId AND NOT used";

    private final DeviceKeysTable deviceKeys;
    private final OneTimeKeysTable oneTimeKeys;
    private final FallbackKeysTable fallbackKeys;
    private final RemoteUserKeysTable remoteUserKeys;
    private final Outbox outbox;
    private final DatabaseClient client;

    /**
     * With {@code onlyProcess}: each device's key counts as last read, standing while no write of keys began or ended
     * since: every write of one-time or fallback keys goes through this class ({@link #store}, {@link #claim},
     * {@link #deleteDevices}), and in the only process there is no other. Writes are rare next to {@code /sync}s,
     * which read the counts for every response.
     */
    private final RememberedBetweenWrites<List<String>, DeviceKeyCounts> counts;

    /** The most devices whose key counts are remembered; beyond, all are forgotten. */
    private static final int MAX_REMEMBERED_DEVICES = 100_000;

    /** @param outbox the keyserver schema's outbox, on the same connection factory */
    public PostgresKeyserverDatabase(Database database, Outbox outbox) {
        this(database, outbox, false);
    }

    /**
     * @param outbox the keyserver schema's outbox, on the same connection factory
     * @param onlyProcess whether this is the only process serving the keyserver (the all-in-one), so the only writer of
     *     its keys: the devices' key counts are then remembered between writes
     */
    public PostgresKeyserverDatabase(Database database, Outbox outbox, boolean onlyProcess) {
        this.client = requireNonNull(database, "database is null").client();
        this.deviceKeys = new DeviceKeysTable(client);
        this.oneTimeKeys = new OneTimeKeysTable(client);
        this.fallbackKeys = new FallbackKeysTable(client);
        this.remoteUserKeys = new RemoteUserKeysTable(client);
        this.outbox = requireNonNull(outbox, "outbox is null");
        this.counts = RememberedBetweenWrites.of(onlyProcess, MAX_REMEMBERED_DEVICES);
    }

    @Override
    public Mono<Map<String, Long>> store(UserId user, DeviceId device, KeyUpload upload, long now) {
        return counts.writing(outbox.inTransaction(writer -> storeAndAnnounce(writer, user, device, upload, now)))
                .then(oneTimeKeys.counts(user, device));
    }

    /** The upload's writes; new or changed device keys are announced on {@code keyserver.output}. */
    private Mono<Void> storeAndAnnounce(OutboxWriter writer, UserId user, DeviceId device, KeyUpload upload, long now) {
        Mono<Void> deviceKeysWrite = upload.deviceKeys()
                .map(keys -> deviceKeys
                        .upsert(user, device, CanonicalJson.encodeToString(keys), now)
                        .flatMap(changed -> changed
                                ? KeyserverOutputProducer.enqueue(
                                        writer, DeviceListChange.of(user, Optional.of(device), false))
                                : Mono.<Void>empty()))
                .orElse(Mono.empty());
        return deviceKeysWrite
                .thenMany(Flux.fromIterable(upload.oneTimeKeys())
                        .concatMap(key -> storeOneTimeKey(user, device, key, now)))
                .thenMany(Flux.fromIterable(upload.fallbackKeys())
                        .concatMap(key ->
                                fallbackKeys.upsert(user, device, key.algorithm(), key.keyId(), key.json(), now)))
                .then();
    }

    /** Inserts a one-time key; the same key again is a no-op, another key under the same ID fails the upload. */
    private Mono<Void> storeOneTimeKey(UserId user, DeviceId device, KeyUpload.Key key, long now) {
        return oneTimeKeys
                .insert(user, device, key.algorithm(), key.keyId(), key.json(), now)
                .flatMap(inserted -> inserted
                        ? Mono.empty()
                        : oneTimeKeys
                                .select(user, device, key.algorithm(), key.keyId())
                                .flatMap(stored -> stored.filter(key.json()::equals)
                                        .map(same -> Mono.<Void>empty())
                                        .orElseGet(() -> Mono.error(new MatrixException(
                                                ErrorCode.INVALID_PARAM,
                                                "One-time key " + key.algorithm() + ":" + key.keyId()
                                                        + " already exists with another key")))));
    }

    @Override
    public Mono<DeviceKeyCounts> deviceKeyCounts(UserId user, DeviceId device) {
        return counts.get(List.of(user.value(), device.value()), () -> readDeviceKeyCounts(user, device));
    }

    private Mono<DeviceKeyCounts> readDeviceKeyCounts(UserId user, DeviceId device) {
        return client.sql(DEVICE_KEY_COUNTS)
                .bind("userId", user.value())
                .bind("deviceId", device.value())
                .map(row -> new AlgorithmCount(
                        row.get("fallback", Boolean.class),
                        row.get("algorithm", String.class),
                        row.get("n", Long.class)))
                .all()
                .collectList()
                .map(rows -> {
                    Map<String, Long> oneTimeKeys = new TreeMap<>();
                    List<String> unusedFallbacks = new ArrayList<>();
                    for (AlgorithmCount row : rows) {
                        if (row.fallback()) {
                            unusedFallbacks.add(row.algorithm());
                        } else {
                            oneTimeKeys.put(row.algorithm(), row.n());
                        }
                    }
                    Collections.sort(unusedFallbacks);
                    return new DeviceKeyCounts(oneTimeKeys, unusedFallbacks);
                });
    }

    private record AlgorithmCount(boolean fallback, String algorithm, long n) {}

    @Override
    public Mono<List<StoredDeviceKeys>> deviceKeys(Map<UserId, ? extends Collection<DeviceId>> devices) {
        return Flux.fromIterable(devices.entrySet())
                .concatMap(entry -> deviceKeys
                        .selectUser(entry.getKey())
                        .filter(keys ->
                                entry.getValue().isEmpty() || entry.getValue().contains(keys.deviceId())))
                .collectList();
    }

    @Override
    public Mono<Optional<ClaimedKey>> claim(UserId user, DeviceId device, String algorithm) {
        return counts.writing(oneTimeKeys
                .claim(user, device, algorithm)
                .flatMap(claimed ->
                        claimed.isPresent() ? Mono.just(claimed) : fallbackKeys.claim(user, device, algorithm)));
    }

    private static final List<String> DELETE_DEVICE_ROWS = List.of(
            "DELETE FROM keyserver.device_keys WHERE user_id = :user_id AND device_id = ANY(:devices)",
            "DELETE FROM keyserver.one_time_keys WHERE user_id = :user_id AND device_id = ANY(:devices)",
            "DELETE FROM keyserver.fallback_keys WHERE user_id = :user_id AND device_id = ANY(:devices)",
            "DELETE FROM keyserver.cross_signing_signatures"
                    + " WHERE target_user_id = :user_id AND target_key_id = ANY(:devices)");

    @Override
    public Mono<Void> deleteDevices(UserId user, List<DeviceId> devices) {
        if (devices.isEmpty()) {
            return Mono.empty();
        }
        String[] ids = devices.stream().map(DeviceId::value).toArray(String[]::new);
        return counts.writing(outbox.inTransaction(writer -> Flux.fromIterable(DELETE_DEVICE_ROWS)
                .concatMap(sql -> client.sql(sql)
                        .bind("user_id", user.value())
                        .bind("devices", ids)
                        .then())
                .thenMany(Flux.fromIterable(devices)
                        .concatMap(device -> KeyserverOutputProducer.enqueue(
                                writer, DeviceListChange.of(user, Optional.of(device), true))))
                .then()));
    }

    @Override
    public Mono<Void> invalidateRemoteKeysAndAnnounce(DeviceListChange change, long now) {
        return outbox.inTransaction(writer ->
                remoteUserKeys.invalidate(change.userId(), now).then(KeyserverOutputProducer.enqueue(writer, change)));
    }

    @Override
    public Mono<Map<UserId, String>> cachedRemoteKeys(Collection<UserId> users, long notBefore) {
        return users.isEmpty() ? Mono.just(Map.of()) : remoteUserKeys.select(users, notBefore);
    }

    @Override
    public Mono<Void> cacheRemoteKeys(UserId user, String answerJson, long fetchStartedTs) {
        return remoteUserKeys.store(user, answerJson, fetchStartedTs);
    }
}
