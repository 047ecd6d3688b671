package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code clientapi.room_aliases}: local room aliases. */
public final class RoomAliasesTable {
    private static final String INSERT = "INSERT INTO clientapi.room_aliases (alias, room_id, creator, created_ts)"
            + " VALUES (:alias, :roomId, :creator, :createdTs) ON CONFLICT (alias) DO NOTHING";
    private static final String SELECT_ROOM = "SELECT room_id FROM clientapi.room_aliases WHERE alias = :alias";
    private static final String SELECT_CREATOR = "SELECT creator FROM clientapi.room_aliases WHERE alias = :alias";
    private static final String SELECT_BY_ROOM =
            "SELECT alias FROM clientapi.room_aliases WHERE room_id = :roomId" + " ORDER BY alias";
    private static final String DELETE = "DELETE FROM clientapi.room_aliases WHERE alias = :alias";

    private final DatabaseClient client;

    public RoomAliasesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Stores an alias; false if it is already taken. */
    public Mono<Boolean> insert(String alias, String roomId, String creator, long createdTs) {
        return client.sql(INSERT)
                .bind("alias", alias)
                .bind("roomId", roomId)
                .bind("creator", creator)
                .bind("createdTs", createdTs)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }

    /** The room an alias points at. */
    public Mono<String> selectRoom(String alias) {
        return client.sql(SELECT_ROOM)
                .bind("alias", alias)
                .map(row -> row.get("room_id", String.class))
                .one();
    }

    /** The user who created an alias. */
    public Mono<String> selectCreator(String alias) {
        return client.sql(SELECT_CREATOR)
                .bind("alias", alias)
                .map(row -> row.get("creator", String.class))
                .one();
    }

    /** A room's local aliases. */
    public Flux<String> selectByRoom(String roomId) {
        return client.sql(SELECT_BY_ROOM)
                .bind("roomId", roomId)
                .map(row -> row.get("alias", String.class))
                .all();
    }

    /** Deletes an alias; false if there was none. */
    public Mono<Boolean> delete(String alias) {
        return client.sql(DELETE).bind("alias", alias).fetch().rowsUpdated().map(rows -> rows > 0);
    }
}
