package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.db.Database;
import dev.lattice.syncapi.storage.SlidingSyncConnections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * {@link SlidingSyncConnections} in {@code syncapi.sliding_sync_connections}, {@code sliding_sync_positions} and
 * {@code sliding_sync_rooms}. A room's row at {@code pos} holds from that {@code pos} on, until a newer row for the
 * room: a response writes rows only for the rooms it sent, so a response costs what it sent, not the user's rooms.
 */
public final class PostgresSlidingSyncConnections implements SlidingSyncConnections {
    private static final String NEXT_ID = "SELECT nextval('syncapi.sliding_sync_position_seq') AS id";

    private static final String DELETE_DEVICE_CONNECTIONS = "DELETE FROM syncapi.sliding_sync_connections"
            + " WHERE user_id = :user_id AND device_id = :device_id AND conn_id = :conn_id";

    private static final String INSERT_CONNECTION = "INSERT INTO syncapi.sliding_sync_connections"
            + " (connection_id, user_id, device_id, conn_id, created_ts, last_used_ts)"
            + " VALUES (:connection_id, :user_id, :device_id, :conn_id, :now, :now)";

    private static final String TOUCH_CONNECTION = "UPDATE syncapi.sliding_sync_connections SET last_used_ts = :now"
            + " WHERE connection_id = :connection_id AND last_used_ts < :now";

    private static final String DELETE_DEVICES = "DELETE FROM syncapi.sliding_sync_connections"
            + " WHERE user_id = :user_id AND device_id = ANY(:device_ids::text[])";

    private static final String DELETE_IDLE =
            "DELETE FROM syncapi.sliding_sync_connections WHERE last_used_ts < :used_before";

    private static final String SELECT_POSITION = "SELECT p.connection_id, p.parent_pos, p.sync_token, p.list_counts"
            + " FROM syncapi.sliding_sync_positions p JOIN syncapi.sliding_sync_connections c USING (connection_id)"
            + " WHERE p.pos = :pos AND c.user_id = :user_id AND c.device_id = :device_id AND c.conn_id = :conn_id";

    /** Every position but the acknowledged one: later ones were never received, earlier ones are superseded. */
    private static final String DELETE_OTHER_POSITIONS =
            "DELETE FROM syncapi.sliding_sync_positions WHERE connection_id = :connection_id AND pos <> :pos";

    /**
     * Rows of responses the client did not take: after the acknowledged pos's parent, all but the acknowledged pos's
     * own. Rows up to the parent are its ancestors' (acknowledging the parent deleted every other); after it are only
     * answers to requests made from the parent: this pos and its siblings (concurrent or cancelled requests), and the
     * answers to requests made from this pos that the client did not take.
     */
    private static final String DELETE_UNTAKEN_ROOMS = "DELETE FROM syncapi.sliding_sync_rooms"
            + " WHERE connection_id = :connection_id AND pos > :parent_pos AND pos <> :pos";

    /** Rows a newer row of the same room (up to the acknowledged pos) supersedes. */
    private static final String DELETE_SUPERSEDED_ROOMS = "DELETE FROM syncapi.sliding_sync_rooms old"
            + " USING syncapi.sliding_sync_rooms newer WHERE old.connection_id = :connection_id"
            + " AND newer.connection_id = old.connection_id AND newer.room_id = old.room_id"
            + " AND newer.pos > old.pos AND newer.pos <= :pos";

    private static final String SELECT_ROOMS = "SELECT DISTINCT ON (room_id) room_id, sent_through, counts_through,"
            + " membership,"
            + " timeline_limit, required_state, extensions_behind FROM syncapi.sliding_sync_rooms"
            + " WHERE connection_id = :connection_id AND pos <= :pos ORDER BY room_id, pos DESC";

    /** Nothing when the connection ended meanwhile (its device began it anew): then no room rows either. */
    private static final String INSERT_POSITION = "INSERT INTO syncapi.sliding_sync_positions"
            + " (pos, connection_id, parent_pos, sync_token, list_counts, created_ts)"
            + " SELECT :pos, :connection_id, :parent_pos, :sync_token, :list_counts, :now"
            + " WHERE EXISTS (SELECT 1 FROM syncapi.sliding_sync_connections WHERE connection_id = :connection_id"
            + " FOR KEY SHARE)";

    private static final String INSERT_ROOMS = "INSERT INTO syncapi.sliding_sync_rooms"
            + " (connection_id, room_id, pos, sent_through, counts_through, membership, timeline_limit,"
            + " required_state, extensions_behind) SELECT :connection_id, r.room_id, :pos, r.sent_through,"
            + " r.counts_through, r.membership, r.timeline_limit, r.required_state, r.extensions_behind"
            + " FROM unnest(:room_ids::text[], :sent_through::bigint[], :counts_through::bigint[], :memberships::text[],"
            + " :timeline_limits::integer[], :required_states::text[], :extensions_behind::text[])"
            + " AS r(room_id, sent_through, counts_through, membership, timeline_limit, required_state,"
            + " extensions_behind)";

    private final DatabaseClient client;
    private final TransactionalOperator transactions;

    public PostgresSlidingSyncConnections(Database database) {
        this.client = requireNonNull(database, "database is null").client();
        this.transactions = TransactionalOperator.create(new R2dbcTransactionManager(client.getConnectionFactory()));
    }

    @Override
    public Mono<Long> begin(String userId, String deviceId, String connId, long now) {
        Mono<Long> work = nextId().flatMap(id -> client.sql(DELETE_DEVICE_CONNECTIONS)
                .bind("user_id", userId)
                .bind("device_id", deviceId)
                .bind("conn_id", connId)
                .then()
                .then(client.sql(INSERT_CONNECTION)
                        .bind("connection_id", id)
                        .bind("user_id", userId)
                        .bind("device_id", deviceId)
                        .bind("conn_id", connId)
                        .bind("now", now)
                        .then())
                .thenReturn(id));
        return transactions.transactional(work);
    }

    /** A {@code sliding_sync_positions} row. */
    private record PositionRow(long connectionId, long parentPos, String syncToken, String listCounts) {}

    @Override
    public Mono<Optional<Position>> resume(String userId, String deviceId, String connId, long pos, long now) {
        Mono<Optional<Position>> work = client.sql(SELECT_POSITION)
                .bind("pos", pos)
                .bind("user_id", userId)
                .bind("device_id", deviceId)
                .bind("conn_id", connId)
                .map(row -> new PositionRow(
                        row.get("connection_id", Long.class),
                        row.get("parent_pos", Long.class),
                        row.get("sync_token", String.class),
                        row.get("list_counts", String.class)))
                .one()
                .flatMap(found -> client.sql(DELETE_OTHER_POSITIONS)
                        .bind("connection_id", found.connectionId())
                        .bind("pos", pos)
                        .then()
                        .then(forConnection(DELETE_UNTAKEN_ROOMS, found.connectionId(), pos)
                                .bind("parent_pos", found.parentPos())
                                .then())
                        .then(forConnection(DELETE_SUPERSEDED_ROOMS, found.connectionId(), pos)
                                .then())
                        .then(client.sql(TOUCH_CONNECTION)
                                .bind("connection_id", found.connectionId())
                                .bind("now", now)
                                .then())
                        .then(rooms(found.connectionId(), pos))
                        .map(rooms -> Optional.of(
                                new Position(found.connectionId(), pos, found.syncToken(), found.listCounts(), rooms))))
                .defaultIfEmpty(Optional.empty());
        return transactions.transactional(work);
    }

    @Override
    public Mono<Long> deleteDevices(String userId, List<String> deviceIds) {
        if (deviceIds.isEmpty()) {
            return Mono.just(0L);
        }
        return client.sql(DELETE_DEVICES)
                .bind("user_id", userId)
                .bind("device_ids", deviceIds.toArray(String[]::new))
                .fetch()
                .rowsUpdated();
    }

    @Override
    public Mono<Long> deleteIdle(long usedBefore) {
        return client.sql(DELETE_IDLE).bind("used_before", usedBefore).fetch().rowsUpdated();
    }

    @Override
    public Mono<Long> record(
            long connectionId, long parentPos, String syncToken, String listCounts, List<SentRoom> sent, long now) {
        Mono<Long> work = nextId().flatMap(pos -> client.sql(INSERT_POSITION)
                .bind("pos", pos)
                .bind("connection_id", connectionId)
                .bind("parent_pos", parentPos)
                .bind("sync_token", syncToken)
                .bind("list_counts", listCounts)
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .filter(inserted -> inserted > 0)
                .flatMap(inserted -> insertRooms(connectionId, pos, sent).thenReturn(pos)));
        return transactions.transactional(work);
    }

    private Mono<Void> insertRooms(long connectionId, long pos, List<SentRoom> sent) {
        if (sent.isEmpty()) {
            return Mono.empty();
        }
        return client.sql(INSERT_ROOMS)
                .bind("connection_id", connectionId)
                .bind("pos", pos)
                .bind("room_ids", sent.stream().map(SentRoom::roomId).toArray(String[]::new))
                .bind("sent_through", sent.stream().map(SentRoom::sentThrough).toArray(Long[]::new))
                .bind(
                        "counts_through",
                        sent.stream().map(SentRoom::countsThrough).toArray(Long[]::new))
                .bind("memberships", sent.stream().map(SentRoom::membership).toArray(String[]::new))
                .bind(
                        "timeline_limits",
                        sent.stream().map(SentRoom::timelineLimit).toArray(Integer[]::new))
                .bind(
                        "required_states",
                        sent.stream().map(SentRoom::requiredState).toArray(String[]::new))
                .bind(
                        "extensions_behind",
                        sent.stream()
                                .map(room -> encode(room.extensionsBehind()))
                                .toArray(String[]::new))
                .then();
    }

    private static String encode(Map<String, Long> behind) {
        Map<String, CanonicalJsonValue> members = new TreeMap<>();
        behind.forEach((stream, position) -> members.put(stream, JsonInteger.of(position)));
        return CanonicalJson.encodeToString(JsonObject.of(members));
    }

    private static Map<String, Long> decode(String behind) {
        Map<String, Long> out = new HashMap<>();
        CanonicalJson.parseObject(behind).members().forEach((stream, position) -> {
            if (position instanceof JsonInteger number) {
                out.put(stream, number.value());
            }
        });
        return out;
    }

    private Mono<Long> nextId() {
        return client.sql(NEXT_ID).map(row -> row.get("id", Long.class)).one();
    }

    private DatabaseClient.GenericExecuteSpec forConnection(String sql, long connectionId, long pos) {
        return client.sql(sql).bind("connection_id", connectionId).bind("pos", pos);
    }

    private Mono<Map<String, SentRoom>> rooms(long connectionId, long pos) {
        return forConnection(SELECT_ROOMS, connectionId, pos)
                .map(row -> new SentRoom(
                        row.get("room_id", String.class),
                        row.get("sent_through", Long.class),
                        row.get("counts_through", Long.class),
                        row.get("membership", String.class),
                        row.get("timeline_limit", Integer.class),
                        row.get("required_state", String.class),
                        decode(row.get("extensions_behind", String.class))))
                .all()
                .collectMap(SentRoom::roomId, Function.identity())
                .map(Map::copyOf);
    }
}
