package dev.lattice.keyserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.keyserver.storage.StoredDeviceKeys;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code keyserver.device_keys}: each device's identity keys, replaced by a new upload. */
public final class DeviceKeysTable {
    private static final String UPSERT = "INSERT INTO keyserver.device_keys (user_id, device_id, key_json, updated_ts)"
            + " VALUES (:userId, :deviceId, :keyJson, :now) ON CONFLICT (user_id, device_id)"
            + " DO UPDATE SET key_json = excluded.key_json, updated_ts = excluded.updated_ts"
            + " WHERE keyserver.device_keys.key_json <> excluded.key_json RETURNING 1 AS changed";
    private static final String SELECT_USER = "SELECT user_id, device_id, key_json FROM keyserver.device_keys"
            + " WHERE user_id = :userId ORDER BY device_id";

    private final DatabaseClient client;

    public DeviceKeysTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Stores the device's keys; whether they are new or differ from those stored (the same keys again: false). */
    public Mono<Boolean> upsert(UserId user, DeviceId device, String keyJson, long now) {
        return client.sql(UPSERT)
                .bind("userId", user.value())
                .bind("deviceId", device.value())
                .bind("keyJson", keyJson)
                .bind("now", now)
                .map(row -> true)
                .one()
                .defaultIfEmpty(false);
    }

    /** Every device of {@code user} that uploaded keys, by device ID. */
    public Flux<StoredDeviceKeys> selectUser(UserId user) {
        return client.sql(SELECT_USER)
                .bind("userId", user.value())
                .map(row -> new StoredDeviceKeys(
                        UserId.parse(row.get("user_id", String.class)),
                        DeviceId.parse(row.get("device_id", String.class)),
                        row.get("key_json", String.class)))
                .all();
    }
}
