package dev.lattice.keyserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.keyserver.storage.ClaimedKey;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code keyserver.one_time_keys}: one-time keys not yet claimed. */
public final class OneTimeKeysTable {
    private static final String INSERT = "INSERT INTO keyserver.one_time_keys"
            + " (user_id, device_id, algorithm, key_id, key_json, uploaded_ts)"
            + " VALUES (:userId, :deviceId, :algorithm, :keyId, :keyJson, :now)"
            + " ON CONFLICT (user_id, device_id, algorithm, key_id) DO NOTHING";
    private static final String SELECT_KEY = "SELECT key_json FROM keyserver.one_time_keys WHERE user_id = :userId"
            + " AND device_id = :deviceId AND algorithm = :algorithm AND key_id = :keyId";
    private static final String COUNTS = "SELECT algorithm, count(*) AS n FROM keyserver.one_time_keys"
            + " WHERE user_id = :userId AND device_id = :deviceId GROUP BY algorithm";
    /**
     * Takes the device's oldest-ID key of the algorithm and deletes it in one statement. {@code SKIP LOCKED}: a
     * concurrent claim skips a row another claim is taking and takes the next, so no key is handed out twice and no
     * claim waits for another.
     */
    private static final String CLAIM =
            "DELETE FROM keyserver.one_time_keys WHERE (user_id, device_id, algorithm, key_id)"
                    + " = (SELECT user_id, device_id, algorithm, key_id FROM keyserver.one_time_keys"
                    + " WHERE user_id = :userId AND device_id = :deviceId AND algorithm = :algorithm"
                    + " ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING key_id, key_json";

    private final DatabaseClient client;

    public OneTimeKeysTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Inserts a key; false when the device already has a key under this algorithm and ID. */
    public Mono<Boolean> insert(UserId user, DeviceId device, String algorithm, String keyId, String json, long now) {
        return client.sql(INSERT)
                .bind("userId", user.value())
                .bind("deviceId", device.value())
                .bind("algorithm", algorithm)
                .bind("keyId", keyId)
                .bind("keyJson", json)
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }

    /** The stored key under this algorithm and ID, if any. */
    public Mono<Optional<String>> select(UserId user, DeviceId device, String algorithm, String keyId) {
        return client.sql(SELECT_KEY)
                .bind("userId", user.value())
                .bind("deviceId", device.value())
                .bind("algorithm", algorithm)
                .bind("keyId", keyId)
                .map(row -> row.get("key_json", String.class))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    public Mono<Map<String, Long>> counts(UserId user, DeviceId device) {
        return client.sql(COUNTS)
                .bind("userId", user.value())
                .bind("deviceId", device.value())
                .map(row -> Map.entry(row.get("algorithm", String.class), row.get("n", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new);
    }

    public Mono<Optional<ClaimedKey>> claim(UserId user, DeviceId device, String algorithm) {
        return KeyClaims.claim(client, CLAIM, user, device, algorithm, false);
    }
}
