package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.StoredPresence;
import io.r2dbc.spi.Readable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code syncapi.presence}: each user's presence at its presence stream position. */
public final class PresenceTable {
    private static final String COLUMNS = "user_id, state, status_msg, last_active_ts, position";

    private static final String SELECT_FOR_UPDATE =
            "SELECT " + COLUMNS + " FROM syncapi.presence WHERE user_id = :user_id FOR UPDATE";

    /** Writes a user's presence, at a new position when {@code :changed}, else keeping the stored one. */
    private static final String UPSERT = "INSERT INTO syncapi.presence"
            + " (user_id, state, status_msg, last_active_ts, last_seen_ts, remote, position)"
            + " VALUES (:user_id, :state, :status_msg, :last_active_ts, :last_seen_ts, :remote,"
            + " nextval('syncapi.presence_position_seq'))"
            + " ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, status_msg = excluded.status_msg,"
            + " last_active_ts = excluded.last_active_ts, last_seen_ts = excluded.last_seen_ts,"
            + " remote = excluded.remote,"
            + " position = CASE WHEN :changed THEN excluded.position ELSE syncapi.presence.position END"
            + " RETURNING position";

    /**
     * Keeps a local user present in the state they are in: seen now, and active now when online. No position is
     * drawn (nothing others see changes), so it needs neither the stream lock nor a transaction of its own.
     */
    private static final String TOUCH = "UPDATE syncapi.presence SET last_seen_ts = :now,"
            + " last_active_ts = CASE WHEN state = 'online' THEN :now ELSE last_active_ts END"
            + " WHERE user_id = :user_id AND state = :state AND NOT remote";

    private static final String EXPIRE = "UPDATE syncapi.presence SET"
            + " state = CASE WHEN last_seen_ts < :offline_before THEN 'offline' ELSE 'unavailable' END,"
            + " position = nextval('syncapi.presence_position_seq')"
            + " WHERE NOT remote AND ((state <> 'offline' AND last_seen_ts < :offline_before)"
            + " OR (state = 'online' AND last_active_ts < :idle_before))"
            + " RETURNING user_id, position";

    private static final String SELECT = "SELECT " + COLUMNS + " FROM syncapi.presence WHERE user_id = :user_id";

    private static final String SELECT_CHANGED = "SELECT " + COLUMNS + " FROM syncapi.presence"
            + " WHERE user_id = ANY(:users) AND position > :after AND position <= :to";

    private final DatabaseClient client;

    public PresenceTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** The user's presence, locking the row for the rest of the transaction. */
    public Mono<Optional<StoredPresence>> selectForUpdate(String userId) {
        return client.sql(SELECT_FOR_UPDATE)
                .bind("user_id", userId)
                .map(PresenceTable::presence)
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    /**
     * Writes the user's presence ({@code remote}: another server's user, whom the timers skip); a new row, or a
     * visible change ({@code changed}), takes a new position.
     *
     * @return the row's position after the write
     */
    public Mono<Long> upsert(StoredPresence presence, long lastSeenTs, boolean remote, boolean changed) {
        var spec = client.sql(UPSERT)
                .bind("remote", remote)
                .bind("user_id", presence.userId())
                .bind("state", presence.state())
                .bind("last_active_ts", presence.lastActiveTs())
                .bind("last_seen_ts", lastSeenTs)
                .bind("changed", changed);
        spec = presence.statusMsg().isPresent()
                ? spec.bind("status_msg", presence.statusMsg().get())
                : spec.bindNull("status_msg", String.class);
        return spec.map(row -> row.get("position", Long.class)).one();
    }

    /** Whether the user's row was in {@code state} and is now touched (see {@link #TOUCH}). */
    public Mono<Boolean> touch(String userId, String state, long now) {
        return client.sql(TOUCH)
                .bind("user_id", userId)
                .bind("state", state)
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .map(updated -> updated == 1);
    }

    /** Users not seen since {@code offlineBefore} go offline, online users idle since {@code idleBefore} unavailable. */
    public Mono<List<Map.Entry<String, Long>>> expire(long offlineBefore, long idleBefore) {
        return client.sql(EXPIRE)
                .bind("offline_before", offlineBefore)
                .bind("idle_before", idleBefore)
                .map(row -> Map.entry(row.get("user_id", String.class), row.get("position", Long.class)))
                .all()
                .collectList();
    }

    public Mono<Optional<StoredPresence>> select(String userId) {
        return client.sql(SELECT)
                .bind("user_id", userId)
                .map(PresenceTable::presence)
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    public Mono<Long> selectMaxPosition() {
        return StreamPositions.newest(client, "syncapi.presence");
    }

    /** The presence of these users that changed at positions in (after, to]. */
    public Mono<List<StoredPresence>> selectChanged(Collection<String> users, long after, long to) {
        if (users.isEmpty()) {
            return Mono.just(List.of());
        }
        return client.sql(SELECT_CHANGED)
                .bind("users", users.toArray(String[]::new))
                .bind("after", after)
                .bind("to", to)
                .map(PresenceTable::presence)
                .all()
                .collectList();
    }

    private static StoredPresence presence(Readable row) {
        return new StoredPresence(
                row.get("user_id", String.class),
                row.get("state", String.class),
                Optional.ofNullable(row.get("status_msg", String.class)),
                row.get("last_active_ts", Long.class),
                row.get("position", Long.class));
    }
}
