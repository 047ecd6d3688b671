package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.RememberedBetweenWrites;
import dev.lattice.syncapi.storage.AccountDataChange;
import dev.lattice.syncapi.storage.DirectoryEntry;
import dev.lattice.syncapi.storage.EventState;
import dev.lattice.syncapi.storage.PendingPush;
import dev.lattice.syncapi.storage.Relation;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.StoredPositions;
import dev.lattice.syncapi.storage.StoredPresence;
import dev.lattice.syncapi.storage.StoredReceipt;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.ThreadSummary;
import dev.lattice.syncapi.storage.ToDeviceMessage;
import io.r2dbc.spi.Readable;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * {@link SyncApiDatabase} on PostgreSQL: the logic that spans {@link OutputRoomEventsTable} and
 * {@link RoomStateTable}, and the account data stream in {@link AccountDataChangesTable}.
 */
public final class PostgresSyncApiDatabase implements SyncApiDatabase {
    private static final Logger log = LoggerFactory.getLogger(PostgresSyncApiDatabase.class);
    /** Each stream's own position read, as a column. */
    private static final String SELECT_STORED_POSITIONS = "SELECT"
            + " (" + OutputRoomEventsTable.NEWEST_POSITION + ") AS events,"
            + " (" + StreamPositions.newestQuery("syncapi.account_data_changes") + ") AS account_data,"
            + " (" + ToDeviceTable.CURRENT + ") AS to_device,"
            + " (" + StreamPositions.newestQuery("syncapi.receipts") + ") AS receipts,"
            + " (" + StreamPositions.newestQuery("syncapi.device_list_changes") + ") AS device_lists,"
            + " (" + StreamPositions.newestQuery("syncapi.presence") + ") AS presence";

    /** The default when a room has no {@code m.room.history_visibility} (or an unknown value). */
    public static final String DEFAULT_HISTORY_VISIBILITY = "shared";

    /**
     * Held for the rest of each writing transaction, so writers (one per partition, possibly several processes)
     * commit stream positions in the order they drew them: a reader that sees position p has seen every position
     * below it, which makes "everything after since" exact.
     */
    static final String LOCK_STREAM = "SELECT pg_advisory_xact_lock(7309150265419661)";

    private static final String INSERT_COMPLETION = "INSERT INTO syncapi.partial_state_completions (position, room_id)"
            + " VALUES (nextval('syncapi.stream_position_seq'), :room_id) RETURNING position";
    private static final String INSERT_PARTIAL_STATE_ROOM =
            "INSERT INTO syncapi.partial_state_rooms (room_id, join_event_id) VALUES (:room_id, :join_event_id)"
                    + " ON CONFLICT DO NOTHING";
    private static final String DELETE_PARTIAL_STATE_ROOM =
            "DELETE FROM syncapi.partial_state_rooms WHERE room_id = :room_id RETURNING join_event_id";
    private static final String SELECT_PARTIAL_STATE_ROOM =
            "SELECT EXISTS (SELECT 1 FROM syncapi.partial_state_rooms WHERE room_id = :room_id) AS partial";
    /** The same for the account data stream: its own lock, so it never waits for event writers. */
    private static final String LOCK_ACCOUNT_DATA_STREAM = "SELECT pg_advisory_xact_lock(7309150265419662)";
    /** The same for the device lists stream. */
    private static final String LOCK_DEVICE_LIST_STREAM = "SELECT pg_advisory_xact_lock(7309150265419664)";
    /** The same for the presence stream. */
    private static final String LOCK_PRESENCE_STREAM = "SELECT pg_advisory_xact_lock(7309150265419665)";
    /** The same for the receipts stream. */
    private static final String LOCK_RECEIPTS_STREAM = "SELECT pg_advisory_xact_lock(7309150265419663)";

    private final DatabaseClient client;
    /**
     * The state at each room's newest event ({@link #stateAtNewestEvent}), by room and member suffix, for the only
     * process: forgotten by every write of the state, or of the contents read with it; empty for a state too large to
     * remember.
     */
    private final RememberedBetweenWrites<String, Optional<EventState>> statesAtNewest;

    /** The most rooms whose state at the newest event is remembered. */
    private static final int STATES_AT_NEWEST = 256;

    /** A larger state (a room of hundreds of members) is read for each event: remembered, it would hold much memory. */
    private static final int STATE_AT_NEWEST_SPANS = 500;

    private final OutputRoomEventsTable events;
    private final RoomStateTable state;
    private final AccountDataChangesTable accountDataChanges;
    private final ToDeviceTable toDevice;
    private final ReceiptsTable receipts;
    private final DeviceListChangesTable deviceListChanges;
    private final EventRelationsTable relations;
    private final UserDirectoryQuery directory;
    private final PresenceTable presence;
    private final PushActionsTable pushActions;
    private final EventSearchTable search;
    private final TransactionalOperator transactions;
    private final PendingPushesTable pendingPushes;

    public PostgresSyncApiDatabase(Database database) {
        this(database, false);
    }

    /**
     * @param onlyProcess whether this is the only process writing the syncapi schema (the all-in-one), so that the
     *     state at each room's newest event is remembered between writes of the state ({@link #stateAtNewestEvent})
     */
    public PostgresSyncApiDatabase(Database database, boolean onlyProcess) {
        this.client = requireNonNull(database, "database is null").client();
        this.statesAtNewest = RememberedBetweenWrites.of(onlyProcess, STATES_AT_NEWEST);
        this.events = new OutputRoomEventsTable(client);
        this.state = new RoomStateTable(client);
        this.accountDataChanges = new AccountDataChangesTable(client);
        this.toDevice = new ToDeviceTable(client);
        this.receipts = new ReceiptsTable(client);
        this.deviceListChanges = new DeviceListChangesTable(client);
        this.relations = new EventRelationsTable(client);
        this.directory = new UserDirectoryQuery(client);
        this.presence = new PresenceTable(client);
        this.pushActions = new PushActionsTable(client);
        this.pendingPushes = new PendingPushesTable(client);
        this.search = new EventSearchTable(client);
        this.transactions = TransactionalOperator.create(new R2dbcTransactionManager(client.getConnectionFactory()));
    }

    @Override
    public Mono<OptionalLong> storeEvent(
            NewRoomEvent record, Pdu pdu, boolean joinFromGivenState, Optional<PushActionRows> pushActions) {
        if (pushActions.isPresent() && !SyncApiDatabase.liveAndChangesNoState(record, joinFromGivenState)) {
            throw new IllegalArgumentException("push actions known before " + record.eventId()
                    + ", which is historical, an outlier or changes state");
        }
        // The stream lock is taken by the insert (OutputRoomEventsTable), before it draws the position; the insert also
        // reads the history visibility and the state event this one replaces.
        Mono<OptionalLong> store = store(record, pdu, joinFromGivenState, pushActions);
        return storedByItsInsert(record, pdu, joinFromGivenState)
                ? store
                : statesAtNewest.writing(transactions.transactional(store));
    }

    /**
     * Whether {@link #store} writes nothing but the event's insert (with its search entry): a live event that changes
     * no state and relates to no other event, such as a message. That one statement needs no transaction around it.
     */
    private static boolean storedByItsInsert(NewRoomEvent record, Pdu pdu, boolean joinFromGivenState) {
        return SyncApiDatabase.liveAndChangesNoState(record, joinFromGivenState)
                && relationOf(pdu, 0).isEmpty();
    }

    @Override
    public Mono<Void> storeOutliers(List<Map.Entry<NewRoomEvent, Pdu>> events) {
        if (events.isEmpty()) {
            return Mono.empty();
        }
        String roomId = events.getFirst().getKey().roomId().value();
        for (Map.Entry<NewRoomEvent, Pdu> event : events) {
            if (!event.getKey().outlier() || !event.getKey().roomId().value().equals(roomId)) {
                throw new IllegalArgumentException(event.getKey().eventId() + " is no outlier of " + roomId);
            }
        }
        // One lock and one insert for all, which reads the history visibility and the state they would replace:
        // outliers change no current state.
        return statesAtNewest.writing(transactions.transactional(client.sql(LOCK_STREAM)
                .then()
                .then(this.events.insertOutliers(events.stream()
                        .map(event -> newRow(event.getKey(), event.getValue()))
                        .toList()))));
    }

    @Override
    public Mono<OptionalLong> completeState(String roomId, List<String> eventIds) {
        // Where the partial state began: this server's join (none for a replay, or a join from before this code).
        Mono<Optional<Long>> joinPosition = client.sql(DELETE_PARTIAL_STATE_ROOM)
                .bind("room_id", roomId)
                .map(row -> row.get("join_event_id", String.class))
                .one()
                .flatMap(this::event)
                .map(join -> join.map(StoredEvent::position))
                .defaultIfEmpty(Optional.empty());
        return statesAtNewest.writing(transactions.transactional(client.sql(LOCK_STREAM)
                .then()
                .then(Mono.zip(joinPosition, events.selectByIds(eventIds)))
                .flatMap(t -> {
                    Map<StateKey, StoredEvent> byKey = byStateKey(t.getT2());
                    return state.selectCurrent(roomId, byKey.keySet()).flatMap(current -> {
                        current.forEach(span -> byKey.remove(StateKey.of(span.type(), span.stateKey())));
                        if (byKey.isEmpty()) {
                            return Mono.just(OptionalLong.empty()); // a replay
                        }
                        // In the state before the join (the history a client pages back through), not from the
                        // join until now (clients were shown the partial state then), and current from a new
                        // position on, so that an incremental sync lists them (clients that do not load members
                        // lazily learn the members there).
                        return state.insert(roomId, entries(byKey, StoredEvent::position))
                                .then(client.sql(INSERT_COMPLETION)
                                        .bind("room_id", roomId)
                                        .map(row -> row.get("position", Long.class))
                                        .one())
                                .flatMap(position -> state.closeCurrent(
                                                roomId,
                                                byKey.keySet(),
                                                t.getT1().orElse(position))
                                        .then(state.insert(roomId, entries(byKey, event -> position)))
                                        .thenReturn(OptionalLong.of(position)));
                    });
                })));
    }

    /** The state events among {@code events} by (type, state key), in their order. */
    private static Map<StateKey, StoredEvent> byStateKey(List<StoredEvent> events) {
        Map<StateKey, StoredEvent> byKey = new LinkedHashMap<>();
        events.forEach(event -> event.stateKey().ifPresent(key -> byKey.put(StateKey.of(event.type(), key), event)));
        return byKey;
    }

    /** The new {@code room_state} entries of {@code events}, each from {@code position} of it. */
    private static List<RoomStateTable.NewEntry> entries(
            Map<StateKey, StoredEvent> events, ToLongFunction<StoredEvent> position) {
        return events.entrySet().stream()
                .map(entry -> new RoomStateTable.NewEntry(
                        entry.getKey().type(),
                        entry.getKey().stateKey(),
                        entry.getValue().eventId(),
                        entry.getKey().type().equals("m.room.member")
                                ? entry.getValue().content().getString("membership")
                                : Optional.empty(),
                        position.applyAsLong(entry.getValue())))
                .toList();
    }

    @Override
    public Mono<Void> startPartialState(String roomId, String joinEventId) {
        return client.sql(INSERT_PARTIAL_STATE_ROOM)
                .bind("room_id", roomId)
                .bind("join_event_id", joinEventId)
                .then();
    }

    @Override
    public Mono<Boolean> isPartialState(String roomId) {
        return client.sql(SELECT_PARTIAL_STATE_ROOM)
                .bind("room_id", roomId)
                .map(row -> Boolean.TRUE.equals(row.get("partial", Boolean.class)))
                .one();
    }

    /** The row of {@code record}. */
    private static OutputRoomEventsTable.NewRow newRow(NewRoomEvent record, Pdu pdu) {
        return new OutputRoomEventsTable.NewRow(
                record.eventId().value(),
                record.roomId().value(),
                record.roomVersion(),
                pdu.type(),
                pdu.sender(),
                pdu.stateKey(),
                pdu.json(),
                Optional.ofNullable(record.transaction()),
                record.historical(),
                record.outlier());
    }

    /** The work of {@link #storeEvent} in its transaction (the insert takes the stream lock). */
    private Mono<OptionalLong> store(
            NewRoomEvent record, Pdu pdu, boolean joinFromGivenState, Optional<PushActionRows> pushActions) {
        String roomId = record.roomId().value();
        Optional<EventSearchTable.Entry> searchEntry =
                record.outlier() ? Optional.empty() : EventSearchTable.Entry.of(pdu.type(), searchableText(pdu));
        // A live event's search entry and push actions are stored by its insert, in the same statement.
        boolean live = !record.historical() && !record.outlier();
        OutputRoomEventsTable.NewRow row = newRow(record, pdu);
        Mono<OptionalLong> inserted = live ? events.insertLive(row, searchEntry, pushActions) : events.insert(row);
        return inserted.flatMap(position -> {
                    if (position.isEmpty() || record.historical()) {
                        // A replay changes nothing; a backfilled event is not part of the current state.
                        return Mono.just(position);
                    }
                    return applyStateDelta(record, position.getAsLong(), joinFromGivenState)
                            .thenReturn(position);
                })
                .flatMap(position -> position.isEmpty() || record.outlier()
                        // nothing to relate to or find in a timeline that never shows it
                        ? Mono.just(position)
                        : relationOf(pdu, position.getAsLong())
                                .map(relation -> relations.insert(roomId, relation))
                                .orElse(Mono.empty())
                                .then(
                                        live
                                                ? Mono.<Void>empty()
                                                : Mono.justOrEmpty(searchEntry)
                                                        .flatMap(entry -> search.insert(
                                                                pdu.eventId(), roomId, position.getAsLong(), entry)))
                                .thenReturn(position));
    }

    private Mono<String> historyVisibilityOf(Optional<StateSpan> span) {
        if (span.isEmpty()) {
            return Mono.just(DEFAULT_HISTORY_VISIBILITY);
        }
        return event(span.get().eventId())
                .map(found -> found.flatMap(e -> e.content().getString("history_visibility"))
                        .orElse(DEFAULT_HISTORY_VISIBILITY));
    }

    /**
     * Applies the roomserver's delta at {@code position}: removed events leave the state; each added event replaces
     * whatever held its (type, state key). Added events this service never received cannot be shown and are skipped.
     */
    private Mono<Void> applyStateDelta(NewRoomEvent record, long position, boolean joinFromGivenState) {
        String roomId = record.roomId().value();
        List<String> adds =
                record.addsStateEventIds().stream().map(EventId::value).toList();
        List<String> removes =
                record.removesStateEventIds().stream().map(EventId::value).toList();
        return state.closeEvents(roomId, removes, position)
                .then(events.selectByIds(adds))
                .flatMap(added -> {
                    if (added.size() < record.addsStateEventIds().size()) {
                        log.warn(
                                "{}: {} of the state events added by {} are unknown here and not shown",
                                roomId,
                                record.addsStateEventIds().size() - added.size(),
                                record.eventId());
                    }
                    // One entry per key: the roomserver's delta names each key once.
                    Map<StateKey, StoredEvent> byKey = byStateKey(added);
                    return state.closeCurrent(roomId, byKey.keySet(), position)
                            .then(state.insert(
                                    roomId,
                                    // The state a join to another server's room starts from (outliers, at backfill
                                    // positions) held since then: it is the state before the join, where a
                                    // timeline starting at the join looks for it.
                                    entries(
                                            byKey,
                                            event -> joinFromGivenState
                                                    ? Math.min(position, event.position())
                                                    : position)));
                });
    }

    @Override
    public Mono<Boolean> storeRedaction(String eventId, JsonObject redactedEvent, JsonObject redactedBecause) {
        // A redacted power levels or member event changes the contents read with the state.
        return statesAtNewest.writing(transactions.transactional(relations
                .delete(eventId)
                .then(search.delete(eventId))
                .then(events.updateRedacted(eventId, redactedEvent, redactedBecause))));
    }

    /** The text {@code POST /search} finds an event by: the field {@link EventSearchTable#SEARCHABLE} names. */
    static Optional<String> searchableText(Pdu pdu) {
        String key = EventSearchTable.SEARCHABLE.get(pdu.type());
        return key == null ? Optional.empty() : pdu.content().getString(key.substring("content.".length()));
    }

    /** The event's {@code content.m.relates_to}, when it has a {@code rel_type} and an {@code event_id}. */
    static Optional<Relation> relationOf(Pdu pdu, long position) {
        return pdu.content()
                .getObject("m.relates_to")
                .flatMap(relatesTo -> relatesTo
                        .getString("rel_type")
                        .flatMap(relType -> relatesTo
                                .getString("event_id")
                                .map(parent -> new Relation(
                                        pdu.eventId(), parent, relType, pdu.type(), pdu.sender(), position))));
    }

    @Override
    public Mono<Long> currentPosition() {
        return events.selectMaxPosition();
    }

    @Override
    public Mono<StoredPositions> storedPositions() {
        return client.sql(SELECT_STORED_POSITIONS)
                .map(PostgresSyncApiDatabase::storedPositions)
                .one();
    }

    @Override
    public Mono<PositionsAndUserRooms> storedPositionsAndUserRoomsSince(
            String userId, long afterExclusive, Optional<SectionShape> sections) {
        return state.selectPositionsAndUserRoomsSince(
                SELECT_STORED_POSITIONS, PostgresSyncApiDatabase::storedPositions, userId, afterExclusive, sections);
    }

    private static StoredPositions storedPositions(Readable row) {
        return new StoredPositions(
                row.get("events", Long.class),
                row.get("account_data", Long.class),
                row.get("to_device", Long.class),
                row.get("receipts", Long.class),
                row.get("device_lists", Long.class),
                row.get("presence", Long.class));
    }

    @Override
    public Mono<Integer> countTimelineEvents(Collection<String> eventIds) {
        return events.countTimelineEvents(eventIds);
    }

    @Override
    public Mono<List<StoredEvent>> events(Collection<String> eventIds) {
        return events.selectByIds(eventIds);
    }

    @Override
    public Mono<List<StoredEvent>> roomEvents(
            String roomId, long afterExclusive, long toInclusive, int limit, boolean descending) {
        return events.selectRoomRange(roomId, afterExclusive, toInclusive, limit, descending);
    }

    @Override
    public Mono<Set<String>> roomsWithEvents(Collection<String> roomIds, long afterExclusive, long toInclusive) {
        return events.selectRoomsWithEvents(roomIds, afterExclusive, toInclusive);
    }

    @Override
    public Mono<Set<String>> roomsWithEventsAfter(Map<String, Long> afterExclusiveByRoom, long toInclusive) {
        return events.selectRoomsWithEventsAfter(afterExclusiveByRoom, toInclusive);
    }

    @Override
    public Mono<List<StateSpan>> stateAt(String roomId, long position) {
        return state.selectStateAt(roomId, position);
    }

    @Override
    public Mono<EventState> stateAtEvent(String roomId, long position, Optional<ServerName> membersOf) {
        return state.selectStateAtEvent(roomId, position, memberSuffix(membersOf));
    }

    @Override
    public Mono<EventState> stateAtNewestEvent(String roomId, long position, Optional<ServerName> membersOf) {
        String suffix = memberSuffix(membersOf);
        Mono<EventState> read = state.selectStateAtEvent(roomId, position, suffix);
        return Mono.defer(() -> {
            AtomicReference<EventState> justRead = new AtomicReference<>();
            return statesAtNewest
                    .get(
                            roomId + " " + suffix,
                            () -> read.doOnNext(justRead::set)
                                    .map(found -> Optional.of(found)
                                            .filter(f -> f.spans().size() <= STATE_AT_NEWEST_SPANS)))
                    .flatMap(known -> {
                        if (justRead.get() != null) {
                            return Mono.just(justRead.get());
                        }
                        // Remembered at an older event of the room: nothing changed the state since (or it would have
                        // been forgotten), so the state at this one is its current part.
                        return known.filter(older -> older.position() < position)
                                .map(older -> Mono.just(older.currentAt(position)))
                                .orElse(read);
                    });
        });
    }

    @Override
    public Optional<EventState> rememberedStateAtNewestEvent(String roomId, Optional<ServerName> membersOf) {
        return statesAtNewest.known(roomId + " " + memberSuffix(membersOf)).flatMap(Function.identity());
    }

    private static String memberSuffix(Optional<ServerName> membersOf) {
        return membersOf.map(server -> ":" + server).orElse("");
    }

    @Override
    public Mono<TimelineAndStateSince> roomEventsWithStateSince(SectionQuery query) {
        return events.selectRoomRangeWithStateSince(query);
    }

    @Override
    public Mono<List<StateSpan>> membersAt(String roomId, Collection<String> userIds, long position) {
        return state.selectMembersAt(roomId, userIds, position);
    }

    @Override
    public Mono<Map<String, StateSpan>> stateEntryAt(
            Collection<String> roomIds, String type, String stateKey, long position) {
        return state.selectEntryAt(roomIds, type, stateKey, position);
    }

    @Override
    public Mono<Map<String, Long>> newestOfTypes(
            Collection<String> roomIds, Collection<String> types, long toInclusive) {
        return events.selectNewestOfTypes(roomIds, types, toInclusive);
    }

    @Override
    public Mono<Map<String, Long>> newestOfTypesBetween(
            Collection<String> types, long afterExclusive, long toInclusive) {
        return events.selectNewestOfTypesBetween(types, afterExclusive, toInclusive);
    }

    @Override
    public Mono<String> historyVisibilityAt(String roomId, long position) {
        return state.selectEntryAt(roomId, "m.room.history_visibility", "", position)
                .flatMap(this::historyVisibilityOf);
    }

    @Override
    public Mono<Map<String, StateSpan>> membershipsAt(String userId, long position) {
        return state.selectMembershipsAt(userId, position)
                .map(spans ->
                        spans.stream().collect(Collectors.toUnmodifiableMap(StateSpan::roomId, Function.identity())));
    }

    @Override
    public Mono<List<StateSpan>> membershipsChangedBetween(String userId, long afterExclusive, long toInclusive) {
        return state.selectMembershipsChangedBetween(userId, afterExclusive, toInclusive);
    }

    @Override
    public Mono<List<StateSpan>> membershipHistory(String roomId, String userId) {
        return state.selectMembershipHistory(roomId, userId);
    }

    @Override
    public Mono<List<String>> usersToNotify(String roomId, long position) {
        return state.selectUsersToNotify(roomId, position);
    }

    @Override
    public Mono<OptionalLong> storeAccountDataChange(
            String userId, Optional<String> roomId, String type, long clientStreamId) {
        return transactions.transactional(client.sql(LOCK_ACCOUNT_DATA_STREAM)
                .then()
                .then(accountDataChanges.upsert(userId, roomId.orElse(""), type, clientStreamId)));
    }

    @Override
    public Mono<List<AccountDataChange>> accountDataChanges(String userId, long afterExclusive, long toInclusive) {
        return accountDataChanges.selectChanges(userId, afterExclusive, toInclusive);
    }

    @Override
    public Mono<Map<String, Long>> storeToDevice(
            String sender, String senderDevice, String txnId, List<ToDeviceMessage> messages, long now) {
        return transactions.transactional(toDevice.insertTransaction(sender, senderDevice, txnId, now)
                .flatMap(isNew -> isNew && !messages.isEmpty() ? toDevice.append(messages, now) : Mono.just(Map.of())));
    }

    @Override
    public Mono<Long> currentToDevicePosition() {
        return toDevice.currentPosition();
    }

    @Override
    public Mono<List<ToDeviceTable.Delivered>> toDeviceMessages(
            String userId, String deviceId, long after, long to, int limit) {
        return toDevice.select(userId, deviceId, after, to, limit);
    }

    @Override
    public Mono<Void> acknowledgeToDevice(String userId, String deviceId, long upTo) {
        return toDevice.deleteUpTo(userId, deviceId, upTo).then();
    }

    @Override
    public Mono<OptionalLong> storeReceipt(
            String roomId, String userId, String receiptType, Optional<String> threadId, String eventId, long ts) {
        return transactions.transactional(client.sql(LOCK_RECEIPTS_STREAM)
                .then()
                .then(receipts.upsert(roomId, userId, receiptType, threadId, eventId, ts)));
    }

    @Override
    public Mono<List<StoredReceipt>> receipts(Collection<String> roomIds, long afterExclusive, long toInclusive) {
        return receipts.selectInRooms(roomIds, afterExclusive, toInclusive);
    }

    @Override
    public Mono<Long> storeDeviceListChange(String userId) {
        return transactions.transactional(
                client.sql(LOCK_DEVICE_LIST_STREAM).then().then(deviceListChanges.upsert(userId)));
    }

    @Override
    public Mono<List<String>> deviceListChanges(long afterExclusive, long toInclusive) {
        return deviceListChanges.selectChanged(afterExclusive, toInclusive);
    }

    @Override
    public Mono<Set<String>> usersSharingRooms(String userId, Collection<String> users, long position) {
        return state.selectSharing(userId, users, position);
    }

    @Override
    public Mono<Set<String>> allUsersSharingRooms(String userId, long position) {
        return state.selectAllSharing(userId, position);
    }

    @Override
    public Mono<List<StateSpan>> memberChanges(Collection<String> roomIds, long afterExclusive, long toInclusive) {
        return state.selectMemberChanges(roomIds, afterExclusive, toInclusive);
    }

    @Override
    public Mono<Map<String, Set<String>>> relationTypes(Collection<String> parents) {
        return relations.selectRelTypes(parents);
    }

    @Override
    public Mono<List<Relation>> relations(Collection<String> parents, Collection<String> relTypes) {
        return relations.selectOfTypes(parents, relTypes);
    }

    @Override
    public Mono<List<ThreadSummary>> threads(Collection<String> roots) {
        return relations.selectThreads(roots);
    }

    @Override
    public Mono<List<Relation>> children(
            Collection<String> parents,
            Optional<String> relType,
            Optional<String> type,
            long after,
            long before,
            int limit,
            boolean newestFirst) {
        return relations.selectChildren(parents, relType, type, after, before, limit, newestFirst);
    }

    @Override
    public Mono<List<Map.Entry<String, Long>>> threadRoots(
            String roomId, Optional<String> participant, long before, int limit) {
        return relations.selectThreadRoots(roomId, participant, before, limit);
    }

    @Override
    public Mono<List<DirectoryEntry>> searchUserDirectory(String userId, String term, int limit) {
        return directory.search(userId, term, limit);
    }

    @Override
    public Mono<OptionalLong> setPresence(String userId, String state, Optional<Optional<String>> statusMsg, long now) {
        return writePresence(userId, current -> {
            Optional<String> status = statusMsg.orElseGet(() -> current.flatMap(StoredPresence::statusMsg));
            long lastActive = state.equals("online")
                    ? now
                    : current.map(StoredPresence::lastActiveTs).orElse(now);
            StoredPresence next = new StoredPresence(userId, state, status, lastActive, 0);
            boolean changed = visiblyChanged(current, next);
            return presence.upsert(next, now, false, changed)
                    .map(position -> changed ? OptionalLong.of(position) : OptionalLong.empty());
        });
    }

    @Override
    public Mono<Boolean> touchPresence(String userId, String state, long now) {
        return presence.touch(userId, state, now);
    }

    @Override
    public Mono<Long> setRemotePresence(StoredPresence update, long now) {
        return writePresence(
                update.userId(), current -> presence.upsert(update, now, true, visiblyChanged(current, update)));
    }

    /** {@code write} given the user's stored presence, its row locked, in one transaction serialised like events. */
    private <T> Mono<T> writePresence(String userId, Function<Optional<StoredPresence>, Mono<T>> write) {
        return transactions.transactional(client.sql(LOCK_PRESENCE_STREAM)
                .then()
                .then(presence.selectForUpdate(userId))
                .flatMap(write));
    }

    /** Whether others see a difference: a new row, another state or another status message. */
    private static boolean visiblyChanged(Optional<StoredPresence> current, StoredPresence next) {
        return current.isEmpty()
                || !current.get().state().equals(next.state())
                || !current.get().statusMsg().equals(next.statusMsg());
    }

    @Override
    public Mono<List<Map.Entry<String, Long>>> expirePresence(long offlineBefore, long idleBefore) {
        return transactions.transactional(
                client.sql(LOCK_PRESENCE_STREAM).then().then(presence.expire(offlineBefore, idleBefore)));
    }

    @Override
    public Mono<Optional<StoredPresence>> presence(String userId) {
        return presence.select(userId);
    }

    @Override
    public Mono<List<StoredPresence>> presenceChanges(Collection<String> users, long afterExclusive, long toInclusive) {
        return presence.selectChanged(users, afterExclusive, toInclusive);
    }

    @Override
    public Mono<Void> storePushActions(String eventId, String roomId, long position, PushActionRows rows) {
        return pushActions.insert(eventId, roomId, position, rows);
    }

    @Override
    public Mono<List<PendingPush>> claimPendingPushes(long now, long leaseEnd, int limit) {
        return pendingPushes.claim(now, leaseEnd, limit);
    }

    @Override
    public Mono<Void> deletePendingPush(String eventId, String userId) {
        return pendingPushes.delete(eventId, userId);
    }

    @Override
    public Mono<Void> deferPendingPush(String eventId, String userId, long nextAttemptTs) {
        return pendingPushes.defer(eventId, userId, nextAttemptTs);
    }

    @Override
    public Mono<Map<String, PushActionsTable.RoomCounts>> unreadCounts(String userId, Collection<String> roomIds) {
        return pushActions.counts(userId, roomIds);
    }

    @Override
    public Mono<Void> deleteToDeviceInboxes(String userId, List<String> deviceIds) {
        return toDevice.deleteInboxes(userId, deviceIds);
    }

    @Override
    public Mono<List<EventSearchTable.Match>> search(
            Collection<String> roomIds, List<String> keys, String term, boolean byRank, int offset, int limit) {
        return search.search(roomIds, keys, term, byRank, offset, limit);
    }

    @Override
    public Mono<Long> searchCount(Collection<String> roomIds, List<String> keys, String term) {
        return search.count(roomIds, keys, term);
    }
}
