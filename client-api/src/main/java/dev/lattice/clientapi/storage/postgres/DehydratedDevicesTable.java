package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.clientapi.storage.StoredDehydratedDevice;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code clientapi.dehydrated_devices}: at most one dehydrated device per user. */
public final class DehydratedDevicesTable {
    private static final String UPSERT = "INSERT INTO clientapi.dehydrated_devices"
            + " (localpart, device_id, device_data, created_ts) VALUES (:localpart, :deviceId, :data, :now)"
            + " ON CONFLICT (localpart) DO UPDATE SET device_id = excluded.device_id,"
            + " device_data = excluded.device_data, created_ts = excluded.created_ts";
    private static final String SELECT =
            "SELECT device_id, device_data FROM clientapi.dehydrated_devices WHERE localpart = :localpart";
    private static final String SELECT_FOR_UPDATE = SELECT + " FOR UPDATE";

    private final DatabaseClient client;

    public DehydratedDevicesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> upsert(String localpart, String deviceId, String deviceDataJson, long now) {
        return client.sql(UPSERT)
                .bind("localpart", localpart)
                .bind("deviceId", deviceId)
                .bind("data", deviceDataJson)
                .bind("now", now)
                .then();
    }

    public Mono<StoredDehydratedDevice> select(String localpart) {
        return select(SELECT, localpart);
    }

    /** The row, locked until the transaction ends, so two replacements of one user's device queue. */
    public Mono<StoredDehydratedDevice> selectForUpdate(String localpart) {
        return select(SELECT_FOR_UPDATE, localpart);
    }

    private Mono<StoredDehydratedDevice> select(String sql, String localpart) {
        return client.sql(sql)
                .bind("localpart", localpart)
                .map(row -> new StoredDehydratedDevice(
                        row.get("device_id", String.class), row.get("device_data", String.class)))
                .one();
    }
}
