package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.db.Database;
import dev.lattice.syncapi.storage.EventState;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredPositions;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import io.r2dbc.spi.Readable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Mono;

/**
 * {@code syncapi.room_state}: the history of each room's current state, one row per interval of stream positions
 * during which an event was part of it. The current state is the rows without a {@code removed_position}.
 */
public final class RoomStateTable {
    /** The rows that are part of the state at {@code :position}. */
    private static final String ACTIVE_AT = activeAt(":position");

    /** The rows that are part of the state at {@code position}, an SQL expression. */
    private static String activeAt(String position) {
        return " AND added_position <= " + position + " AND (removed_position IS NULL OR removed_position > " + position
                + ")";
    }

    private static final String COLUMNS =
            "room_id, type, state_key, event_id, membership, added_position, removed_position";

    /** The entries as parallel arrays. */
    private static final String INSERT = "INSERT INTO syncapi.room_state"
            + " (room_id, type, state_key, event_id, membership, added_position)"
            + " SELECT :room_id, t, k, e, m, p FROM unnest(CAST(:types AS text[]), CAST(:state_keys AS text[]),"
            + " CAST(:event_ids AS text[]), CAST(:memberships AS text[]), CAST(:positions AS bigint[]))"
            + " AS x(t, k, e, m, p)";

    /** The current entries of the keys {@link #bindKeys} binds: two parallel arrays (type, state key). */
    private static final String CURRENT_AT_KEYS = " WHERE room_id = :room_id AND removed_position IS NULL"
            + " AND (type, state_key) IN (SELECT * FROM unnest(CAST(:types AS text[]), CAST(:state_keys AS text[])))";

    private static final String CLOSE_CURRENT =
            "UPDATE syncapi.room_state SET removed_position = :position" + CURRENT_AT_KEYS;

    private static final String CLOSE_EVENTS = "UPDATE syncapi.room_state SET removed_position = :position"
            + " WHERE room_id = :room_id AND event_id = ANY(:event_ids) AND removed_position IS NULL";

    private static final String SELECT_CURRENT_ENTRY = "SELECT " + COLUMNS + " FROM syncapi.room_state"
            + " WHERE room_id = :room_id AND type = :type AND state_key = :state_key AND removed_position IS NULL";

    private static final String SELECT_CURRENT_ENTRIES =
            "SELECT " + COLUMNS + " FROM syncapi.room_state" + CURRENT_AT_KEYS;

    private static final String SELECT_STATE_AT =
            "SELECT " + COLUMNS + " FROM syncapi.room_state" + " WHERE room_id = :room_id" + ACTIVE_AT;

    /**
     * The state at :position and the spans that ended there, with the event JSON of its power levels event and of its
     * joined members whose user IDs end with :member_suffix (no member's when it is empty): what the push rules read
     * and whom an event wakes, in one statement.
     */
    private static final String SELECT_STATE_AT_EVENT = "SELECT "
            + Database.qualified("s", COLUMNS)
            + ", e.event_json FROM syncapi.room_state s LEFT JOIN syncapi.output_room_events e"
            + " ON e.event_id = s.event_id AND ((s.type = 'm.room.power_levels' AND s.state_key = '')"
            + " OR (s.type = 'm.room.member' AND s.membership = 'join' AND :member_suffix <> ''"
            + " AND right(s.state_key, length(:member_suffix)) = :member_suffix))"
            + " WHERE s.room_id = :room_id AND s.added_position <= :position"
            + " AND (s.removed_position IS NULL OR s.removed_position >= :position)";

    /**
     * Whether a span of the state at :position was not part of the state at :since (by event ID, as a client holds
     * it): what changed in between.
     */
    private static final String ADDED_SINCE = "(added_position > :since"
            + " AND NOT EXISTS (SELECT 1 FROM syncapi.room_state o WHERE o.event_id = s.event_id"
            + " AND o.added_position <= :since AND (o.removed_position IS NULL OR o.removed_position > :since)))";

    /**
     * Of the state of the room {@code room} at {@code position} (each an SQL expression), the spans whose events were
     * not part of the state at :since, flagged {@code changed}, and the member spans of {@code users} (an SQL
     * expression, a set of user IDs), changed or not: what {@link SyncApiDatabase.StateSince} holds, as
     * {@link #stateSince} reads it back. Its columns are {@link #COLUMNS} and {@code changed}.
     */
    static String selectStateSince(String room, String position, String users) {
        return "SELECT " + COLUMNS + ", " + ADDED_SINCE + " AS changed FROM syncapi.room_state s"
                + " WHERE room_id = " + room + activeAt(position) + " AND (" + ADDED_SINCE
                + " OR (type = 'm.room.member' AND state_key IN (" + users + ")))";
    }

    /** A row of {@link #selectStateSince}: a span of the state, and whether it changed since :since. */
    record FlaggedSpan(StateSpan span, boolean changed) {
        static FlaggedSpan of(Readable row) {
            return new FlaggedSpan(toSpan(row), Boolean.TRUE.equals(row.get("changed", Boolean.class)));
        }
    }

    /** What the rows of {@link #selectStateSince} tell, whose member spans are those of {@code membersOf}. */
    static SyncApiDatabase.StateSince stateSince(List<FlaggedSpan> rows, Set<String> membersOf) {
        List<StateSpan> changed = new ArrayList<>();
        List<StateSpan> members = new ArrayList<>();
        for (FlaggedSpan row : rows) {
            StateSpan span = row.span();
            if (row.changed()) {
                changed.add(span);
            }
            if (span.type().equals("m.room.member") && membersOf.contains(span.stateKey())) {
                members.add(span);
            }
        }
        return new SyncApiDatabase.StateSince(changed, members, membersOf);
    }

    private static final String SELECT_MEMBERS_AT = "SELECT " + COLUMNS + " FROM syncapi.room_state"
            + " WHERE room_id = :room_id AND type = 'm.room.member' AND state_key = ANY(:users)" + ACTIVE_AT;

    private static final String SELECT_ENTRY_AT = "SELECT " + COLUMNS + " FROM syncapi.room_state"
            + " WHERE room_id = :room_id AND type = :type AND state_key = :state_key" + ACTIVE_AT;

    private static final String SELECT_ENTRY_AT_IN_ROOMS = "SELECT " + COLUMNS + " FROM syncapi.room_state"
            + " WHERE room_id = ANY(:room_ids) AND type = :type AND state_key = :state_key" + ACTIVE_AT;

    private static final String SELECT_MEMBERSHIPS_AT = "SELECT " + COLUMNS + " FROM syncapi.room_state"
            + " WHERE type = 'm.room.member' AND state_key = :user_id" + ACTIVE_AT;

    private static final String SELECT_MEMBERSHIPS_CHANGED_BETWEEN = "SELECT " + COLUMNS + " FROM syncapi.room_state"
            + " WHERE type = 'm.room.member' AND state_key = :user_id"
            + " AND ((added_position > :after AND added_position <= :to)"
            + " OR (removed_position > :after AND removed_position <= :to)) ORDER BY added_position";

    /**
     * What an incremental {@code /sync} reads of the user's rooms, in one statement (see
     * {@link SyncApiDatabase.UserRooms}) with its first read ({@link #selectPositionsAndUserRoomsSince}), its rows
     * told apart by {@code part}:
     * <ul>
     *   <li>{@code membership}: the user's spans active at {@code position}, or begun or ended in (:after,
     *       {@code position}]. Those include every span active at :after (it is still active, or ended in between).
     *   <li>{@code member_change}: the member spans begun in that range in each room the user was joined to at :after
     *       or at {@code position}.
     *   <li>{@code active} or {@code quiet}: each of those rooms, by whether it has events in that range (none when
     *       the range is empty).
     *   <li>with :sections, {@code section} for each room the user stayed joined to (joined at both positions, no
     *       other membership in between) that is active, and that room's {@link OutputRoomEventsTable#sectionQuery}
     *       rows, after :after up to {@code position}, the state since :since (:after).
     * </ul>
     * These are its common table expressions, {@code mine}, {@code joined}, {@code activity} and {@code stayed},
     * with {@code position} an SQL expression; {@link #userRoomsParts} are its parts.
     */
    private static String userRoomsTables(String position) {
        return "mine AS MATERIALIZED (SELECT " + COLUMNS
                + " FROM syncapi.room_state WHERE type = 'm.room.member' AND state_key = :user_id"
                + " AND ((added_position <= " + position + " AND (removed_position IS NULL OR removed_position > "
                + position + ")) OR (added_position > :after AND added_position <= " + position + ")"
                + " OR (removed_position > :after AND removed_position <= " + position + "))),"
                + " joined AS (SELECT DISTINCT room_id FROM mine WHERE membership = 'join'"
                + " AND (" + spanActiveAt(":after") + " OR " + spanActiveAt(position) + ")),"
                + " activity AS MATERIALIZED (SELECT j.room_id, "
                + OutputRoomEventsTable.hasEvents("j.room_id", ":after", position)
                + " AS active FROM joined j WHERE :after < " + position + "),"
                // As RoomEventsStream plans a joined room's section from a since: joined then and now, not rejoined.
                + " stayed AS (SELECT a.room_id FROM activity a WHERE :sections AND a.active"
                + " AND EXISTS (SELECT 1 FROM mine WHERE room_id = a.room_id AND membership = 'join' AND "
                + spanActiveAt(":after") + ")"
                + " AND EXISTS (SELECT 1 FROM mine WHERE room_id = a.room_id AND membership = 'join' AND "
                + spanActiveAt(position) + ")"
                + " AND NOT EXISTS (SELECT 1 FROM mine WHERE room_id = a.room_id AND added_position > :after"
                + " AND membership IS DISTINCT FROM 'join'))";
    }

    /** Whether a span of {@code mine} is active at {@code position}, an SQL expression. */
    private static String spanActiveAt(String position) {
        return "(added_position <= " + position + " AND (removed_position IS NULL OR removed_position > " + position
                + "))";
    }

    /** The parts of the user's rooms read, from its {@link #userRoomsTables}. */
    private static String userRoomsParts(String position) {
        Set<String> spanColumns = Set.of(COLUMNS.split(", "));
        return "SELECT s.* FROM stayed d CROSS JOIN LATERAL ("
                + OutputRoomEventsTable.sectionQuery("d.room_id", position) + ") AS s"
                + " UNION ALL SELECT " + OutputRoomEventsTable.asSectionColumns("u", spanColumns) + " FROM ("
                + "SELECT 'membership' AS part, " + COLUMNS + " FROM mine"
                + " UNION ALL SELECT 'member_change', " + COLUMNS + " FROM syncapi.room_state"
                + " WHERE room_id IN (SELECT room_id FROM joined) AND type = 'm.room.member'"
                + " AND added_position > :after AND added_position <= " + position
                + " UNION ALL SELECT CASE WHEN a.active THEN 'active' ELSE 'quiet' END, a.room_id, NULL, NULL, NULL,"
                + " NULL, NULL::bigint, NULL::bigint FROM activity a"
                + " UNION ALL SELECT 'section', d.room_id, NULL, NULL, NULL, NULL, NULL, NULL FROM stayed d) AS u";
    }

    private static final String SELECT_MEMBERSHIP_HISTORY = "SELECT " + COLUMNS + " FROM syncapi.room_state"
            + " WHERE type = 'm.room.member' AND state_key = :user_id AND room_id = :room_id ORDER BY added_position";

    private static final String SELECT_USERS_TO_NOTIFY = "SELECT DISTINCT state_key FROM syncapi.room_state"
            + " WHERE room_id = :room_id AND type = 'm.room.member'"
            + " AND ((removed_position IS NULL AND membership IN ('join', 'invite'))"
            + " OR added_position = :position OR removed_position = :position)";

    /** Of some users, those joined at a position to a room the given user is joined to then. */
    private static final String SELECT_SHARING = "SELECT DISTINCT other.state_key FROM syncapi.room_state mine"
            + " JOIN syncapi.room_state other ON other.room_id = mine.room_id AND other.type = 'm.room.member'"
            + " WHERE mine.type = 'm.room.member' AND mine.state_key = :user_id AND mine.membership = 'join'"
            + " AND mine.added_position <= :position"
            + " AND (mine.removed_position IS NULL OR mine.removed_position > :position)"
            + " AND other.membership = 'join' AND other.state_key = ANY(:users)"
            + " AND other.added_position <= :position"
            + " AND (other.removed_position IS NULL OR other.removed_position > :position)";

    /** Everyone joined at a position to a room the given user is joined to then (the user included). */
    private static final String SELECT_ALL_SHARING = "SELECT DISTINCT other.state_key FROM syncapi.room_state mine"
            + " JOIN syncapi.room_state other ON other.room_id = mine.room_id AND other.type = 'm.room.member'"
            + " WHERE mine.type = 'm.room.member' AND mine.state_key = :user_id AND mine.membership = 'join'"
            + " AND mine.added_position <= :position"
            + " AND (mine.removed_position IS NULL OR mine.removed_position > :position)"
            + " AND other.membership = 'join'"
            + " AND other.added_position <= :position"
            + " AND (other.removed_position IS NULL OR other.removed_position > :position)";

    private static final String SELECT_MEMBER_CHANGES = "SELECT " + COLUMNS + " FROM syncapi.room_state"
            + " WHERE room_id = ANY(:room_ids) AND type = 'm.room.member'"
            + " AND added_position > :after AND added_position <= :to";

    private final DatabaseClient client;

    public RoomStateTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** A state event that becomes part of a room's state from {@code position} on. */
    public record NewEntry(String type, String stateKey, String eventId, Optional<String> membership, long position) {
        public NewEntry {
            requireNonNull(type, "type is null");
            requireNonNull(stateKey, "stateKey is null");
            requireNonNull(eventId, "eventId is null");
            requireNonNull(membership, "membership is null");
        }
    }

    /** Makes each entry's event part of the state from its position on, all in one statement. */
    public Mono<Void> insert(String roomId, List<NewEntry> entries) {
        if (entries.isEmpty()) {
            return Mono.empty();
        }
        return client.sql(INSERT)
                .bind("room_id", roomId)
                .bind("types", entries.stream().map(NewEntry::type).toArray(String[]::new))
                .bind("state_keys", entries.stream().map(NewEntry::stateKey).toArray(String[]::new))
                .bind("event_ids", entries.stream().map(NewEntry::eventId).toArray(String[]::new))
                .bind(
                        "memberships",
                        entries.stream().map(e -> e.membership().orElse(null)).toArray(String[]::new))
                .bind("positions", entries.stream().map(NewEntry::position).toArray(Long[]::new))
                .then();
    }

    /** Ends the current entries of these (type, state key) pairs, where there are any, at {@code position}. */
    public Mono<Void> closeCurrent(String roomId, Collection<StateKey> keys, long position) {
        if (keys.isEmpty()) {
            return Mono.empty();
        }
        return bindKeys(client.sql(CLOSE_CURRENT).bind("room_id", roomId), keys)
                .bind("position", position)
                .then();
    }

    /** Ends the current entries of these events at {@code position}. */
    public Mono<Void> closeEvents(String roomId, Collection<String> eventIds, long position) {
        if (eventIds.isEmpty()) {
            return Mono.empty();
        }
        return client.sql(CLOSE_EVENTS)
                .bind("room_id", roomId)
                .bind("event_ids", eventIds.toArray(String[]::new))
                .bind("position", position)
                .then();
    }

    public Mono<Optional<StateSpan>> selectCurrent(String roomId, String type, String stateKey) {
        return one(client.sql(SELECT_CURRENT_ENTRY)
                .bind("room_id", roomId)
                .bind("type", type)
                .bind("state_key", stateKey));
    }

    /** The current entries of these keys, where there are any. */
    public Mono<List<StateSpan>> selectCurrent(String roomId, Collection<StateKey> keys) {
        if (keys.isEmpty()) {
            return Mono.just(List.of());
        }
        return all(bindKeys(client.sql(SELECT_CURRENT_ENTRIES).bind("room_id", roomId), keys));
    }

    public Mono<List<StateSpan>> selectStateAt(String roomId, long position) {
        return all(client.sql(SELECT_STATE_AT).bind("room_id", roomId).bind("position", position));
    }

    /** {@link #SELECT_STATE_AT_EVENT}, the contents parsed, by event ID. */
    public Mono<EventState> selectStateAtEvent(String roomId, long position, String memberSuffix) {
        return client.sql(SELECT_STATE_AT_EVENT)
                .bind("room_id", roomId)
                .bind("position", position)
                .bind("member_suffix", memberSuffix)
                .map(row -> Map.entry(toSpan(row), Optional.ofNullable(row.get("event_json", String.class))))
                .all()
                .collectList()
                .map(rows -> {
                    List<StateSpan> spans = new ArrayList<>(rows.size());
                    Map<String, JsonObject> contents = new HashMap<>();
                    rows.forEach(row -> {
                        spans.add(row.getKey());
                        row.getValue()
                                .ifPresent(json -> contents.put(
                                        row.getKey().eventId(),
                                        CanonicalJson.parseObject(json)
                                                .getObject("content")
                                                .orElse(JsonObject.EMPTY)));
                    });
                    return new EventState(position, spans, contents);
                });
    }

    public Mono<List<StateSpan>> selectMembersAt(String roomId, Collection<String> users, long position) {
        if (users.isEmpty()) {
            return Mono.just(List.of());
        }
        return all(client.sql(SELECT_MEMBERS_AT)
                .bind("room_id", roomId)
                .bind("users", users.toArray(String[]::new))
                .bind("position", position));
    }

    public Mono<Optional<StateSpan>> selectEntryAt(String roomId, String type, String stateKey, long position) {
        return one(client.sql(SELECT_ENTRY_AT)
                .bind("room_id", roomId)
                .bind("type", type)
                .bind("state_key", stateKey)
                .bind("position", position));
    }

    public Mono<Map<String, StateSpan>> selectEntryAt(
            Collection<String> roomIds, String type, String stateKey, long position) {
        if (roomIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return all(client.sql(SELECT_ENTRY_AT_IN_ROOMS)
                        .bind("room_ids", roomIds.toArray(String[]::new))
                        .bind("type", type)
                        .bind("state_key", stateKey)
                        .bind("position", position))
                .map(spans -> spans.stream().collect(Collectors.toUnmodifiableMap(StateSpan::roomId, span -> span)));
    }

    public Mono<List<StateSpan>> selectMembershipsAt(String userId, long position) {
        return all(client.sql(SELECT_MEMBERSHIPS_AT).bind("user_id", userId).bind("position", position));
    }

    public Mono<List<StateSpan>> selectMembershipsChangedBetween(String userId, long after, long to) {
        return all(client.sql(SELECT_MEMBERSHIPS_CHANGED_BETWEEN)
                .bind("user_id", userId)
                .bind("after", after)
                .bind("to", to));
    }

    /**
     * A row of the user's rooms read: its part, and its span (for a membership or member change) or its row of a room's
     * section.
     */
    private record UserRoomsRow(
            String part,
            String roomId,
            Optional<StateSpan> span,
            Optional<OutputRoomEventsTable.SectionRow> sectionRow) {}

    /**
     * The user's rooms ({@link #userRoomsTables}) up to the room events position that {@code positions} reads, in the
     * same statement, so in one snapshot: what a {@code /sync} attempt reads first; with {@code sections}, the
     * sections of the rooms the user stayed joined to that have events too.
     *
     * @param positions a statement answering one row: the streams' positions, the room events one as {@code events}
     * @param readPositions reads that row's columns
     */
    public Mono<SyncApiDatabase.PositionsAndUserRooms> selectPositionsAndUserRoomsSince(
            String positions,
            Function<Readable, StoredPositions> readPositions,
            String userId,
            long after,
            Optional<SyncApiDatabase.SectionShape> sections) {
        String position = "(SELECT events FROM stored)";
        // Every row carries the positions; with no room part at all, one row still does (the LEFT JOIN).
        String sql = "WITH stored AS MATERIALIZED (" + positions + "), " + userRoomsTables(position)
                + " SELECT u.*, stored.* FROM stored LEFT JOIN (" + userRoomsParts(position) + ") AS u ON true";
        SyncApiDatabase.SectionShape shape = sections.orElse(new SyncApiDatabase.SectionShape(0, false, false));
        return client.sql(sql)
                .bind("user_id", userId)
                .bind("after", after)
                .bind("since", after)
                .bind("sections", sections.isPresent())
                .bind("shown", shape.shown())
                .bind("state_after", shape.stateAfter())
                .bind("lazy", shape.lazyMembers())
                .bind("with_counts", true)
                .map(row -> Map.entry(readPositions.apply(row), userRoomsRow(row)))
                .all()
                .collectList()
                .map(rows -> {
                    StoredPositions read = rows.getFirst().getKey();
                    List<UserRoomsRow> parts = rows.stream()
                            .flatMap(row -> row.getValue().stream())
                            .toList();
                    return new SyncApiDatabase.PositionsAndUserRooms(
                            read, userRooms(parts, after, read.events(), shape));
                });
    }

    /** A row of the user rooms' parts; none for the row of a read without any. */
    private static Optional<UserRoomsRow> userRoomsRow(Readable row) {
        String part = row.get("part", String.class);
        if (part == null) {
            return Optional.empty();
        }
        String roomId = row.get("room_id", String.class);
        if (OutputRoomEventsTable.SectionRow.isSectionPart(part)) {
            return Optional.of(new UserRoomsRow(
                    part, roomId, Optional.empty(), Optional.of(OutputRoomEventsTable.SectionRow.of(row))));
        }
        boolean span = part.equals("membership") || part.equals("member_change");
        return Optional.of(
                new UserRoomsRow(part, roomId, span ? Optional.of(toSpan(row)) : Optional.empty(), Optional.empty()));
    }

    private static SyncApiDatabase.UserRooms userRooms(
            List<UserRoomsRow> rows, long after, long position, SyncApiDatabase.SectionShape shape) {
        Map<String, StateSpan> at = new HashMap<>();
        List<StateSpan> changed = new ArrayList<>();
        List<StateSpan> memberChanges = new ArrayList<>();
        Map<String, Boolean> hasEvents = new HashMap<>();
        Map<String, List<OutputRoomEventsTable.SectionRow>> sectionRows = new HashMap<>();
        for (UserRoomsRow row : rows) {
            switch (row.part()) {
                case "membership" -> {
                    StateSpan span = row.span().orElseThrow();
                    if (span.activeAt(position)) {
                        at.put(span.roomId(), span);
                    }
                    if (span.changedBetween(after, position)) {
                        changed.add(span);
                    }
                }
                case "member_change" -> memberChanges.add(row.span().orElseThrow());
                case "active", "quiet" -> hasEvents.put(row.roomId(), row.part().equals("active"));
                // A room whose section was read, even if none of its rows came (a partial state completed, no event).
                case "section" -> sectionRows.computeIfAbsent(row.roomId(), room -> new ArrayList<>());
                default ->
                    sectionRows
                            .computeIfAbsent(row.roomId(), room -> new ArrayList<>())
                            .add(row.sectionRow().orElseThrow());
            }
        }
        changed.sort(Comparator.comparingLong(StateSpan::addedPosition));
        Map<String, SyncApiDatabase.TimelineAndStateSince> sections = new HashMap<>();
        sectionRows.forEach((roomId, read) -> sections.put(
                roomId, OutputRoomEventsTable.section(roomId, read, shape.shown(), shape.lazyMembers(), true)));
        return new SyncApiDatabase.UserRooms(
                Map.copyOf(at),
                List.copyOf(changed),
                List.copyOf(memberChanges),
                Map.copyOf(hasEvents),
                Map.copyOf(sections));
    }

    public Mono<List<StateSpan>> selectMembershipHistory(String roomId, String userId) {
        return all(client.sql(SELECT_MEMBERSHIP_HISTORY).bind("room_id", roomId).bind("user_id", userId));
    }

    public Mono<List<String>> selectUsersToNotify(String roomId, long position) {
        return client.sql(SELECT_USERS_TO_NOTIFY)
                .bind("room_id", roomId)
                .bind("position", position)
                .map(r -> r.get("state_key", String.class))
                .all()
                .collectList();
    }

    /** Binds {@code keys} for {@link #CURRENT_AT_KEYS}: two parallel arrays, {@code :types} and {@code :state_keys}. */
    private static GenericExecuteSpec bindKeys(GenericExecuteSpec spec, Collection<StateKey> keys) {
        return spec.bind("types", keys.stream().map(StateKey::type).toArray(String[]::new))
                .bind("state_keys", keys.stream().map(StateKey::stateKey).toArray(String[]::new));
    }

    private static Mono<Optional<StateSpan>> one(GenericExecuteSpec query) {
        return query.map(RoomStateTable::toSpan).one().map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    private static Mono<List<StateSpan>> all(GenericExecuteSpec query) {
        return query.map(RoomStateTable::toSpan).all().collectList();
    }

    static StateSpan toSpan(Readable row) {
        return new StateSpan(
                row.get("room_id", String.class),
                row.get("type", String.class),
                row.get("state_key", String.class),
                row.get("event_id", String.class),
                Optional.ofNullable(row.get("membership", String.class)),
                row.get("added_position", Long.class),
                Optional.ofNullable(row.get("removed_position", Long.class)));
    }

    /** Of {@code users}, those who share a joined room with {@code userId} at {@code position}. */
    public Mono<Set<String>> selectSharing(String userId, Collection<String> users, long position) {
        if (users.isEmpty()) {
            return Mono.just(Set.of());
        }
        return client.sql(SELECT_SHARING)
                .bind("user_id", userId)
                .bind("users", users.toArray(String[]::new))
                .bind("position", position)
                .map(r -> r.get("state_key", String.class))
                .all()
                .collect(Collectors.toSet());
    }

    /** Everyone who shares a joined room with {@code userId} at {@code position}, the user included if joined anywhere. */
    public Mono<Set<String>> selectAllSharing(String userId, long position) {
        return client.sql(SELECT_ALL_SHARING)
                .bind("user_id", userId)
                .bind("position", position)
                .map(r -> r.get("state_key", String.class))
                .all()
                .collect(Collectors.toSet());
    }

    /** The membership spans that started in these rooms at positions in (after, to]. */
    public Mono<List<StateSpan>> selectMemberChanges(Collection<String> roomIds, long after, long to) {
        if (roomIds.isEmpty()) {
            return Mono.just(List.of());
        }
        return all(client.sql(SELECT_MEMBER_CHANGES)
                .bind("room_ids", roomIds.toArray(String[]::new))
                .bind("after", after)
                .bind("to", to));
    }
}
