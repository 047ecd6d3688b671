package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.clientapi.storage.StoredDevice;
import io.r2dbc.spi.Readable;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code clientapi.devices}: a user's devices; deleting one cascades to its access and refresh tokens. */
public final class DevicesTable {
    private static final String COLUMNS = "device_id, display_name, last_seen_ts, last_seen_ip";
    /** A login on an existing device keeps its name and refreshes when it was last seen. */
    private static final String UPSERT = "INSERT INTO clientapi.devices"
            + " (localpart, device_id, display_name, created_ts, last_seen_ts, last_seen_ip)"
            + " VALUES (:localpart, :deviceId, :displayName, :now, :now, :ip)"
            + " ON CONFLICT (localpart, device_id) DO UPDATE SET last_seen_ts = excluded.last_seen_ts,"
            + " last_seen_ip = excluded.last_seen_ip,"
            + " display_name = COALESCE(clientapi.devices.display_name, excluded.display_name)";

    private static final String SELECT_ALL =
            "SELECT " + COLUMNS + " FROM clientapi.devices" + " WHERE localpart = :localpart ORDER BY device_id";
    private static final String SELECT_ONE =
            "SELECT " + COLUMNS + " FROM clientapi.devices" + " WHERE localpart = :localpart AND device_id = :deviceId";
    private static final String UPDATE_NAME = "UPDATE clientapi.devices SET display_name = :displayName"
            + " WHERE localpart = :localpart AND device_id = :deviceId";
    private static final String DELETE_SOME = "DELETE FROM clientapi.devices"
            + " WHERE localpart = :localpart AND device_id = ANY(:deviceIds)" + " RETURNING device_id";
    private static final String DELETE_ALL_BUT = "DELETE FROM clientapi.devices"
            + " WHERE localpart = :localpart AND device_id <> :keep" + " RETURNING device_id";
    private static final String DELETE_ALL =
            "DELETE FROM clientapi.devices WHERE localpart = :localpart RETURNING device_id";

    private final DatabaseClient client;

    public DevicesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> upsert(String localpart, String deviceId, String displayName, String ip, long now) {
        var spec = client.sql(UPSERT)
                .bind("localpart", localpart)
                .bind("deviceId", deviceId)
                .bind("now", now);
        spec = Sql.bindNullable(spec, "displayName", displayName, String.class);
        return Sql.bindNullable(spec, "ip", ip, String.class).then();
    }

    public Flux<StoredDevice> selectAll(String localpart) {
        return client.sql(SELECT_ALL)
                .bind("localpart", localpart)
                .map(DevicesTable::device)
                .all();
    }

    public Mono<StoredDevice> select(String localpart, String deviceId) {
        return client.sql(SELECT_ONE)
                .bind("localpart", localpart)
                .bind("deviceId", deviceId)
                .map(DevicesTable::device)
                .one();
    }

    /** Renames a device; false when it does not exist. */
    public Mono<Boolean> updateDisplayName(String localpart, String deviceId, String displayName) {
        var spec = client.sql(UPDATE_NAME).bind("localpart", localpart).bind("deviceId", deviceId);
        return Sql.bindNullable(spec, "displayName", displayName, String.class)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }

    /** Deletes the listed devices (unknown ones are ignored); returns the IDs of those deleted. */
    public Mono<List<String>> delete(String localpart, String[] deviceIds) {
        return deviceIds(client.sql(DELETE_SOME).bind("localpart", localpart).bind("deviceIds", deviceIds));
    }

    /** Deletes every device of the user but {@code keep}; returns the IDs of those deleted. */
    public Mono<List<String>> deleteAllBut(String localpart, String keep) {
        return deviceIds(client.sql(DELETE_ALL_BUT).bind("localpart", localpart).bind("keep", keep));
    }

    /** Deletes every device of the user; returns the IDs of those deleted. */
    public Mono<List<String>> deleteAll(String localpart) {
        return deviceIds(client.sql(DELETE_ALL).bind("localpart", localpart));
    }

    private static Mono<List<String>> deviceIds(DatabaseClient.GenericExecuteSpec delete) {
        return delete.map(row -> row.get("device_id", String.class)).all().collectList();
    }

    private static StoredDevice device(Readable row) {
        return new StoredDevice(
                row.get("device_id", String.class),
                row.get("display_name", String.class),
                row.get("last_seen_ts", Long.class),
                row.get("last_seen_ip", String.class));
    }
}
