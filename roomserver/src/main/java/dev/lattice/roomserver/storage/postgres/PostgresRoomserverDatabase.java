package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.Topics;
import dev.lattice.api.roomserver.PartialStateRoom;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.roomserver.storage.CurrentStateRow;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventWrite;
import dev.lattice.roomserver.storage.OutsideMembership;
import dev.lattice.roomserver.storage.RoomRow;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import dev.lattice.roomserver.storage.StateSnapshot;
import dev.lattice.runtime.outbox.Outbox;
import dev.lattice.runtime.outbox.OutboxRecord;
import dev.lattice.runtime.outbox.OutboxWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link RoomserverDatabase} over PostgreSQL, one table class per table. */
public final class PostgresRoomserverDatabase implements RoomserverDatabase {
    /** State entries held in loaded snapshots: at about 150 bytes each, some 40 MB at most. */
    private static final long SNAPSHOT_CACHE_ENTRIES = 250_000;
    /** Rooms whose rows are cached, at about 300 bytes each. */
    private static final int ROOM_CACHE_SIZE = 10_000;
    /** Events whose state snapshot is cached, at about 150 bytes each. */
    private static final int STATE_AFTER_CACHE_SIZE = 50_000;

    private final Outbox outbox;
    private final int maxSnapshotChain;
    private final RoomsTable rooms;
    private final EventsTable events;
    private final StateSnapshotsTable snapshots;
    private final StateSnapshotEntriesTable snapshotEntries;
    private final CurrentStateTable currentState;
    private final ForwardExtremitiesTable extremities;
    private final SendTransactionsTable sendTransactions;
    private final OutsideMembershipsTable outsideMemberships;
    private final PartialStateEventsTable partialStateEvents;
    private final SnapshotCache snapshotCache = new SnapshotCache(SNAPSHOT_CACHE_ENTRIES);
    /** Each room's latest, when this process is the only writer; null otherwise. */
    private final RememberedLatest remembered;
    /**
     * Rooms read before: a room's row never changes once committed (its ID, version and create event), so a room
     * found once is not read again. Only committed rows are cached (read, not written here: a write may roll back).
     * Except a partial room's row, which changes once (when the state is complete) and is never cached; a row cached
     * before this server's join made it partial is forgotten when that join is stored.
     */
    private final Map<String, RoomRow> roomCache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RoomRow> eldest) {
            return size() > ROOM_CACHE_SIZE;
        }
    };

    /**
     * The state snapshot after events stored with state: set when the event is stored and never changed (only an
     * outlier, which has none, gains state later), so the snapshot a new event's prev events name is not read again.
     */
    private final Map<String, Long> stateAfterCache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > STATE_AFTER_CACHE_SIZE;
        }
    };

    /**
     * @param maxSnapshotChain the most deltas between a snapshot and its full ancestor: every this many state
     *     changes a full snapshot is written, which bounds what loading a state reads
     * @param outbox the roomserver schema's outbox, on the connection factory {@code client} uses
     */
    public PostgresRoomserverDatabase(DatabaseClient client, Outbox outbox, int maxSnapshotChain) {
        this(client, outbox, maxSnapshotChain, false);
    }

    /**
     * @param onlyWriter whether this process is the only writer of the roomserver schema (the all-in-one), so that
     *     what a new event is built from ({@link #latest}) is remembered and kept up to date by its own writes
     */
    public PostgresRoomserverDatabase(DatabaseClient client, Outbox outbox, int maxSnapshotChain, boolean onlyWriter) {
        requireNonNull(client, "client is null");
        this.remembered = onlyWriter ? new RememberedLatest(ROOM_CACHE_SIZE) : null;
        this.outbox = requireNonNull(outbox, "outbox is null");
        if (maxSnapshotChain < 1) {
            throw new IllegalArgumentException("maxSnapshotChain must be positive");
        }
        this.maxSnapshotChain = maxSnapshotChain;
        this.rooms = new RoomsTable(client);
        this.events = new EventsTable(client);
        this.snapshots = new StateSnapshotsTable(client);
        this.snapshotEntries = new StateSnapshotEntriesTable(client);
        this.currentState = new CurrentStateTable(client);
        this.extremities = new ForwardExtremitiesTable(client);
        this.outsideMemberships = new OutsideMembershipsTable(client);
        this.sendTransactions = new SendTransactionsTable(client);
        this.partialStateEvents = new PartialStateEventsTable(client);
    }

    @Override
    public Mono<Optional<RoomRow>> room(String roomId) {
        RoomRow cached;
        synchronized (roomCache) {
            cached = roomCache.get(roomId);
        }
        if (cached != null) {
            return Mono.just(Optional.of(cached));
        }
        return rooms.select(roomId)
                .doOnNext(found -> found.filter(row -> !row.partialState()).ifPresent(row -> {
                    synchronized (roomCache) {
                        roomCache.put(roomId, row);
                    }
                }));
    }

    @Override
    public Mono<List<PartialStateRoom>> partialStateRooms() {
        return rooms.selectPartial();
    }

    @Override
    public Mono<Optional<EventRow>> event(String eventId) {
        return events.select(eventId);
    }

    @Override
    public Mono<Optional<EventRow>> eventAtTimestamp(String roomId, long ts, boolean forwards) {
        return events.selectAtTimestamp(roomId, ts, forwards);
    }

    @Override
    public Mono<Map<String, EventRow>> events(Collection<String> eventIds) {
        return events.select(eventIds).map(PostgresRoomserverDatabase::byId);
    }

    @Override
    public Mono<Map<String, Long>> statesAfter(Collection<String> eventIds, boolean partialRoom) {
        Map<String, Long> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        if (partialRoom) {
            missing.addAll(eventIds); // replaced when the state is complete: never cached
        } else {
            synchronized (stateAfterCache) {
                for (String id : eventIds) {
                    Long cached = stateAfterCache.get(id);
                    if (cached != null) {
                        found.put(id, cached);
                    } else {
                        missing.add(id);
                    }
                }
            }
        }
        if (missing.isEmpty()) {
            return Mono.just(found);
        }
        return events.select(missing).map(rows -> {
            rows.forEach(row -> {
                if (row.stateAfterNid() != null) {
                    found.put(row.eventId(), row.stateAfterNid());
                    if (!partialRoom) {
                        noteStateAfter(row);
                    }
                }
            });
            return found;
        });
    }

    /** Caches the state after a committed event with state. */
    private void noteStateAfter(EventRow row) {
        if (row.stateAfterNid() != null) {
            synchronized (stateAfterCache) {
                stateAfterCache.put(row.eventId(), row.stateAfterNid());
            }
        }
    }

    @Override
    public Mono<Map<String, EventRow>> eventsWithAuthChains(Collection<String> eventIds) {
        return events.selectAuthChain(eventIds).map(PostgresRoomserverDatabase::byId);
    }

    @Override
    public Mono<Set<String>> authChainIds(Collection<String> eventIds) {
        return events.selectAuthChainIds(eventIds);
    }

    private static Map<String, EventRow> byId(List<EventRow> rows) {
        return rows.stream().collect(Collectors.toMap(EventRow::eventId, Function.identity()));
    }

    @Override
    public Mono<StateSnapshot> snapshot(long snapshotNid) {
        StateSnapshot cached = snapshotCache.get(snapshotNid);
        if (cached != null) {
            return Mono.just(cached);
        }
        return snapshots.selectChain(snapshotNid).flatMap(chain -> {
            if (chain.isEmpty()) {
                return Mono.error(new IllegalStateException("no state snapshot " + snapshotNid));
            }
            List<Long> nids = chain.stream()
                    .map(StateSnapshotsTable.ChainLink::snapshotNid)
                    .toList();
            return snapshotEntries.select(nids).collectList().map(entries -> {
                Map<Long, List<StateSnapshotEntriesTable.Entry>> byNid =
                        entries.stream().collect(Collectors.groupingBy(StateSnapshotEntriesTable.Entry::snapshotNid));
                Map<StateKey, String> state = new HashMap<>();
                for (StateSnapshotsTable.ChainLink link : chain) { // the full snapshot first, then each delta
                    for (var entry : byNid.getOrDefault(link.snapshotNid(), List.of())) {
                        if (entry.eventId() == null) {
                            state.remove(entry.key());
                        } else {
                            state.put(entry.key(), entry.eventId());
                        }
                    }
                }
                StateSnapshot loaded =
                        new StateSnapshot(snapshotNid, chain.getLast().chainLength(), state);
                snapshotCache.put(loaded);
                return loaded;
            });
        });
    }

    @Override
    public Mono<Map<StateKey, String>> currentState(String roomId) {
        return currentState
                .selectRoom(roomId)
                .map(rows -> rows.stream().collect(Collectors.toMap(CurrentStateRow::key, CurrentStateRow::eventId)));
    }

    @Override
    public Mono<Map<StateKey, String>> currentState(String roomId, Collection<StateKey> keys) {
        return currentState
                .selectKeys(roomId, keys)
                .map(rows -> rows.stream().collect(Collectors.toMap(CurrentStateRow::key, CurrentStateRow::eventId)));
    }

    @Override
    public Mono<Latest> latest(String roomId, Collection<StateKey> keys) {
        if (remembered == null) {
            return currentState.selectLatest(roomId, keys);
        }
        return Mono.defer(() -> {
            Optional<Latest> known = remembered.get(roomId, keys);
            if (known.isPresent()) {
                return Mono.just(known.get());
            }
            long start = remembered.readStarts();
            return currentState.selectLatest(roomId, keys).doOnNext(read -> remembered.read(roomId, start, keys, read));
        });
    }

    /**
     * {@code write} of the room, told to {@link #remembered} (when there is one): when it starts, and when it ends,
     * with what it changed ({@code changes}, called with its result), or as unknown if it did not succeed.
     */
    private <T> Mono<T> remembering(String roomId, Mono<T> write, BiConsumer<RememberedLatest, T> changes) {
        if (remembered == null) {
            return write;
        }
        return Mono.defer(() -> {
            remembered.writeStarts(roomId);
            AtomicBoolean told = new AtomicBoolean();
            Runnable unknown = () -> {
                if (told.compareAndSet(false, true)) {
                    remembered.writtenUnknown(roomId);
                }
            };
            // Before the signal goes on, so the caller sees the write's end only once it is noted: a failed write's
            // room is forgotten before the caller can read it again.
            return write.doOnEach(signal -> {
                        if (signal.isOnNext() && told.compareAndSet(false, true)) {
                            changes.accept(remembered, signal.get());
                        } else if (signal.isOnError() || signal.isOnComplete()) {
                            unknown.run();
                        }
                    })
                    .doOnCancel(unknown);
        });
    }

    @Override
    public Mono<List<CurrentStateRow>> currentStateRows(String roomId) {
        return currentState.selectRoom(roomId);
    }

    @Override
    public Mono<Set<String>> joinedServers(String roomId) {
        return currentState.selectJoinedServers(roomId);
    }

    @Override
    public Mono<Optional<CurrentStateRow>> currentStateEntry(String roomId, StateKey key) {
        return currentState.select(roomId, key);
    }

    @Override
    public Mono<List<CurrentStateRow>> memberships(String userId, String membership) {
        return currentState.selectMemberships(userId, membership);
    }

    @Override
    public Mono<Optional<String>> transactionEvent(SendTransaction transaction, String roomId) {
        return sendTransactions.select(transaction, roomId);
    }

    @Override
    public Mono<Prior> prior(
            String eventId, Optional<SendTransaction> transaction, String roomId, boolean withExtremities) {
        return events.selectPrior(eventId, transaction, roomId, withExtremities);
    }

    @Override
    public Mono<Boolean> joinedSince(String roomId, String userId, long eventNid) {
        return events.joinedSince(roomId, userId, eventNid);
    }

    @Override
    public Mono<Optional<OutsideMembership>> outsideMembership(String roomId, String userId) {
        return outsideMemberships.select(roomId, userId);
    }

    @Override
    public Mono<Void> storeOutsideMembership(OutsideMembership membership, byte[] output) {
        return outbox.inTransaction(writer -> outsideMemberships
                        .upsert(membership)
                        .then(writer.enqueue(Topics.ROOMSERVER_OUTPUT, membership.roomId(), output)))
                .then();
    }

    @Override
    public Mono<EventRow> store(EventWrite write) {
        // Compared once: the states are whole rooms' states.
        boolean baseIsStateBefore =
                write.stateBase() != null && write.stateBase().state().equals(write.stateBefore());
        Mono<EventRow> stored = writesEventAlone(write, baseIsStateBefore)
                ? storeAlone(write, baseIsStateBefore)
                : outbox.inTransaction(writer -> write(write, baseIsStateBefore, writer));
        EventRow event = write.event();
        return remembering(
                        event.roomId(),
                        stored,
                        (latest, row) -> latest.written(
                                event.roomId(),
                                write.removesExtremities(),
                                write.addsExtremity()
                                        ? Optional.of(new Extremity(event.eventId(), event.depth()))
                                        : Optional.empty(),
                                write.currentStateAdds().stream()
                                        .collect(Collectors.toMap(
                                                CurrentStateRow::key, CurrentStateRow::eventId, (a, b) -> b)),
                                write.currentStateRemoves()))
                .doOnNext(row -> {
                    if (write.startsPartialState() != null) {
                        forgetRoom(row.roomId()); // cached before the join made it partial
                    }
                    if (!write.partialState()) {
                        noteStateAfter(row);
                    }
                });
    }

    private void forgetRoom(String roomId) {
        synchronized (roomCache) {
            roomCache.remove(roomId);
        }
    }

    @Override
    public Mono<Void> storeEventsOnly(RoomRow newRoom, List<EventRow> rows) {
        if (rows.isEmpty()) {
            return Mono.empty();
        }
        String roomId = rows.getFirst().roomId();
        Mono<Void> room = newRoom != null
                ? rooms.insert(newRoom).then()
                : rooms.lock(roomId).then();
        return outbox.inTransaction(writer ->
                        room.then(events.insertStateless(roomId, rows)).thenReturn(true))
                .then();
    }

    /**
     * Whether the write needs a new state snapshot (before or after its event).
     *
     * @param baseIsStateBefore whether the write's state base is the state before its event (which then needs none)
     */
    private static boolean writesSnapshots(EventWrite write, boolean baseIsStateBefore) {
        return write.stateBefore() != null && (!baseIsStateBefore || write.entersState());
    }

    /**
     * Whether the write changes nothing but the event's row, its send transaction, the forward extremities and the
     * outbox (a message, a rejected event), so {@link EventsTable#insertAlone} stores it in one statement.
     */
    private static boolean writesEventAlone(EventWrite write, boolean baseIsStateBefore) {
        return write.newRoom() == null
                && !writesSnapshots(write, baseIsStateBefore)
                && !write.partialState()
                && write.startsPartialState() == null
                && write.currentStateAdds().isEmpty()
                && write.currentStateRemoves().isEmpty()
                && write.redaction() == null;
    }

    /**
     * Stores a write of {@link #writesEventAlone} in one statement, with no transaction around it. Its outbox rows are
     * published once it completed, which keeps their order because the roomserver's input stores one event of a room
     * at a time ({@link Outbox#inStatement}).
     */
    private Mono<EventRow> storeAlone(EventWrite write, boolean baseIsStateBefore) {
        String roomId = write.event().roomId();
        List<OutboxRecord> records = write.outbox().stream()
                .map(r -> new OutboxRecord(Topics.ROOMSERVER_OUTPUT, roomId, r.payload()))
                .toList();
        return writeState(write, baseIsStateBefore)
                .flatMap(row -> outbox.inStatement(
                                records,
                                statement -> events.insertAlone(
                                        row,
                                        Optional.ofNullable(write.transaction()),
                                        write.removesExtremities(),
                                        write.addsExtremity(),
                                        statement))
                        .thenReturn(row));
    }

    private Mono<EventRow> write(EventWrite write, boolean baseIsStateBefore, OutboxWriter writer) {
        EventRow event = write.event();
        String roomId = event.roomId();
        // One writer per room, even while partitions move between instances: this lock also orders the room's outbox
        // rows as its events were decided. When no snapshot is written first (a message), the event's insert takes it.
        boolean insertLocksRoom = write.newRoom() == null && !writesSnapshots(write, baseIsStateBefore);
        Mono<Void> room = write.newRoom() != null
                ? rooms.insert(write.newRoom()).then()
                : insertLocksRoom ? Mono.empty() : rooms.lock(roomId).then();
        return room.then(writeState(write, baseIsStateBefore))
                .flatMap(row -> events.insert(row, Optional.ofNullable(write.transaction()), insertLocksRoom)
                        .map(nid -> row))
                .flatMap(row -> (write.partialState()
                                ? partialStateEvents.insert(roomId, event.eventId())
                                : Mono.<Void>empty())
                        .then(
                                write.startsPartialState() != null
                                        ? rooms.setPartialState(roomId, event.eventId(), write.startsPartialState())
                                        : Mono.empty())
                        .thenReturn(row))
                .flatMap(row -> extremities
                        .replace(
                                roomId,
                                write.removesExtremities(),
                                write.addsExtremity() ? Optional.of(event.eventId()) : Optional.empty())
                        .then(currentState.delete(roomId, write.currentStateRemoves()))
                        .then(currentState.upsert(roomId, write.currentStateAdds()))
                        .then(
                                write.redaction() != null
                                        ? events.setRedacted(
                                                        write.redaction().targetEventId(),
                                                        write.redaction().redactedPdu(),
                                                        write.redaction().redactionEventId())
                                                .then()
                                        : Mono.empty())
                        .then(Flux.fromIterable(write.outbox())
                                .concatMap(r -> writer.enqueue(Topics.ROOMSERVER_OUTPUT, roomId, r.payload()))
                                .then())
                        .thenReturn(row));
    }

    @Override
    public Mono<Void> completePartialState(
            String roomId,
            Map<StateKey, String> fill,
            List<CurrentStateRow> currentStateAdds,
            List<EventWrite.OutboxRecord> outbox) {
        // The current state gains what the partial state lacked: a room's remembered latest is read again.
        Mono<Boolean> completing = this.outbox.inTransaction(writer -> rooms.lock(roomId)
                .then(partialStateEvents.selectStates(roomId))
                .flatMap(states -> completeSnapshots(roomId, states, fill))
                .flatMap(partialStateEvents::updateStates)
                .then(currentState.upsert(roomId, currentStateAdds))
                .then(rooms.clearPartialState(roomId))
                .then(partialStateEvents.deleteRoom(roomId))
                .then(Flux.fromIterable(outbox)
                        .concatMap(r -> writer.enqueue(Topics.ROOMSERVER_OUTPUT, roomId, r.payload()))
                        .then())
                .thenReturn(true));
        return remembering(roomId, completing, (latest, done) -> latest.writtenUnknown(roomId))
                .doOnSuccess(done -> forgetRoom(roomId))
                .then();
    }

    /**
     * The new snapshots of partial-state events: each old snapshot (events share them) becomes one new snapshot with
     * the entries of {@code fill} it lacks, a delta against the one made just before it (the events come in the order
     * they were decided, so that is mostly its parent), which keeps each delta small.
     */
    private Mono<List<PartialStateEventsTable.States>> completeSnapshots(
            String roomId, List<PartialStateEventsTable.States> states, Map<StateKey, String> fill) {
        Map<Long, StateSnapshot> completed = new HashMap<>();
        StateSnapshot[] last = {null};
        Function<Long, Mono<StateSnapshot>> complete = nid -> {
            StateSnapshot done = completed.get(nid);
            if (done != null) {
                return Mono.just(done);
            }
            return snapshot(nid)
                    .flatMap(old -> {
                        Map<StateKey, String> state = new HashMap<>(fill);
                        state.putAll(old.state());
                        return createSnapshot(roomId, last[0], state);
                    })
                    .doOnNext(created -> {
                        completed.put(nid, created);
                        last[0] = created;
                    });
        };
        return Flux.fromIterable(states)
                .concatMap(s -> complete.apply(s.beforeNid())
                        .flatMap(before -> complete.apply(s.afterNid())
                                .map(after ->
                                        new PartialStateEventsTable.States(s.eventId(), before.nid(), after.nid()))))
                .collectList();
    }

    /**
     * Writes the snapshots before and after the event where they are new; the event row with their IDs.
     *
     * @param baseIsStateBefore whether the write's state base is the state before the event, so no new snapshot
     */
    private Mono<EventRow> writeState(EventWrite write, boolean baseIsStateBefore) {
        EventRow event = write.event();
        if (write.stateBefore() == null) {
            return Mono.just(event.withState(null, null));
        }
        StateSnapshot base = write.stateBase();
        Mono<StateSnapshot> before =
                baseIsStateBefore ? Mono.just(base) : createSnapshot(event.roomId(), base, write.stateBefore());
        return before.flatMap(b -> {
            if (!write.entersState()) {
                return Mono.just(event.withState(b.nid(), b.nid()));
            }
            Map<StateKey, String> after = new HashMap<>(b.state());
            after.put(StateKey.of(event.type(), event.stateKey()), event.eventId());
            return createSnapshot(event.roomId(), b, after).map(a -> event.withState(b.nid(), a.nid()));
        });
    }

    /** A new snapshot: a delta against {@code parent}, or a full one when there is none or its chain is long. */
    private Mono<StateSnapshot> createSnapshot(String roomId, StateSnapshot parent, Map<StateKey, String> state) {
        boolean full = parent == null || parent.chainLength() + 1 >= maxSnapshotChain;
        int chainLength = full ? 0 : parent.chainLength() + 1;
        Map<StateKey, String> entries = full ? state : delta(parent.state(), state);
        return snapshots
                .insert(roomId, full ? null : parent.nid(), chainLength)
                .flatMap(nid -> snapshotEntries.insert(nid, entries).then(Mono.fromCallable(() -> {
                    // Cached as written: the next event of the room most likely starts from it. Should the
                    // transaction roll back, no event names the entry's ID, which is never given out again.
                    StateSnapshot created = new StateSnapshot(nid, chainLength, state);
                    snapshotCache.put(created);
                    return created;
                })));
    }

    /** The changes from {@code from} to {@code to}; a null value removes the key. */
    static Map<StateKey, String> delta(Map<StateKey, String> from, Map<StateKey, String> to) {
        Map<StateKey, String> delta = new HashMap<>();
        to.forEach((key, id) -> {
            if (!id.equals(from.get(key))) {
                delta.put(key, id);
            }
        });
        from.keySet().forEach(key -> {
            if (!to.containsKey(key)) {
                delta.put(key, null);
            }
        });
        return delta;
    }
}
