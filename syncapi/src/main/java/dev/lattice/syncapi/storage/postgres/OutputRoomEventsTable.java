package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import io.r2dbc.spi.Readable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Mono;

/** {@code syncapi.output_room_events}: every room event in stream order. */
public final class OutputRoomEventsTable {
    private static final String COLUMNS = "position, event_id, room_id, room_version, event_json, history_visibility,"
            + " prev_content, replaces_state, txn_user_id, txn_device_id, txn_id, redacted_because";

    /**
     * Where historical events sit: below zero and every live event, in {@code [HISTORY_FLOOR, HISTORY_FLOOR + 2^60)},
     * ordered by depth (the room's history order, as Synapse's topological ordering) and, at one depth, later arrivals
     * lower. Backfill reaches back batch by batch while each batch is decided oldest first, so the order the records
     * arrive in cannot be the order of the timeline. Outliers, never in a timeline, sit below the band, so the state
     * a remote join starts from (whose spans begin at their positions) holds at every historical position.
     */
    static final long HISTORY_FLOOR = -(1L << 62);
    /** Bits of a historical position for the arrival order at one depth. */
    private static final int ARRIVAL_BITS = 24;
    /** The greatest depth with a place of its own; deeper events (2^36 is beyond any real room) share it. */
    static final long MAX_HISTORY_DEPTH = (1L << 36) - 1;

    private static final String HISTORICAL_POSITION = ":history_floor + :depth * " + (1L << ARRIVAL_BITS) + " + "
            + ((1L << ARRIVAL_BITS) - 1) + " - nextval('syncapi.backfill_position_seq') % " + (1L << ARRIVAL_BITS);

    /**
     * The room's current {@code m.room.history_visibility} ({@code shared} when it has none, or none that is a
     * string): what is in effect just before an event stored now.
     */
    private static final String CURRENT_HISTORY_VISIBILITY = "COALESCE((SELECT h.event_json::json -> 'content'"
            + " ->> 'history_visibility' FROM syncapi.room_state s JOIN syncapi.output_room_events h"
            + " ON h.event_id = s.event_id WHERE s.room_id = :room_id AND s.type = 'm.room.history_visibility'"
            + " AND s.state_key = '' AND s.removed_position IS NULL"
            + " AND json_typeof(h.event_json::json -> 'content' -> 'history_visibility') = 'string'), '"
            + PostgresSyncApiDatabase.DEFAULT_HISTORY_VISIBILITY + "')";

    /**
     * The state event a state event of type {@code type} and key {@code stateKey} (SQL expressions) replaces, as
     * {@code replaced}: its event ID ({@code replaces_state}) and content ({@code prev_content}, {@code {}} when it
     * has none); no row for a key with no current event stored here, or for a null key.
     */
    private static String replacedState(String type, String stateKey) {
        return "LEFT JOIN LATERAL (SELECT r.event_id AS replaces_state, CASE WHEN json_typeof(r.event_json::json"
                + " -> 'content') = 'object' THEN (r.event_json::json -> 'content')::text ELSE '{}' END AS prev_content"
                + " FROM syncapi.room_state s JOIN syncapi.output_room_events r ON r.event_id = s.event_id"
                + " WHERE s.room_id = :room_id AND s.type = " + type + " AND s.state_key = " + stateKey
                + " AND s.removed_position IS NULL) AS replaced ON true";
    }

    /**
     * One event, with the room's history visibility in effect before it and the state event it replaces, which the
     * statement reads from the room's current state ({@link #CURRENT_HISTORY_VISIBILITY}, {@link #replacedState}).
     */
    private static final String INSERT = "INSERT INTO syncapi.output_room_events (position, event_id, room_id,"
            + " room_version, type, sender, state_key, event_json, history_visibility, prev_content, replaces_state,"
            + " txn_user_id, txn_device_id, txn_id, historical, outlier)"
            + " SELECT CASE WHEN :outlier THEN :history_floor - nextval('syncapi.backfill_position_seq')"
            + " WHEN :historical THEN " + HISTORICAL_POSITION
            + " ELSE nextval('syncapi.stream_position_seq') END, :event_id, :room_id, :room_version, :type, :sender,"
            + " :state_key, :event_json, " + CURRENT_HISTORY_VISIBILITY + ", replaced.prev_content,"
            + " replaced.replaces_state, :txn_user_id, :txn_device_id, :txn_id, :historical, :outlier"
            // The stream lock (PostgresSyncApiDatabase.LOCK_STREAM) is taken in the FROM, so before the position is
            // drawn, and held until the commit: one statement less per event than taking it by itself.
            + " FROM (" + PostgresSyncApiDatabase.LOCK_STREAM + ") AS stream_lock "
            + replacedState(":type", ":state_key")
            + " ON CONFLICT DO NOTHING RETURNING position";

    /**
     * {@link #INSERT} with, in the same statement, the event's search entry and whom it notifies
     * ({@link PushActionsTable#insertParts}), by whether the statement writes each.
     */
    private static final Map<List<Boolean>, String> INSERTS = Map.of(
            List.of(false, false), INSERT,
            List.of(true, false), insertWith(true, false),
            List.of(false, true), insertWith(false, true),
            List.of(true, true), insertWith(true, true));

    private static String insertWith(boolean searchEntry, boolean pushActions) {
        return "WITH inserted AS (" + INSERT + ")"
                + (searchEntry ? ", search_entry AS (" + EventSearchTable.INSERT_FOR_INSERTED + ")" : "")
                + (pushActions ? ", " + PushActionsTable.insertParts("inserted.position", "inserted,") : "")
                + " SELECT position FROM inserted";
    }

    /**
     * Outliers of one room, one array per column, each below the history band, with the history visibility and the
     * state events they replace read as {@link #INSERT} reads them; those stored already are skipped.
     */
    private static final String INSERT_OUTLIERS = "INSERT INTO syncapi.output_room_events (position, event_id,"
            + " room_id, room_version, type, sender, state_key, event_json, history_visibility, prev_content,"
            + " replaces_state, historical, outlier)"
            + " SELECT :history_floor - nextval('syncapi.backfill_position_seq'), x.event_id, :room_id, :room_version,"
            + " x.type, x.sender, x.state_key, x.event_json, " + CURRENT_HISTORY_VISIBILITY + ","
            + " replaced.prev_content, replaced.replaces_state, true, true"
            + " FROM unnest(CAST(:event_ids AS text[]), CAST(:types AS text[]), CAST(:senders AS text[]),"
            + " CAST(:state_keys AS text[]), CAST(:event_jsons AS text[]))"
            + " AS x(event_id, type, sender, state_key, event_json) "
            + replacedState("x.type", "x.state_key")
            + " ON CONFLICT DO NOTHING";

    /** An outlier backfilled later: it takes its place in the history band and in timelines. */
    private static final String UPDATE_OUTLIER_TO_HISTORICAL = "UPDATE syncapi.output_room_events"
            + " SET outlier = false, position = " + HISTORICAL_POSITION
            + " WHERE event_id = :event_id AND outlier RETURNING position";

    private static final String SELECT_BY_IDS =
            "SELECT " + COLUMNS + " FROM syncapi.output_room_events WHERE event_id = ANY(:event_ids)";

    private static final String COUNT_TIMELINE_EVENTS = "SELECT count(*) AS count FROM syncapi.output_room_events"
            + " WHERE event_id = ANY(:event_ids) AND NOT outlier";

    /** For a timeline's events: whether any event relates to it (then its bundled aggregations are read). */
    private static final String HAS_RELATIONS = ", EXISTS (SELECT 1 FROM syncapi.event_relations r"
            + " WHERE r.relates_to = output_room_events.event_id) AS has_relations";

    private static final String SELECT_ROOM_RANGE_ASC = "SELECT " + COLUMNS + HAS_RELATIONS
            + " FROM syncapi.output_room_events"
            + " WHERE room_id = :room_id AND position > :after AND position <= :to AND NOT outlier"
            + " ORDER BY position ASC LIMIT :limit";

    private static final String SELECT_ROOM_RANGE_DESC = "SELECT " + COLUMNS + HAS_RELATIONS
            + " FROM syncapi.output_room_events"
            + " WHERE room_id = :room_id AND position > :after AND position <= :to AND NOT outlier"
            + " ORDER BY position DESC LIMIT :limit";

    /**
     * {@link #SELECT_ROOM_RANGE_DESC} with, in the same statement, what a room's section in an incremental
     * {@code /sync} is read from, for the room {@code room} up to {@code to} (each an SQL expression):
     * <ul>
     *   <li>{@code event}: the newest :shown events and one more, which tells whether the timeline is limited;
     *   <li>{@code state}: the spans of the state at the start of the :shown events (or with :state_after at
     *       {@code to}) that changed since :since, and with :lazy the member spans of their senders
     *       ({@link RoomStateTable#selectStateSince});
     *   <li>{@code counts}: with :with_counts, the unread counts of :user_id in the room
     *       ({@link PushActionsTable#countsQuery}).
     * </ul>
     * The rows are told apart by {@code part}; each part's columns are null in the others' rows. Its columns are
     * {@link #SECTION_COLUMNS}, and every row has the room's {@code room_id}.
     */
    static String sectionQuery(String room, String to) {
        return "WITH timeline AS MATERIALIZED (SELECT " + COLUMNS + ", sender" + HAS_RELATIONS
                + " FROM syncapi.output_room_events"
                + " WHERE room_id = " + room + " AND position > :after AND position <= " + to + " AND NOT outlier"
                + " ORDER BY position DESC LIMIT :shown + 1),"
                + " shown AS (SELECT position, sender FROM timeline ORDER BY position DESC LIMIT :shown),"
                + " state_position AS (SELECT CASE WHEN :state_after THEN " + to
                + " ELSE COALESCE((SELECT min(position) FROM shown), " + to + " + 1) - 1 END AS position)"
                + " SELECT 'event' AS part, " + COLUMNS + ", has_relations, NULL AS type, NULL AS state_key,"
                + " NULL AS membership, NULL::bigint AS added_position, NULL::bigint AS removed_position,"
                + " NULL::boolean AS changed, NULL AS thread_id, NULL::bigint AS notifications,"
                + " NULL::bigint AS highlights FROM timeline"
                + " UNION ALL SELECT 'state', " + otherPartColumns("st", "event_id", "room_id") + ", NULL, st.type,"
                + " st.state_key, st.membership, st.added_position, st.removed_position, st.changed, NULL, NULL, NULL"
                + " FROM ("
                + RoomStateTable.selectStateSince(
                        room, "(SELECT position FROM state_position)", "SELECT sender FROM shown WHERE :lazy")
                + ") AS st"
                + " UNION ALL SELECT 'counts', " + otherPartColumns("c", "room_id")
                + ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, c.thread_id, c.notifications, c.highlights"
                + " FROM (" + PushActionsTable.countsQuery("ARRAY[" + room + "]") + ") AS c WHERE :with_counts";
    }

    /** The columns of {@link #sectionQuery}'s rows, in order, after {@code part}. */
    private static final String SECTION_COLUMNS = COLUMNS
            + ", has_relations, type, state_key, membership, added_position, removed_position, changed, thread_id,"
            + " notifications, highlights";

    /** The types of the {@link #SECTION_COLUMNS} that are not text. */
    private static final Map<String, String> SECTION_COLUMN_TYPES = Map.of(
            "position", "bigint",
            "has_relations", "boolean",
            "added_position", "bigint",
            "removed_position", "bigint",
            "changed", "boolean",
            "notifications", "bigint",
            "highlights", "bigint");

    /**
     * A select list with {@link #sectionQuery}'s columns (its {@code part} and {@link #SECTION_COLUMNS}), for another
     * part of a union with its rows: {@code alias.part}, and of the others {@code kept} from {@code alias}, nulls
     * else.
     */
    static String asSectionColumns(String alias, Set<String> kept) {
        return alias + ".part, "
                + Arrays.stream(SECTION_COLUMNS.split(","))
                        .map(String::strip)
                        .map(column -> kept.contains(column)
                                ? alias + "." + column
                                : "NULL::" + SECTION_COLUMN_TYPES.getOrDefault(column, "text") + " AS " + column)
                        .collect(Collectors.joining(", "));
    }

    /** {@link #sectionQuery} of :room_id up to :to. */
    private static final String SELECT_ROOM_RANGE_WITH_STATE_SINCE = sectionQuery(":room_id", ":to");

    /** {@link #COLUMNS} in another part's row of a union with events: only {@code kept}, from {@code alias}. */
    private static String otherPartColumns(String alias, String... kept) {
        Set<String> keep = Set.of(kept);
        return Arrays.stream(COLUMNS.split(","))
                .map(String::strip)
                .map(column -> keep.contains(column) ? alias + "." + column : "NULL")
                .collect(Collectors.joining(", "));
    }

    /** Per room, walks its events newest first (the room/position index) to the first of the types. */
    private static final String SELECT_NEWEST_OF_TYPES = "SELECT r.room_id, (SELECT e.position"
            + " FROM syncapi.output_room_events e WHERE e.room_id = r.room_id AND e.position > 0"
            + " AND e.position <= :to AND e.type = ANY(:types) AND NOT e.outlier ORDER BY e.position DESC LIMIT 1)"
            + " AS position FROM unnest(:room_ids::text[]) AS r(room_id)";

    /** By the primary key's range: only the events after {@code after} are read. */
    private static final String SELECT_NEWEST_OF_TYPES_BETWEEN = "SELECT room_id, MAX(position) AS position"
            + " FROM syncapi.output_room_events WHERE position > :after AND position <= :to AND type = ANY(:types)"
            + " AND NOT outlier GROUP BY room_id";

    /** Each room's {@link #hasEvents} after its own position. */
    private static final String SELECT_ROOMS_WITH_EVENTS_AFTER = "SELECT r.room_id"
            + " FROM unnest(:room_ids::text[], :afters::bigint[]) AS r(room_id, after) WHERE "
            + hasEvents("r.room_id", "r.after", ":to");

    /**
     * The condition that the room {@code room} has events with positions in ({@code after}, {@code to}] (each an SQL
     * expression): one index probe (room, position) that stops at the first event. A room whose partial state was
     * completed in the range counts too (its members became current then, with no event:
     * {@code partial_state_completions}, a handful of rows).
     */
    static String hasEvents(String room, String after, String to) {
        return "(EXISTS (SELECT 1 FROM syncapi.output_room_events e WHERE e.room_id = " + room + " AND e.position > "
                + after + " AND e.position <= " + to + " AND NOT e.outlier) OR EXISTS (SELECT 1"
                + " FROM syncapi.partial_state_completions c WHERE c.room_id = " + room + " AND c.position > " + after
                + " AND c.position <= " + to + "))";
    }

    private static final String UPDATE_REDACTED = "UPDATE syncapi.output_room_events"
            + " SET event_json = :event_json, redacted_because = :redacted_because"
            + " WHERE event_id = :event_id AND redacted_because IS NULL";

    /**
     * What {@link #insert} stores; the position is assigned by the database, and the history visibility and the state
     * event it replaces are read from the room's current state by the insert.
     */
    public record NewRow(
            String eventId,
            String roomId,
            RoomVersionId roomVersion,
            String type,
            String sender,
            Optional<String> stateKey,
            JsonObject event,
            Optional<SendTransaction> transaction,
            boolean historical,
            boolean outlier) {

        public NewRow {
            requireNonNull(eventId, "eventId is null");
            requireNonNull(roomId, "roomId is null");
            requireNonNull(roomVersion, "roomVersion is null");
            requireNonNull(type, "type is null");
            requireNonNull(sender, "sender is null");
            requireNonNull(stateKey, "stateKey is null");
            requireNonNull(event, "event is null");
            requireNonNull(transaction, "transaction is null");
        }
    }

    private final DatabaseClient client;

    public OutputRoomEventsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /**
     * Inserts the event with a new position; empty if an event with this ID is already stored. A historical event
     * stored before as an outlier moves into the timeline instead, at a new position.
     */
    public Mono<OptionalLong> insert(NewRow row) {
        Mono<OptionalLong> insert = insertOnce(row)
                .flatMap(position -> position.isPresent()
                        ? Mono.just(position)
                        : selectByIds(List.of(row.eventId()))
                                .flatMap(found -> found.isEmpty()
                                        // Two historical events drew one position (2^24 arrivals apart at one depth).
                                        ? insertOnce(row)
                                        : Mono.just(OptionalLong.empty())));
        if (!row.historical() || row.outlier()) {
            return insert;
        }
        return client.sql(UPDATE_OUTLIER_TO_HISTORICAL)
                .bind("event_id", row.eventId())
                .bind("history_floor", HISTORY_FLOOR)
                .bind("depth", historyDepth(row))
                .map(r -> r.get("position", Long.class))
                .one()
                .map(OptionalLong::of)
                .switchIfEmpty(insert);
    }

    /**
     * Inserts outliers of one room, with one room version and history visibility, in one statement; an event stored
     * already is left as it is, as {@link #insert} leaves it.
     */
    public Mono<Void> insertOutliers(List<NewRow> rows) {
        if (rows.isEmpty()) {
            return Mono.empty();
        }
        NewRow first = rows.getFirst();
        for (NewRow row : rows) {
            if (!row.outlier()
                    || !row.historical()
                    || row.transaction().isPresent()
                    || !row.roomId().equals(first.roomId())
                    || !row.roomVersion().equals(first.roomVersion())) {
                throw new IllegalArgumentException(row.eventId() + " is not an outlier like " + first.eventId());
            }
        }
        return client.sql(INSERT_OUTLIERS)
                .bind("history_floor", HISTORY_FLOOR)
                .bind("room_id", first.roomId())
                .bind("room_version", first.roomVersion().toString())
                .bind("event_ids", column(rows, NewRow::eventId))
                .bind("types", column(rows, NewRow::type))
                .bind("senders", column(rows, NewRow::sender))
                .bind("state_keys", column(rows, row -> row.stateKey().orElse(null)))
                .bind("event_jsons", column(rows, row -> CanonicalJson.encodeToString(row.event())))
                .then();
    }

    private static String[] column(List<NewRow> rows, Function<NewRow, String> value) {
        return rows.stream().map(value).toArray(String[]::new);
    }

    /**
     * Inserts a live event (neither historical nor an outlier) with its search entry ({@link EventSearchTable}) and
     * whom it notifies ({@link PushActionsTable}), those given, in one statement; as {@link #insert} otherwise.
     */
    public Mono<OptionalLong> insertLive(
            NewRow row, Optional<EventSearchTable.Entry> search, Optional<SyncApiDatabase.PushActionRows> pushActions) {
        if (row.historical() || row.outlier()) {
            throw new IllegalArgumentException(row.eventId() + " is not a live event");
        }
        return insertOnce(row, search, pushActions.filter(rows -> !rows.users().isEmpty()));
    }

    private Mono<OptionalLong> insertOnce(NewRow row) {
        return insertOnce(row, Optional.empty(), Optional.empty());
    }

    private Mono<OptionalLong> insertOnce(
            NewRow row, Optional<EventSearchTable.Entry> search, Optional<SyncApiDatabase.PushActionRows> pushActions) {
        GenericExecuteSpec spec = client.sql(INSERTS.get(List.of(search.isPresent(), pushActions.isPresent())))
                .bind("historical", row.historical())
                .bind("outlier", row.outlier())
                .bind("history_floor", HISTORY_FLOOR)
                .bind("depth", historyDepth(row))
                .bind("event_id", row.eventId())
                .bind("room_id", row.roomId())
                .bind("room_version", row.roomVersion().toString())
                .bind("type", row.type())
                .bind("sender", row.sender())
                .bind("event_json", CanonicalJson.encodeToString(row.event()));
        spec = bindNullable(spec, "state_key", row.stateKey());
        spec = bindNullable(
                spec, "txn_user_id", row.transaction().map(t -> t.userId().toString()));
        spec = bindNullable(
                spec, "txn_device_id", row.transaction().map(t -> t.deviceId().toString()));
        spec = bindNullable(spec, "txn_id", row.transaction().map(SendTransaction::transactionId));
        if (search.isPresent()) {
            spec = spec.bind("search_key", search.get().key())
                    .bind("search_text", search.get().text());
        }
        if (pushActions.isPresent()) {
            spec = PushActionsTable.bindRows(spec, pushActions.get());
        }
        return spec.map(r -> r.get("position", Long.class))
                .one()
                .map(OptionalLong::of)
                .defaultIfEmpty(OptionalLong.empty());
    }

    /** The event's depth, clamped to the history band's range. */
    private static long historyDepth(NewRow row) {
        return Math.clamp(row.event().getInteger("depth").orElse(0L), 0, MAX_HISTORY_DEPTH);
    }

    /** The newest live position; 0 when no event is stored. */
    public Mono<Long> selectMaxPosition() {
        return client.sql(NEWEST_POSITION)
                .map(row -> row.get("position", Long.class))
                .one();
    }

    /**
     * The events stream's newest position: its newest event's, or a later position drawn for a partial room's
     * completed state (which has no event: {@code partial_state_completions}).
     */
    static final String NEWEST_POSITION = "SELECT GREATEST(("
            + StreamPositions.newestQuery("syncapi.output_room_events") + "), ("
            + StreamPositions.newestQuery("syncapi.partial_state_completions") + ")) AS position";

    /** How many of {@code eventIds} are stored and not outliers. */
    public Mono<Integer> countTimelineEvents(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Mono.just(0);
        }
        return client.sql(COUNT_TIMELINE_EVENTS)
                .bind("event_ids", eventIds.toArray(String[]::new))
                .map(r -> r.get("count", Long.class).intValue())
                .one();
    }

    public Mono<List<StoredEvent>> selectByIds(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Mono.just(List.of());
        }
        return client.sql(SELECT_BY_IDS)
                .bind("event_ids", eventIds.toArray(String[]::new))
                .map(OutputRoomEventsTable::toEvent)
                .all()
                .collectList();
    }

    /** Events of the room in (after, to], the first {@code limit} in ascending or descending position order. */
    public Mono<List<StoredEvent>> selectRoomRange(String roomId, long after, long to, int limit, boolean descending) {
        if (limit <= 0) {
            return Mono.just(List.of());
        }
        return client.sql(descending ? SELECT_ROOM_RANGE_DESC : SELECT_ROOM_RANGE_ASC)
                .bind("room_id", roomId)
                .bind("after", after)
                .bind("to", to)
                .bind("limit", limit)
                .map(row -> withRelationsHint(row, !Boolean.FALSE.equals(row.get("has_relations", Boolean.class))))
                .all()
                .collectList();
    }

    /** A row of {@link #sectionQuery}: an event, a state span or unread counts. */
    record SectionRow(
            Optional<StoredEvent> event,
            Optional<RoomStateTable.FlaggedSpan> span,
            Optional<PushActionsTable.CountsRow> counts) {
        /** Whether {@code part} is that of one of {@link #sectionQuery}'s rows. */
        static boolean isSectionPart(String part) {
            return part.equals("event") || part.equals("state") || part.equals("counts");
        }

        static SectionRow of(Readable row) {
            return switch (row.get("part", String.class)) {
                case "event" ->
                    new SectionRow(
                            Optional.of(withRelationsHint(
                                    row, !Boolean.FALSE.equals(row.get("has_relations", Boolean.class)))),
                            Optional.empty(),
                            Optional.empty());
                case "state" ->
                    new SectionRow(Optional.empty(), Optional.of(RoomStateTable.FlaggedSpan.of(row)), Optional.empty());
                default ->
                    new SectionRow(Optional.empty(), Optional.empty(), Optional.of(PushActionsTable.CountsRow.of(row)));
            };
        }
    }

    /**
     * The room's newest events as {@code query} asks, newest first, with what changed in its state since the since and
     * the unread counts it asks for (see {@link #sectionQuery}), in one statement.
     */
    public Mono<SyncApiDatabase.TimelineAndStateSince> selectRoomRangeWithStateSince(
            SyncApiDatabase.SectionQuery query) {
        String roomId = query.roomId();
        Optional<String> unreadCountsOf = query.unreadCountsOf();
        return client.sql(SELECT_ROOM_RANGE_WITH_STATE_SINCE)
                .bind("room_id", roomId)
                .bind("after", query.afterExclusive())
                .bind("to", query.toInclusive())
                .bind("shown", query.shown())
                .bind("since", query.since())
                .bind("state_after", query.stateAfter())
                .bind("lazy", query.lazyMembers())
                .bind("with_counts", unreadCountsOf.isPresent())
                .bind("user_id", unreadCountsOf.orElse(""))
                .map(SectionRow::of)
                .all()
                .collectList()
                .map(rows -> section(roomId, rows, query.shown(), query.lazyMembers(), unreadCountsOf.isPresent()));
    }

    /**
     * A room's section from its {@link #sectionQuery} rows.
     *
     * @param withCounts whether the rows were read with :with_counts
     */
    static SyncApiDatabase.TimelineAndStateSince section(
            String roomId, List<SectionRow> rows, int shown, boolean lazyMembers, boolean withCounts) {
        List<StoredEvent> newestFirst = new ArrayList<>();
        List<RoomStateTable.FlaggedSpan> state = new ArrayList<>();
        List<PushActionsTable.CountsRow> counts = new ArrayList<>();
        for (SectionRow row : rows) {
            row.event().ifPresent(newestFirst::add);
            row.span().ifPresent(state::add);
            row.counts().ifPresent(counts::add);
        }
        newestFirst.sort(Comparator.comparingLong(StoredEvent::position).reversed());
        Set<String> senders = lazyMembers
                ? newestFirst.stream().limit(shown).map(StoredEvent::sender).collect(Collectors.toSet())
                : Set.of();
        return new SyncApiDatabase.TimelineAndStateSince(
                newestFirst,
                RoomStateTable.stateSince(state, senders),
                withCounts
                        ? Optional.of(
                                PushActionsTable.byRoom(counts).getOrDefault(roomId, PushActionsTable.RoomCounts.NONE))
                        : Optional.empty());
    }

    public Mono<Map<String, Long>> selectNewestOfTypes(Collection<String> roomIds, Collection<String> types, long to) {
        if (roomIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return client.sql(SELECT_NEWEST_OF_TYPES)
                .bind("room_ids", roomIds.toArray(String[]::new))
                .bind("types", types.toArray(String[]::new))
                .bind("to", to)
                .map(r -> Map.entry(r.get("room_id", String.class), Optional.ofNullable(r.get("position", Long.class))))
                .all()
                .filter(entry -> entry.getValue().isPresent())
                .collectMap(Map.Entry::getKey, entry -> entry.getValue().get());
    }

    public Mono<Map<String, Long>> selectNewestOfTypesBetween(Collection<String> types, long after, long to) {
        return client.sql(SELECT_NEWEST_OF_TYPES_BETWEEN)
                .bind("types", types.toArray(String[]::new))
                .bind("after", Math.max(0, after))
                .bind("to", to)
                .map(r -> Map.entry(r.get("room_id", String.class), r.get("position", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    public Mono<Set<String>> selectRoomsWithEventsAfter(Map<String, Long> afterByRoom, long to) {
        if (afterByRoom.isEmpty()) {
            return Mono.just(Set.of());
        }
        List<Map.Entry<String, Long>> rooms = List.copyOf(afterByRoom.entrySet());
        return client.sql(SELECT_ROOMS_WITH_EVENTS_AFTER)
                .bind("room_ids", rooms.stream().map(Map.Entry::getKey).toArray(String[]::new))
                .bind("afters", rooms.stream().map(Map.Entry::getValue).toArray(Long[]::new))
                .bind("to", to)
                .map(r -> r.get("room_id", String.class))
                .all()
                .collect(Collectors.toUnmodifiableSet());
    }

    public Mono<Set<String>> selectRoomsWithEvents(Collection<String> roomIds, long after, long to) {
        // One index probe per room that stops at its first event: a DISTINCT over every event of the rooms in the
        // range read about 60 buffer blocks a call, and more the busier the rooms.
        Map<String, Long> afterByRoom = new HashMap<>();
        roomIds.forEach(roomId -> afterByRoom.put(roomId, after));
        return selectRoomsWithEventsAfter(afterByRoom, to);
    }

    /** Stores the redacted form; false if the event is unknown or already redacted. */
    public Mono<Boolean> updateRedacted(String eventId, JsonObject redactedEvent, JsonObject redactedBecause) {
        return client.sql(UPDATE_REDACTED)
                .bind("event_id", eventId)
                .bind("event_json", CanonicalJson.encodeToString(redactedEvent))
                .bind("redacted_because", CanonicalJson.encodeToString(redactedBecause))
                .fetch()
                .rowsUpdated()
                .map(updated -> updated > 0);
    }

    private static StoredEvent toEvent(Readable row) {
        return withRelationsHint(row, true);
    }

    private static StoredEvent withRelationsHint(Readable row, boolean mayHaveRelations) {
        String txnUser = row.get("txn_user_id", String.class);
        Optional<SendTransaction> transaction = txnUser == null
                ? Optional.empty()
                : Optional.of(new SendTransaction(
                        UserId.parse(txnUser),
                        DeviceId.parse(row.get("txn_device_id", String.class)),
                        row.get("txn_id", String.class)));
        return new StoredEvent(
                row.get("position", Long.class),
                row.get("event_id", String.class),
                row.get("room_id", String.class),
                RoomVersionId.of(row.get("room_version", String.class)),
                CanonicalJson.parseObject(row.get("event_json", String.class)),
                row.get("history_visibility", String.class),
                Optional.ofNullable(row.get("prev_content", String.class)).map(CanonicalJson::parseObject),
                Optional.ofNullable(row.get("replaces_state", String.class)),
                transaction,
                Optional.ofNullable(row.get("redacted_because", String.class)).map(CanonicalJson::parseObject),
                mayHaveRelations);
    }

    static GenericExecuteSpec bindNullable(GenericExecuteSpec spec, String name, Optional<?> value) {
        return value.isPresent() ? spec.bind(name, value.get()) : spec.bindNull(name, String.class);
    }
}
