package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.PartialStateRoom;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.roomserver.storage.RoomRow;
import io.r2dbc.spi.Readable;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code roomserver.rooms}: one row per room, locked while an event of the room is stored. */
public final class RoomsTable {
    private static final String INSERT = "INSERT INTO roomserver.rooms (room_id, room_version, create_event_id, "
            + "created_ts) VALUES (:room_id, :room_version, :create_event_id, :created_ts) ON CONFLICT DO NOTHING";
    private static final String SELECT = "SELECT room_id, room_version, create_event_id, created_ts, "
            + "partial_state_servers, partial_state_join_event_id FROM roomserver.rooms WHERE room_id = :room_id";
    private static final String SET_PARTIAL_STATE = "UPDATE roomserver.rooms SET partial_state_servers = :servers,"
            + " partial_state_join_event_id = :join_event_id WHERE room_id = :room_id";
    private static final String CLEAR_PARTIAL_STATE = "UPDATE roomserver.rooms SET partial_state_servers = NULL,"
            + " partial_state_join_event_id = NULL WHERE room_id = :room_id";
    private static final String SELECT_PARTIAL = "SELECT room_id, room_version, partial_state_join_event_id,"
            + " partial_state_servers FROM roomserver.rooms WHERE partial_state_servers IS NOT NULL ORDER BY room_id";
    private static final String LOCK = SELECT + " FOR UPDATE";
    /** {@link #lock} within another statement: one row, the count of rooms locked (0 for a room not stored). */
    static final String LOCK_COUNT =
            "SELECT count(*) FROM (SELECT 1 FROM roomserver.rooms WHERE room_id = :room_id FOR UPDATE) AS room";

    private final DatabaseClient client;

    public RoomsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Inserts the room; completes with whether it was new. */
    public Mono<Boolean> insert(RoomRow room) {
        return client.sql(INSERT)
                .bind("room_id", room.roomId())
                .bind("room_version", room.roomVersion().toString())
                .bind("create_event_id", room.createEventId())
                .bind("created_ts", room.createdTs())
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    public Mono<Optional<RoomRow>> select(String roomId) {
        return client.sql(SELECT)
                .bind("room_id", roomId)
                .map(RoomsTable::read)
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    /** Locks the room's row until the surrounding transaction ends; empty when the room is unknown. */
    public Mono<Optional<RoomRow>> lock(String roomId) {
        return client.sql(LOCK)
                .bind("room_id", roomId)
                .map(RoomsTable::read)
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    /** Marks the room partial: this server's join starts from a partial state, with these servers in the room. */
    public Mono<Void> setPartialState(String roomId, String joinEventId, List<String> servers) {
        return client.sql(SET_PARTIAL_STATE)
                .bind("room_id", roomId)
                .bind("join_event_id", joinEventId)
                .bind("servers", servers.toArray(String[]::new))
                .then();
    }

    /** The room's state is complete. */
    public Mono<Void> clearPartialState(String roomId) {
        return client.sql(CLEAR_PARTIAL_STATE).bind("room_id", roomId).then();
    }

    /** The rooms whose state is partial. */
    public Mono<List<PartialStateRoom>> selectPartial() {
        return client.sql(SELECT_PARTIAL)
                .map(row -> new PartialStateRoom(
                        RoomId.parse(row.get("room_id", String.class)),
                        RoomVersionId.of(row.get("room_version", String.class)),
                        EventId.parse(row.get("partial_state_join_event_id", String.class)),
                        Stream.of(row.get("partial_state_servers", String[].class))
                                .map(ServerName::parse)
                                .toList()))
                .all()
                .collectList();
    }

    private static RoomRow read(Readable row) {
        String[] servers = row.get("partial_state_servers", String[].class);
        return new RoomRow(
                row.get("room_id", String.class),
                RoomVersionId.of(row.get("room_version", String.class)),
                row.get("create_event_id", String.class),
                Sql.requireLong(row, "created_ts"),
                servers == null ? null : List.of(servers),
                row.get("partial_state_join_event_id", String.class));
    }
}
