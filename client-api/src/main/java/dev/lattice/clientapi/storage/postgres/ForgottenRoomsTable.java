package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code clientapi.forgotten_rooms}: rooms a local user left and then forgot. */
public final class ForgottenRoomsTable {
    private static final String INSERT = "INSERT INTO clientapi.forgotten_rooms (localpart, room_id, forgotten_ts)"
            + " VALUES (:localpart, :roomId, :forgottenTs) ON CONFLICT (localpart, room_id) DO NOTHING";
    private static final String DELETE =
            "DELETE FROM clientapi.forgotten_rooms" + " WHERE localpart = :localpart AND room_id = :roomId";
    private static final String EXISTS =
            "SELECT 1 FROM clientapi.forgotten_rooms" + " WHERE localpart = :localpart AND room_id = :roomId";

    private static final String SELECT_BY_USER =
            "SELECT room_id FROM clientapi.forgotten_rooms WHERE localpart = :localpart";

    private final DatabaseClient client;

    public ForgottenRoomsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String localpart, String roomId, long forgottenTs) {
        return client.sql(INSERT)
                .bind("localpart", localpart)
                .bind("roomId", roomId)
                .bind("forgottenTs", forgottenTs)
                .then();
    }

    public Mono<Void> delete(String localpart, String roomId) {
        return client.sql(DELETE)
                .bind("localpart", localpart)
                .bind("roomId", roomId)
                .then();
    }

    public Mono<Boolean> exists(String localpart, String roomId) {
        return client.sql(EXISTS)
                .bind("localpart", localpart)
                .bind("roomId", roomId)
                .map(row -> true)
                .first()
                .defaultIfEmpty(false);
    }

    /** The rooms {@code localpart} forgot. */
    public Mono<List<String>> selectByUser(String localpart) {
        return client.sql(SELECT_BY_USER)
                .bind("localpart", localpart)
                .map(row -> row.get("room_id", String.class))
                .all()
                .collectList();
    }
}
