package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code clientapi.room_directory}: rooms listed in the public room directory. */
public final class RoomDirectoryTable {
    private static final String INSERT = "INSERT INTO clientapi.room_directory (room_id, published_ts)"
            + " VALUES (:roomId, :publishedTs) ON CONFLICT (room_id) DO NOTHING";
    private static final String DELETE = "DELETE FROM clientapi.room_directory WHERE room_id = :roomId";
    private static final String EXISTS = "SELECT 1 FROM clientapi.room_directory WHERE room_id = :roomId";
    private static final String SELECT_ALL = "SELECT room_id FROM clientapi.room_directory ORDER BY published_ts";

    private final DatabaseClient client;

    public RoomDirectoryTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String roomId, long publishedTs) {
        return client.sql(INSERT)
                .bind("roomId", roomId)
                .bind("publishedTs", publishedTs)
                .then();
    }

    public Mono<Void> delete(String roomId) {
        return client.sql(DELETE).bind("roomId", roomId).then();
    }

    public Mono<Boolean> exists(String roomId) {
        return client.sql(EXISTS)
                .bind("roomId", roomId)
                .map(row -> true)
                .first()
                .defaultIfEmpty(false);
    }

    public Flux<String> selectAll() {
        return client.sql(SELECT_ALL)
                .map(row -> row.get("room_id", String.class))
                .all();
    }
}
