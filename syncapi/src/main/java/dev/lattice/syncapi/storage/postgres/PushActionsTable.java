package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.SyncApiDatabase;
import io.r2dbc.spi.Readable;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Mono;

/** {@code syncapi.event_push_actions}: whom each event notifies, and the unread counts derived from it. */
public final class PushActionsTable {
    /**
     * All of an event's notified members at {@code position} (an SQL expression; with {@code from}, the start of a
     * {@code FROM} list it may read), as parts of a {@code WITH}: {@code push_actions} inserts them, and
     * {@code pushes} queues their pushes ({@code pending_pushes}) only for the rows it inserted, so a replay neither
     * counts nor pushes twice. Bound by {@link #bindRows}, with :event_id and :room_id.
     */
    static String insertParts(String position, String from) {
        return "push_actions AS (INSERT INTO syncapi.event_push_actions"
                + " (event_id, user_id, room_id, position, thread_id, highlight)"
                + " SELECT :event_id, u.user_id, :room_id, " + position + ", :thread_id, u.highlight FROM " + from
                + " unnest(CAST(:users AS text[]), CAST(:highlights AS boolean[])) AS u(user_id, highlight)"
                + " ON CONFLICT (event_id, user_id) DO NOTHING RETURNING user_id),"
                + " pushes AS (INSERT INTO syncapi.pending_pushes"
                + " (event_id, user_id, room_id, actions, next_attempt_ts)"
                + " SELECT :event_id, u.user_id, :room_id, u.actions, :now"
                + " FROM unnest(CAST(:users AS text[]), CAST(:actions AS text[]), CAST(:queued AS boolean[]))"
                + " AS u(user_id, actions, queued)"
                + " JOIN push_actions i ON i.user_id = u.user_id WHERE u.queued"
                + " ON CONFLICT (event_id, user_id) DO NOTHING)";
    }

    /** {@link #insertParts} at :position, alone. */
    private static final String INSERT = "WITH " + insertParts(":position", "") + " SELECT 1";

    /** Binds the rows of {@link #insertParts}. */
    static GenericExecuteSpec bindRows(GenericExecuteSpec spec, SyncApiDatabase.PushActionRows rows) {
        return spec.bind("thread_id", rows.threadId())
                .bind("users", rows.users().toArray(String[]::new))
                .bind("highlights", rows.highlights().toArray(Boolean[]::new))
                .bind("actions", rows.actions().toArray(String[]::new))
                .bind("queued", rows.queued().toArray(Boolean[]::new))
                .bind("now", rows.now());
    }

    /**
     * Per room and thread ({@code ''} for the main timeline): the notifications after the user's read receipts, public
     * or private: an unthreaded receipt covers every thread, a {@code main} receipt the main timeline, a threaded one
     * its thread. All of them when the user has none. Of :user_id in the rooms {@code rooms} (an SQL expression, an
     * array of room IDs); read back with {@link CountsRow#of} and {@link #byRoom}.
     */
    static String countsQuery(String rooms) {
        return "WITH read AS ("
                + " SELECT r.room_id, r.thread_id, max(e.position) AS position FROM syncapi.receipts r"
                + " JOIN syncapi.output_room_events e ON e.event_id = r.event_id"
                + " WHERE r.user_id = :user_id AND r.room_id = ANY(" + rooms + ")"
                + " AND r.receipt_type IN ('m.read', 'm.read.private')"
                + " GROUP BY r.room_id, r.thread_id)"
                + " SELECT a.room_id, a.thread_id, count(*) AS notifications,"
                + " count(*) FILTER (WHERE a.highlight) AS highlights"
                + " FROM syncapi.event_push_actions a"
                + " LEFT JOIN read everything ON everything.room_id = a.room_id AND everything.thread_id = ''"
                + " LEFT JOIN read own ON own.room_id = a.room_id"
                + " AND own.thread_id = CASE WHEN a.thread_id = '' THEN 'main' ELSE a.thread_id END"
                + " WHERE a.user_id = :user_id AND a.room_id = ANY(" + rooms + ")"
                + " AND a.position > COALESCE(everything.position, -9223372036854775808)"
                + " AND a.position > COALESCE(own.position, -9223372036854775808)"
                + " GROUP BY a.room_id, a.thread_id";
    }

    /** {@link #countsQuery} in the rooms :room_ids. */
    private static final String COUNTS = countsQuery(":room_ids");

    /** Unread counts for one user. */
    public record Counts(long notifications, long highlights) {
        public static final Counts NONE = new Counts(0, 0);

        Counts plus(Counts other) {
            return new Counts(notifications + other.notifications, highlights + other.highlights);
        }
    }

    /**
     * A room's unread counts for one user: in all, of the main timeline, and per thread root.
     *
     * @param threads thread root → counts, for threads with any
     */
    public record RoomCounts(Counts total, Counts main, Map<String, Counts> threads) {
        public static final RoomCounts NONE = new RoomCounts(Counts.NONE, Counts.NONE, Map.of());
    }

    private final DatabaseClient client;

    public PushActionsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String eventId, String roomId, long position, SyncApiDatabase.PushActionRows rows) {
        if (rows.users().isEmpty()) {
            return Mono.empty();
        }
        return bindRows(
                        client.sql(INSERT)
                                .bind("event_id", eventId)
                                .bind("room_id", roomId)
                                .bind("position", position),
                        rows)
                .then();
    }

    /** The user's unread counts in these rooms; rooms without any are left out. */
    public Mono<Map<String, RoomCounts>> counts(String userId, Collection<String> roomIds) {
        if (roomIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return client.sql(COUNTS)
                .bind("user_id", userId)
                .bind("room_ids", roomIds.toArray(String[]::new))
                .map(CountsRow::of)
                .all()
                .collectList()
                .map(PushActionsTable::byRoom);
    }

    /** A row of {@link #countsQuery}: a room's or one of its threads' ({@code ''}: the main timeline) counts. */
    record CountsRow(String roomId, String threadId, Counts counts) {
        static CountsRow of(Readable row) {
            return new CountsRow(
                    row.get("room_id", String.class),
                    row.get("thread_id", String.class),
                    new Counts(row.get("notifications", Long.class), row.get("highlights", Long.class)));
        }
    }

    /** The counts of {@link #countsQuery}'s rows by room; rooms without any are left out. */
    static Map<String, RoomCounts> byRoom(List<CountsRow> rows) {
        Map<String, RoomCounts> out = new HashMap<>();
        for (CountsRow row : rows) {
            RoomCounts current = out.getOrDefault(row.roomId(), RoomCounts.NONE);
            Map<String, Counts> threads = new HashMap<>(current.threads());
            Counts main = current.main();
            if (row.threadId().isEmpty()) {
                main = main.plus(row.counts());
            } else {
                threads.put(row.threadId(), row.counts());
            }
            out.put(row.roomId(), new RoomCounts(current.total().plus(row.counts()), main, Map.copyOf(threads)));
        }
        return out;
    }
}
