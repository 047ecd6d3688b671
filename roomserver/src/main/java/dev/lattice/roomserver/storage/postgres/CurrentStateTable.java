package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.roomserver.storage.CurrentStateRow;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import io.r2dbc.spi.Readable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Mono;

/** {@code roomserver.current_state}: each room's current state, with memberships indexed by user. */
public final class CurrentStateTable {
    /** Many entries in one statement: the rows as parallel arrays, each key at most once. */
    private static final String UPSERT = "INSERT INTO roomserver.current_state (room_id, event_type, state_key, "
            + "event_id, membership) SELECT :room_id, t, k, e, m FROM unnest(CAST(:event_types AS text[]), "
            + "CAST(:state_keys AS text[]), CAST(:event_ids AS text[]), CAST(:memberships AS text[])) AS x(t, k, e, m) "
            + "ON CONFLICT (room_id, event_type, state_key) DO UPDATE SET event_id = excluded.event_id, "
            + "membership = excluded.membership";

    /** The entries of the keys {@link #bindKeys} binds: two parallel arrays (type, state key). */
    private static final String AT_KEYS = " AND (event_type, state_key) IN (SELECT * FROM"
            + " unnest(CAST(:event_types AS text[]), CAST(:state_keys AS text[])))";

    private static final String DELETE = "DELETE FROM roomserver.current_state WHERE room_id = :room_id" + AT_KEYS;
    private static final String COLUMNS = "room_id, event_type, state_key, event_id, membership";
    private static final String SELECT_ROOM =
            "SELECT " + COLUMNS + " FROM roomserver.current_state " + "WHERE room_id = :room_id";
    private static final String SELECT_ONE = SELECT_ROOM + " AND event_type = :event_type AND state_key = :state_key";
    private static final String SELECT_KEYS = SELECT_ROOM + AT_KEYS;

    /**
     * The room's forward extremities (rows {@code extremity}: ID and depth) and its current state's entries at the keys
     * {@link #bindKeys} binds (rows {@code state}), in one statement.
     */
    private static final String SELECT_LATEST = "SELECT 'extremity' AS part, e.event_id, e.depth,"
            + " NULL AS event_type, NULL AS state_key FROM roomserver.forward_extremities f"
            + " JOIN roomserver.events e ON e.event_id = f.event_id WHERE f.room_id = :room_id"
            + " UNION ALL SELECT 'state', event_id, NULL, event_type, state_key FROM roomserver.current_state"
            + " WHERE room_id = :room_id" + AT_KEYS;

    /** A user ID's server name is all after its first colon (it may have a port). */
    private static final String SELECT_JOINED_SERVERS =
            "SELECT DISTINCT substr(state_key, strpos(state_key, ':') + 1) AS server_name"
                    + " FROM roomserver.current_state WHERE room_id = :room_id AND event_type = 'm.room.member'"
                    + " AND membership = 'join'";

    private static final String SELECT_USER = "SELECT " + COLUMNS + " FROM roomserver.current_state "
            + "WHERE event_type = 'm.room.member' AND state_key = :user_id AND membership = :membership";

    private final DatabaseClient client;

    public CurrentStateTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Sets the rows' entries of {@code roomId}, all in one statement; a key listed twice keeps its last row. */
    public Mono<Void> upsert(String roomId, List<CurrentStateRow> rows) {
        Map<StateKey, CurrentStateRow> byKey = new LinkedHashMap<>();
        for (CurrentStateRow row : rows) {
            if (!row.roomId().equals(roomId)) {
                throw new IllegalArgumentException(row.key() + " is in " + row.roomId() + ", not " + roomId);
            }
            byKey.put(row.key(), row);
        }
        if (byKey.isEmpty()) {
            return Mono.empty();
        }
        List<CurrentStateRow> unique = List.copyOf(byKey.values());
        return client.sql(UPSERT)
                .bind("room_id", roomId)
                .bind("event_types", unique.stream().map(r -> r.key().type()).toArray(String[]::new))
                .bind("state_keys", unique.stream().map(r -> r.key().stateKey()).toArray(String[]::new))
                .bind("event_ids", unique.stream().map(CurrentStateRow::eventId).toArray(String[]::new))
                .bind(
                        "memberships",
                        unique.stream().map(CurrentStateRow::membership).toArray(String[]::new))
                .then();
    }

    /** Removes these entries of {@code roomId} in one statement. */
    public Mono<Void> delete(String roomId, Collection<StateKey> keys) {
        if (keys.isEmpty()) {
            return Mono.empty();
        }
        return bindKeys(client.sql(DELETE).bind("room_id", roomId), keys).then();
    }

    public Mono<List<CurrentStateRow>> selectRoom(String roomId) {
        return client.sql(SELECT_ROOM)
                .bind("room_id", roomId)
                .map(CurrentStateTable::read)
                .all()
                .collectList();
    }

    /** A row of {@link #SELECT_LATEST}: an extremity (with its depth) or a state entry (with its key). */
    private record LatestRow(String eventId, Optional<Long> depth, Optional<StateKey> key) {}

    /** {@link #SELECT_LATEST}: the extremities, deepest first (then by event ID), and the entries of the keys. */
    public Mono<RoomserverDatabase.Latest> selectLatest(String roomId, Collection<StateKey> keys) {
        return bindKeys(client.sql(SELECT_LATEST).bind("room_id", roomId), keys)
                .map(row -> "extremity".equals(row.get("part", String.class))
                        ? new LatestRow(
                                row.get("event_id", String.class),
                                Optional.of(row.get("depth", Long.class)),
                                Optional.empty())
                        : new LatestRow(
                                row.get("event_id", String.class),
                                Optional.empty(),
                                Optional.of(StateKey.of(
                                        row.get("event_type", String.class), row.get("state_key", String.class)))))
                .all()
                .collectList()
                .map(rows -> {
                    List<RoomserverDatabase.Extremity> extremities = new ArrayList<>();
                    Map<StateKey, String> state = new HashMap<>();
                    for (LatestRow row : rows) {
                        row.depth()
                                .ifPresent(depth ->
                                        extremities.add(new RoomserverDatabase.Extremity(row.eventId(), depth)));
                        row.key().ifPresent(key -> state.put(key, row.eventId()));
                    }
                    extremities.sort(Comparator.comparingLong(RoomserverDatabase.Extremity::depth)
                            .reversed()
                            .thenComparing(RoomserverDatabase.Extremity::eventId));
                    return new RoomserverDatabase.Latest(List.copyOf(extremities), Map.copyOf(state));
                });
    }

    /** The entries of these keys that the room's state has. */
    public Mono<List<CurrentStateRow>> selectKeys(String roomId, Collection<StateKey> keys) {
        if (keys.isEmpty()) {
            return Mono.just(List.of());
        }
        return bindKeys(client.sql(SELECT_KEYS).bind("room_id", roomId), keys)
                .map(CurrentStateTable::read)
                .all()
                .collectList();
    }

    public Mono<Optional<CurrentStateRow>> select(String roomId, StateKey key) {
        return client.sql(SELECT_ONE)
                .bind("room_id", roomId)
                .bind("event_type", key.type())
                .bind("state_key", key.stateKey())
                .map(CurrentStateTable::read)
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    /** The server names of the room's joined members, each once. */
    public Mono<Set<String>> selectJoinedServers(String roomId) {
        return client.sql(SELECT_JOINED_SERVERS)
                .bind("room_id", roomId)
                .map(row -> row.get("server_name", String.class))
                .all()
                .collect(Collectors.toSet());
    }

    /** The member events of {@code userId} with {@code membership}, in every room. */
    public Mono<List<CurrentStateRow>> selectMemberships(String userId, String membership) {
        return client.sql(SELECT_USER)
                .bind("user_id", userId)
                .bind("membership", membership)
                .map(CurrentStateTable::read)
                .all()
                .collectList();
    }

    /** Binds {@code keys} for {@link #AT_KEYS}. */
    private static GenericExecuteSpec bindKeys(GenericExecuteSpec spec, Collection<StateKey> keys) {
        return spec.bind("event_types", keys.stream().map(StateKey::type).toArray(String[]::new))
                .bind("state_keys", keys.stream().map(StateKey::stateKey).toArray(String[]::new));
    }

    private static CurrentStateRow read(Readable row) {
        return new CurrentStateRow(
                row.get("room_id", String.class),
                StateKey.of(row.get("event_type", String.class), row.get("state_key", String.class)),
                row.get("event_id", String.class),
                row.get("membership", String.class));
    }
}
