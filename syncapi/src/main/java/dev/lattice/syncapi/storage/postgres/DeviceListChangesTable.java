package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code syncapi.device_list_changes}: the latest change of each user's device list, at its stream position. */
public final class DeviceListChangesTable {
    /** Every change takes a new position: a client told twice that a user changed only queries the keys again. */
    private static final String UPSERT = "INSERT INTO syncapi.device_list_changes (user_id, position)"
            + " VALUES (:user_id, nextval('syncapi.device_list_position_seq'))"
            + " ON CONFLICT (user_id) DO UPDATE SET position = excluded.position RETURNING position";

    private static final String SELECT_CHANGED =
            "SELECT user_id FROM syncapi.device_list_changes" + " WHERE position > :after AND position <= :to";

    private final DatabaseClient client;

    public DeviceListChangesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Records a change of the user's device list; its position. */
    public Mono<Long> upsert(String userId) {
        return client.sql(UPSERT)
                .bind("user_id", userId)
                .map(row -> row.get("position", Long.class))
                .one();
    }

    /** The newest position; 0 before the first change. */
    public Mono<Long> selectMaxPosition() {
        return StreamPositions.newest(client, "syncapi.device_list_changes");
    }

    /** The users whose device lists changed at positions in (after, to]. */
    public Mono<List<String>> selectChanged(long after, long to) {
        return client.sql(SELECT_CHANGED)
                .bind("after", after)
                .bind("to", to)
                .map(row -> row.get("user_id", String.class))
                .all()
                .collectList();
    }
}
