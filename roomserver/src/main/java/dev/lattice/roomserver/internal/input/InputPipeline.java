package dev.lattice.roomserver.internal.input;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.InputKind;
import dev.lattice.api.roomserver.InputOutliers;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.api.roomserver.PartialStateCompleted;
import dev.lattice.api.roomserver.PartialStateCompletion;
import dev.lattice.api.roomserver.PartialStateStarted;
import dev.lattice.api.roomserver.RedactedEvent;
import dev.lattice.api.roomserver.StateOutliers;
import dev.lattice.protocol.auth.AuthCheck;
import dev.lattice.protocol.auth.AuthEventTypes;
import dev.lattice.protocol.auth.AuthEventsCheck;
import dev.lattice.protocol.auth.AuthEventsSelection;
import dev.lattice.protocol.auth.AuthResult;
import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.RedactionAuthority;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.StateLookup;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.event.PduException;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.stateres.EventLookup;
import dev.lattice.protocol.stateres.StatePartition;
import dev.lattice.protocol.stateres.StateResolution;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import dev.lattice.roomserver.internal.RoomEvents;
import dev.lattice.roomserver.storage.CurrentStateRow;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import dev.lattice.roomserver.storage.EventWrite;
import dev.lattice.roomserver.storage.OutsideMembership;
import dev.lattice.roomserver.storage.RoomRow;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import dev.lattice.roomserver.storage.StateSnapshot;
import dev.lattice.runtime.bus.BusJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The PDU pipeline: the <a href="https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu">
 * checks on receipt</a> as one method per step, then one transaction that stores the decision. Protocol decisions are
 * the pure functions of {@code common/protocol}; this class loads their inputs and persists their outputs.
 *
 * <ol>
 *   <li>{@link #parse}: the room version's event format;
 *   <li>{@link #replayedVerdict}: an event ID already decided gets the same verdict again, with no second output;
 *   <li>{@link #duplicateTransaction}: the same (user, device, txnId) already sent another event;
 *   <li>{@link #verify}: signatures and hashes (a seam: local events only, until federation);
 *   <li>{@link #checkAuthEvents}: the listed auth events, and the auth rules against them;
 *   <li>{@link #stateBefore} and {@link #checkStateBefore}: the auth rules against the state before the event
 *       (resolved when the prev events fork); failing either rejects;
 *   <li>{@link #checkCurrentState}: the auth rules against the current state; failing soft-fails;
 *   <li>{@link #accept}: the new current state, forward extremities, redaction and output, stored at once.
 * </ol>
 *
 * <p>Callers handle one input of a room at a time (the bus does: inputs are keyed by room).
 */
public final class InputPipeline {
    private static final Logger log = LoggerFactory.getLogger(InputPipeline.class);
    // Third-party invites need the identity server keys: refused until that lands (auth rejects them safely).
    private static final AuthVerifiers VERIFIERS = AuthVerifiers.NO_THIRD_PARTY_INVITES;

    private final RoomserverDatabase database;
    private final RoomEvents events;
    private final PduVerifier verifier;
    private final ServerName us;
    private final CurrentStates currentStates = new CurrentStates();

    public InputPipeline(RoomserverDatabase database, RoomEvents events, PduVerifier verifier, ServerName us) {
        this.database = requireNonNull(database, "database is null");
        this.events = requireNonNull(events, "events is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.us = requireNonNull(us, "us is null");
    }

    /**
     * An input being decided: the parsed event and its room.
     *
     * @param extremities the room's forward extremities as read before deciding, if they were
     */
    private record Candidate(
            InputRoomEvent input,
            RoomVersionRules rules,
            Pdu pdu,
            RoomRow room,
            boolean newRoom,
            Optional<List<EventRow>> extremities) {
        /**
         * Whether the event is decided against a partial state: its room's (this server joined it with the members
         * omitted and has not fetched them yet), or its own (that join).
         */
        boolean partialState() {
            return room.partialState() || input.partialStateServers() != null;
        }

        String eventId() {
            return pdu.eventId();
        }

        String roomId() {
            return pdu.roomId();
        }
    }

    /** The state before an event, and the stored snapshot it came from (reused when equal). */
    private record StateBefore(Map<StateKey, String> state, StateSnapshot base) {}

    /**
     * Decides {@code input} and stores the decision. Completes with the verdict once it is committed; fails only on
     * infrastructure errors (the database away), which the caller retries.
     */
    public Mono<InputVerdict> process(InputRoomEvent input) {
        String requestId = input.requestId();
        RoomVersionRules rules;
        Pdu pdu;
        try {
            rules = RoomVersions.rules(input.roomVersion())
                    .orElseThrow(() -> new Rejection(
                            ErrorCode.UNSUPPORTED_ROOM_VERSION,
                            "room version " + input.roomVersion() + " is not supported"));
            pdu = parse(input, rules);
        } catch (Rejection r) {
            log.info("rejected an unparseable input for {}: {}", input.roomId(), r.getMessage());
            return Mono.just(InputVerdict.rejected(requestId, null, r.errorCode(), r.getMessage()));
        }
        // A new event is decided against the room's forward extremities: read with what it is checked against first.
        return database.prior(
                        pdu.eventId(),
                        Optional.ofNullable(input.transaction()),
                        input.roomId().value(),
                        input.kind() == InputKind.NEW)
                .flatMap(prior -> priorVerdict(input, pdu, requestId, prior)
                        .map(Mono::just)
                        .orElseGet(() -> decide(input, rules, pdu, prior.extremities())));
    }

    /** Step 1: the event format of the room version, and the room the input names. */
    private static Pdu parse(InputRoomEvent input, RoomVersionRules rules) {
        return parse(input.pdu(), input.kind(), input.roomId(), rules);
    }

    private static Pdu parse(String text, InputKind kind, RoomId roomId, RoomVersionRules rules) {
        byte[] bytes = text.getBytes(UTF_8);
        Pdu pdu;
        try {
            pdu = kind == InputKind.BACKFILLED ? Pdu.parseBackfilled(rules, bytes) : Pdu.parse(rules, bytes);
        } catch (PduException e) {
            throw new Rejection(ErrorCode.BAD_JSON, "malformed event: " + e.getMessage());
        }
        if (!pdu.roomId().equals(roomId.value())) {
            throw new Rejection(ErrorCode.BAD_JSON, "event is for " + pdu.roomId() + ", input for " + roomId);
        }
        return pdu;
    }

    /**
     * Decides a batch of outliers and stores them in one transaction. Each event gets the checks of an
     * {@link InputKind#OUTLIER} input: its format and room, its signatures, and its auth events, among the stored ones
     * and those of the batch before it. Accepted and rejected events are stored as {@link #process} stores them; an
     * event stored before is left as it is, an event with no room to store it in (the room unknown, its version
     * another) is only logged.
     *
     * @return the verdict whose {@code held} lists the batch's events held here accepted
     */
    public Mono<InputVerdict> processOutliers(InputOutliers batch) {
        Optional<RoomVersionRules> known = RoomVersions.rules(batch.roomVersion());
        if (known.isEmpty()) {
            return Mono.just(InputVerdict.rejected(
                    batch.requestId(),
                    null,
                    ErrorCode.UNSUPPORTED_ROOM_VERSION,
                    "room version " + batch.roomVersion() + " is not supported"));
        }
        RoomVersionRules rules = known.get();
        Map<String, Pdu> pdus = new LinkedHashMap<>();
        for (String text : batch.pdus()) {
            try {
                Pdu pdu = parse(text, InputKind.OUTLIER, batch.roomId(), rules);
                pdus.putIfAbsent(pdu.eventId(), pdu);
            } catch (Rejection r) {
                log.info("rejected an unparseable outlier for {}: {}", batch.roomId(), r.getMessage());
            }
        }
        Set<String> authIds = new HashSet<>();
        pdus.values().forEach(pdu -> authIds.addAll(pdu.authEvents()));
        authIds.removeAll(pdus.keySet());
        return database.room(batch.roomId().value()).flatMap(room -> {
            room.ifPresent(r -> authIds.add(r.createEventId()));
            return Mono.zip(database.events(pdus.keySet()), events.load(rules, authIds))
                    .flatMap(t -> new OutlierBatch(batch, rules, room.orElse(null), t.getT2())
                            .decide(pdus.values(), t.getT1()));
        });
    }

    /** The decisions on one {@link InputOutliers} batch, in order, each seeing the accepted ones before it. */
    private final class OutlierBatch {
        private final InputOutliers batch;
        private final RoomVersionRules rules;
        private final Map<String, Pdu> usable;
        private final List<EventRow> rows = new ArrayList<>();
        private final List<EventId> held = new ArrayList<>();
        private RoomRow room;
        private RoomRow newRoom;

        /** @param usable the accepted stored events the batch's auth events may name, by ID */
        OutlierBatch(InputOutliers batch, RoomVersionRules rules, RoomRow room, Map<String, Pdu> usable) {
            this.batch = batch;
            this.rules = rules;
            this.room = room;
            this.usable = new HashMap<>(usable);
        }

        Mono<InputVerdict> decide(Collection<Pdu> pdus, Map<String, EventRow> stored) {
            long now = System.currentTimeMillis();
            for (Pdu pdu : pdus) {
                EventRow before = stored.get(pdu.eventId());
                if (before != null) {
                    if (before.status() == EventStatus.ACCEPTED) {
                        held.add(pdu.id());
                        // The events after it in the batch may name it: a batch fetched again (the whole state
                        // of a room whose partial state is held here) repeats what is stored.
                        usable.putIfAbsent(pdu.eventId(), pdu);
                    }
                    continue;
                }
                decide(pdu, now);
            }
            return database.storeEventsOnly(newRoom, rows)
                    .thenReturn(InputVerdict.outliersHeld(batch.requestId(), held));
        }

        private void decide(Pdu pdu, long now) {
            boolean isCreate = isCreate(pdu);
            // As process(): no room to store it in, so answered (here: logged) and not stored.
            if (isCreate ? room != null : room == null || !room.roomVersion().equals(rules.id())) {
                log.info("outlier {} has no room to be stored in: {}", pdu.eventId(), room);
                return;
            }
            try {
                verify(pdu, batch.origin());
                checkAuthEvents(rules, pdu, isCreate ? null : room.createEventId(), usable);
            } catch (Rejection r) {
                // A rejected create event creates no room, as in process().
                log.info("rejected outlier {} in {}: {}", pdu.eventId(), pdu.roomId(), r.getMessage());
                rows.add(EventRow.rejected(pdu, InputKind.OUTLIER, r.errorCode(), r.getMessage(), now));
                return;
            }
            if (isCreate) {
                room = newRoom = new RoomRow(pdu.roomId(), rules.id(), pdu.eventId(), now);
            }
            rows.add(EventRow.accepted(pdu, InputKind.OUTLIER, now));
            usable.put(pdu.eventId(), pdu);
            held.add(pdu.id());
        }
    }

    /** Steps 2 and 3: the verdict an earlier input already gave, if any. */
    private static Optional<InputVerdict> priorVerdict(
            InputRoomEvent input, Pdu pdu, String requestId, RoomserverDatabase.Prior prior) {
        return replayedVerdict(input, prior.event(), requestId)
                .or(() -> input.transaction() == null
                        ? Optional.empty()
                        : duplicateTransaction(pdu, prior.transactionEventId(), requestId));
    }

    /**
     * Step 2: an event already decided (a re-delivered input) gets its stored verdict; nothing is stored again. An
     * accepted outlier that comes backfilled is decided again: it gains its state and its place in the timeline.
     */
    private static Optional<InputVerdict> replayedVerdict(
            InputRoomEvent input, Optional<EventRow> stored, String requestId) {
        return stored.filter(row -> !becomesBackfilled(input, row)).map(row -> storedVerdict(row, requestId));
    }

    private static boolean becomesBackfilled(InputRoomEvent input, EventRow stored) {
        return input.kind() == InputKind.BACKFILLED
                && stored.kind() == InputKind.OUTLIER
                && stored.status() == EventStatus.ACCEPTED;
    }

    static InputVerdict storedVerdict(EventRow row, String requestId) {
        EventId id = new EventId(row.eventId());
        return switch (row.status()) {
            case ACCEPTED -> InputVerdict.accepted(requestId, id);
            case SOFT_FAILED -> InputVerdict.softFailed(requestId, id, row.rejectReason());
            case REJECTED ->
                InputVerdict.rejected(requestId, id, ErrorCode.of(row.rejectErrcode()), row.rejectReason());
        };
    }

    /** Step 3: the txnId idempotency of docs/architecture.md §7, against the event the transaction sent. */
    private static Optional<InputVerdict> duplicateTransaction(Pdu pdu, Optional<String> sent, String requestId) {
        return sent.filter(id -> !id.equals(pdu.eventId()))
                .map(id -> InputVerdict.duplicateTransaction(requestId, pdu.id(), new EventId(id)));
    }

    /** @param extremities the room's forward extremities, when read before (for a new event) */
    private Mono<InputVerdict> decide(
            InputRoomEvent input, RoomVersionRules rules, Pdu pdu, Optional<List<EventRow>> extremities) {
        if (input.kind() == InputKind.OUTSIDE_MEMBERSHIP) {
            return outsideMembership(input, rules, pdu);
        }
        return room(input, rules, pdu, extremities)
                .flatMap(candidate -> {
                    verify(candidate.pdu(), candidate.input().origin());
                    return checkAuthEvents(candidate)
                            .then(
                                    input.kind() == InputKind.OUTLIER
                                            ? storeOutlier(candidate)
                                            : Mono.defer(() -> decideWithState(candidate)))
                            .onErrorResume(Rejection.class, r -> storeRejected(candidate, r));
                })
                .onErrorResume(Rejection.class, r -> {
                    // No room to store it in: answered, not stored.
                    log.info("rejected {}: {}", pdu.eventId(), r.getMessage());
                    return Mono.just(InputVerdict.rejected(input.requestId(), pdu.id(), r.errorCode(), r.getMessage()));
                });
    }

    /**
     * Steps 5–7 for an event with state: the state before it (failing rejects), then for a new event the current
     * state (failing soft-fails), then storing it.
     */
    private Mono<InputVerdict> decideWithState(Candidate candidate) {
        return stateBefore(candidate)
                .flatMap(before -> checkStateBefore(candidate, before)
                        .then(
                                candidate.input().kind() == InputKind.NEW
                                        ? current(candidate, before)
                                        : Mono.just(Current.UNREAD))
                        .flatMap(current -> checkCurrentState(candidate, before, current)
                                .flatMap(softFail -> softFail.isPresent()
                                        ? storeSoftFailed(candidate, before, softFail.get())
                                        : accept(candidate, before, current))));
    }

    /**
     * A membership of our user in a room not held here: stored by itself, replacing the user's previous one there,
     * and published with that membership as the whole state delta. Refused for a room held here (its memberships
     * come as its events) and for anything but a membership event; the same event again changes nothing.
     */
    private Mono<InputVerdict> outsideMembership(InputRoomEvent input, RoomVersionRules rules, Pdu pdu) {
        String requestId = input.requestId();
        Optional<String> membership = pdu.content().getString("membership");
        if (!pdu.type().equals(AuthEventTypes.MEMBER) || pdu.stateKey().isEmpty() || membership.isEmpty()) {
            return Mono.just(InputVerdict.rejected(requestId, pdu.id(), ErrorCode.BAD_JSON, "not a membership event"));
        }
        String userId = pdu.stateKey().get();
        return database.room(pdu.roomId()).flatMap(held -> {
            if (held.isPresent()) {
                return Mono.just(InputVerdict.rejected(
                        requestId, pdu.id(), ErrorCode.FORBIDDEN, "the room is held here: its events come through it"));
            }
            return database.outsideMembership(pdu.roomId(), userId).flatMap(previous -> {
                if (previous.filter(p -> p.eventId().equals(pdu.eventId())).isPresent()) {
                    return Mono.just(InputVerdict.accepted(requestId, pdu.id()));
                }
                NewRoomEvent output = new NewRoomEvent(
                        RoomId.parse(pdu.roomId()),
                        rules.id(),
                        pdu.id(),
                        new String(pdu.bytes(), UTF_8),
                        List.of(pdu.id()),
                        previous.map(p -> List.of(EventId.parse(p.eventId()))).orElse(List.of()),
                        null,
                        false);
                OutsideMembership row = new OutsideMembership(
                        pdu.roomId(),
                        userId,
                        pdu.eventId(),
                        membership.get(),
                        rules.id(),
                        pdu.bytes(),
                        System.currentTimeMillis());
                return database.storeOutsideMembership(row, BusJson.encode(output))
                        .thenReturn(InputVerdict.accepted(requestId, pdu.id()));
            });
        });
    }

    /** The room: a new one for a create event, else the stored one, whose version must be the input's. */
    private Mono<Candidate> room(
            InputRoomEvent input, RoomVersionRules rules, Pdu pdu, Optional<List<EventRow>> extremities) {
        boolean isCreate = isCreate(pdu);
        return database.room(pdu.roomId()).map(existing -> {
            if (isCreate && existing.isPresent() && input.kind() == InputKind.BACKFILLED) {
                // The create event of a room joined over federation, held as an outlier, backfilled at last.
                if (!existing.get().createEventId().equals(pdu.eventId())) {
                    throw new Rejection(ErrorCode.FORBIDDEN, "room " + pdu.roomId() + " has another create event");
                }
                return new Candidate(input, rules, pdu, existing.get(), false, extremities);
            }
            if (isCreate) {
                if (existing.isPresent()) {
                    throw new Rejection(ErrorCode.ROOM_IN_USE, "room " + pdu.roomId() + " already exists");
                }
                return new Candidate(
                        input,
                        rules,
                        pdu,
                        new RoomRow(pdu.roomId(), rules.id(), pdu.eventId(), System.currentTimeMillis()),
                        true,
                        extremities);
            }
            RoomRow room =
                    existing.orElseThrow(() -> new Rejection(ErrorCode.NOT_FOUND, "unknown room " + pdu.roomId()));
            if (!room.roomVersion().equals(rules.id())) {
                throw new Rejection(
                        ErrorCode.BAD_JSON,
                        "room " + pdu.roomId() + " is version " + room.roomVersion() + ", not " + rules.id());
            }
            return new Candidate(input, rules, pdu, room, false, extremities);
        });
    }

    /** Steps 2–3 of the spec: signatures and hashes, through the verifier seam. */
    private void verify(Pdu pdu, ServerName origin) {
        verifier.verify(pdu, origin).ifPresent(failure -> {
            throw new Rejection(ErrorCode.FORBIDDEN, failure);
        });
    }

    /** Step 4: the listed auth events (all known and accepted), and the auth rules against them. */
    private Mono<Void> checkAuthEvents(Candidate candidate) {
        Pdu pdu = candidate.pdu();
        String roomCreateId = candidate.newRoom() ? null : candidate.room().createEventId();
        Set<String> ids = new LinkedHashSet<>(pdu.authEvents());
        if (roomCreateId != null) {
            ids.add(roomCreateId);
        }
        return events.load(candidate.rules(), ids)
                .doOnNext(loaded -> checkAuthEvents(candidate.rules(), pdu, roomCreateId, loaded))
                .then();
    }

    /**
     * Step 4 against {@code usable}, the accepted events at hand by ID.
     *
     * @param roomCreateId the room's create event, which room versions deriving the room ID from it do not list among
     *     the auth events; null for the create event itself
     */
    private static void checkAuthEvents(RoomVersionRules rules, Pdu pdu, String roomCreateId, Map<String, Pdu> usable) {
        List<Pdu> authEvents = new ArrayList<>();
        for (String id : pdu.authEvents()) {
            Pdu authEvent = usable.get(id);
            if (authEvent == null) {
                // NOTSPEC: federation fetches missing auth events first; a local event never lacks them.
                throw new Rejection(ErrorCode.FORBIDDEN, "auth event " + id + " is unknown or was rejected");
            }
            authEvents.add(authEvent);
        }
        require(AuthEventsCheck.check(rules, pdu, authEvents));
        StateLookup lookup = StateLookup.ofEvents(authEvents);
        if (rules.authorization().roomCreateEventIdAsRoomId() && roomCreateId != null) {
            Pdu create = usable.get(roomCreateId);
            if (create == null) {
                throw new Rejection(ErrorCode.FORBIDDEN, "the room's create event is unknown");
            }
            lookup = lookup.withCreate(create);
        }
        require(AuthCheck.check(rules.authorization(), pdu, lookup, VERIFIERS));
    }

    private static void require(AuthResult result) {
        if (!result.allowed()) {
            throw new Rejection(ErrorCode.FORBIDDEN, result.toString());
        }
    }

    /**
     * The room's forward extremities before a new event, and its current state when known without reading it (else
     * null: read when needed).
     */
    private record Current(Set<String> extremities, Map<StateKey, String> held) {
        /** Not read: for inputs that do not change the current state. */
        static final Current UNREAD = new Current(Set.of(), null);
    }

    /**
     * The forward extremities, and the current state when known: an event whose one prev event is the room's one
     * forward extremity (the usual local event) has the current state as its state before, since a room with one
     * extremity has the state after it as its current state (it became the only one by following every other, which
     * made the state after it the current one). Else {@link #currentStates} may hold it for these extremities.
     */
    private Mono<Current> current(Candidate candidate, StateBefore before) {
        String roomId = candidate.roomId();
        List<String> prevEvents = candidate.pdu().prevEvents();
        return Mono.fromCallable(() -> {
            // Read with the input's prior verdict, as for every new event (the only kind checked against them).
            Set<String> extremities = candidate
                    .extremities()
                    .orElseThrow(() -> new IllegalStateException("a new event's extremities are read before it"))
                    .stream()
                    .map(EventRow::eventId)
                    .collect(Collectors.toSet());
            boolean followsTheOnlyExtremity = candidate.input().stateBefore() == null
                    && extremities.size() == 1
                    && prevEvents.size() == 1
                    && extremities.contains(prevEvents.getFirst());
            return new Current(
                    extremities,
                    followsTheOnlyExtremity
                            ? before.state()
                            : currentStates.get(roomId, extremities).orElse(null));
        });
    }

    /** Step 5a: the state before the event, from the states after its prev events, resolved when they differ. */
    private Mono<StateBefore> stateBefore(Candidate candidate) {
        Pdu pdu = candidate.pdu();
        if (candidate.input().stateBefore() != null) {
            return givenState(candidate.input().stateBefore());
        }
        if (pdu.prevEvents().isEmpty()) {
            if (!isCreate(pdu)) {
                throw new Rejection(ErrorCode.FORBIDDEN, "only a create event has no prev_events");
            }
            return Mono.just(new StateBefore(Map.of(), null));
        }
        return database.statesAfter(pdu.prevEvents(), candidate.room().partialState())
                .flatMap(statesAfter -> {
                    List<Long> snapshotNids = new ArrayList<>();
                    for (String id : pdu.prevEvents()) {
                        Long stateAfter = statesAfter.get(id);
                        if (stateAfter == null) {
                            // NOTSPEC: federation fetches missing prev events first; a local event never lacks
                            // them. Not stored: with the prev event (or the state before) it may be decided later.
                            throw Rejection.undecided(
                                    ErrorCode.FORBIDDEN, "prev event " + id + " is unknown or has no state");
                        }
                        if (!snapshotNids.contains(stateAfter)) {
                            snapshotNids.add(stateAfter);
                        }
                    }
                    return Flux.fromIterable(snapshotNids)
                            .concatMap(database::snapshot)
                            .collectList()
                            .flatMap(snapshots -> {
                                StateSnapshot base = snapshots.getFirst();
                                List<Map<StateKey, String>> sets = snapshots.stream()
                                        .map(StateSnapshot::state)
                                        .toList();
                                return resolve(candidate.rules(), sets, null)
                                        .map(state -> new StateBefore(state, base));
                            });
                });
    }

    /**
     * The state before a join to a room this server did not hold, as the resident server gave it: events stored
     * (as outliers) and accepted, each a state event, one per (type, state key).
     */
    private Mono<StateBefore> givenState(List<EventId> ids) {
        return heldState(ids).map(rows -> {
            Map<StateKey, String> state = new HashMap<>();
            rows.forEach((key, row) -> state.put(key, row.eventId()));
            return new StateBefore(state, null);
        });
    }

    /** The rows of a state another server gave: each held here, accepted, a state event, one per key. */
    private Mono<Map<StateKey, EventRow>> heldState(List<EventId> ids) {
        List<String> eventIds = ids.stream().map(EventId::value).toList();
        return database.events(eventIds).map(rows -> {
            Map<StateKey, EventRow> state = new HashMap<>();
            for (String id : eventIds) {
                EventRow row = rows.get(id);
                if (row == null || row.status() != EventStatus.ACCEPTED || row.stateKey() == null) {
                    throw new Rejection(ErrorCode.FORBIDDEN, "state event " + id + " is unknown, rejected or no state");
                }
                if (state.put(StateKey.of(row.type(), row.stateKey()), row) != null) {
                    throw new Rejection(ErrorCode.FORBIDDEN, "the given state has two events for " + row.type());
                }
            }
            return state;
        });
    }

    /**
     * State resolution of {@code sets}, on a worker thread (it is CPU work); one distinct set needs none.
     *
     * @param unstored the event being decided, when the sets name it (it is not in the database yet); else null
     */
    private Mono<Map<StateKey, String>> resolve(
            RoomVersionRules rules, List<Map<StateKey, String>> sets, Pdu unstored) {
        List<Map<StateKey, String>> distinct = sets.stream().distinct().toList();
        if (distinct.size() == 1) {
            return Mono.just(distinct.getFirst());
        }
        // Only the entries the sets disagree on, with their auth chains, are loaded up front: resolution reads other
        // events (the unconflicted ones its auth checks meet, the power levels' mainline) one by one, loaded when
        // asked for. Loading every state event would make each fork of a big room cost its whole member list.
        Set<String> ids = new HashSet<>(StatePartition.of(distinct).conflicted());
        if (unstored != null) {
            ids.remove(unstored.eventId());
            ids.addAll(unstored.authEvents());
        }
        return database.eventsWithAuthChains(ids)
                .publishOn(Schedulers.boundedElastic())
                .map(rows -> {
                    LoadingLookup lookup = new LoadingLookup(rules);
                    if (unstored != null) {
                        lookup.parsed.put(unstored.eventId(), unstored);
                    }
                    lookup.add(rows);
                    return StateResolution.resolve(
                            rules.stateRes(), rules.authorization(), distinct, lookup, VERIFIERS);
                });
    }

    /**
     * The events of one resolution: those loaded up front, and any other it asks for, loaded then with its auth chain
     * (blocking: resolution is synchronous and runs on a thread that may wait).
     */
    private final class LoadingLookup implements EventLookup {
        private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(30);
        private final RoomVersionRules rules;
        final Map<String, Pdu> parsed = new HashMap<>();
        private final Set<String> rejected = new HashSet<>();
        private final Set<String> absent = new HashSet<>();

        LoadingLookup(RoomVersionRules rules) {
            this.rules = rules;
        }

        void add(Map<String, EventRow> rows) {
            rows.forEach((id, row) -> {
                parsed.computeIfAbsent(id, unused -> events.parse(rules, row));
                if (row.status() == EventStatus.REJECTED) {
                    rejected.add(id);
                }
            });
        }

        @Override
        public Optional<RoomEvent> event(String eventId) {
            if (!parsed.containsKey(eventId) && !absent.contains(eventId)) {
                add(database.eventsWithAuthChains(List.of(eventId)).block(LOAD_TIMEOUT));
                if (!parsed.containsKey(eventId)) {
                    absent.add(eventId);
                }
            }
            return Optional.ofNullable(parsed.get(eventId));
        }

        @Override
        public boolean isRejected(String eventId) {
            event(eventId);
            return rejected.contains(eventId);
        }

        @Override
        public Optional<Set<String>> authChainIds(Collection<String> roots) {
            return Optional.of(database.authChainIds(roots).block(LOAD_TIMEOUT));
        }
    }

    /** Step 5b: the auth rules against the state before the event; failing rejects it. */
    private Mono<Void> checkStateBefore(Candidate candidate, StateBefore before) {
        if (isCreate(candidate.pdu())) {
            return Mono.empty(); // the create event: its rules were checked in step 4
        }
        Mono<Map<StateKey, String>> state =
                candidate.partialState() ? withOwnAuthEvents(candidate, before.state()) : Mono.just(before.state());
        return state.flatMap(s -> authAgainst(candidate, s))
                .doOnNext(InputPipeline::require)
                .then();
    }

    /**
     * The partial state before an event with the event's own auth events where it has no entry (Synapse's rule for
     * partial-state rooms, docs/development/synapse_architecture/faster_joins.md): the partial state lacks the
     * members, so a member's event is judged by the membership it cites, until the state is complete.
     */
    private Mono<Map<StateKey, String>> withOwnAuthEvents(Candidate candidate, Map<StateKey, String> partial) {
        return events.load(
                        candidate.rules(), new LinkedHashSet<>(candidate.pdu().authEvents()))
                .map(authEvents -> {
                    Map<StateKey, String> state = new HashMap<>(partial);
                    authEvents
                            .values()
                            .forEach(authEvent -> authEvent
                                    .stateKey()
                                    .ifPresent(key -> state.putIfAbsent(
                                            StateKey.of(authEvent.type(), key), authEvent.eventId())));
                    return state;
                });
    }

    private Mono<AuthResult> authAgainst(Candidate candidate, Map<StateKey, String> state) {
        RoomVersionRules rules = candidate.rules();
        Set<StateKey> keys = AuthEventsSelection.forEvent(rules, candidate.pdu());
        return events.lookup(rules, state, keys)
                .map(lookup -> AuthCheck.check(rules.authorization(), candidate.pdu(), lookup, VERIFIERS));
    }

    private boolean isOwnJoinWithState(InputRoomEvent input) {
        return input.stateBefore() != null
                && input.kind() == InputKind.NEW
                && input.origin().equals(us);
    }

    /** Step 6: the auth rules against the current state; failing soft-fails the event (the reason). */
    private Mono<Optional<String>> checkCurrentState(Candidate candidate, StateBefore before, Current current) {
        // Our own join with the state given has no current state to be checked against: it is what starts it here.
        // (An event received beyond a gap also comes with its state, and is checked as any other.)
        // Nor is any event while the state is partial: the current state lacks the members, which would soft-fail
        // the events of every member whose membership this server has not seen yet.
        if (candidate.input().kind() != InputKind.NEW
                || candidate.newRoom()
                || isOwnJoinWithState(candidate.input())
                || candidate.partialState()) {
            return Mono.just(Optional.empty());
        }
        // The auth rules read only the event's auth keys: where the current state agrees with the state before at
        // those, the answer is the one step 5 gave. Only those entries are read, not a large room's whole state.
        Set<StateKey> keys = AuthEventsSelection.forEvent(candidate.rules(), candidate.pdu());
        Map<StateKey, String> beforeAtKeys = atKeys(before.state(), keys);
        Mono<Map<StateKey, String>> currentAtKeys = current.held() != null
                ? Mono.just(atKeys(current.held(), keys))
                : database.currentState(candidate.roomId(), keys);
        return currentAtKeys.flatMap(currentState -> currentState.equals(beforeAtKeys)
                ? Mono.just(Optional.<String>empty())
                : authAgainst(candidate, currentState)
                        .map(result -> result.allowed()
                                ? Optional.<String>empty()
                                : Optional.of("not allowed by the current state: " + result)));
    }

    /** The entries of {@code state} at {@code keys} (those it has). */
    private static Map<StateKey, String> atKeys(Map<StateKey, String> state, Set<StateKey> keys) {
        Map<StateKey, String> entries = new HashMap<>();
        keys.forEach(key -> {
            String id = state.get(key);
            if (id != null) {
                entries.put(key, id);
            }
        });
        return entries;
    }

    private Mono<InputVerdict> storeRejected(Candidate candidate, Rejection rejection) {
        log.info("rejected {} in {}: {}", candidate.eventId(), candidate.roomId(), rejection.getMessage());
        InputVerdict verdict = InputVerdict.rejected(
                candidate.input().requestId(), candidate.pdu().id(), rejection.errorCode(), rejection.getMessage());
        if (!rejection.stored()) {
            return Mono.just(verdict);
        }
        EventRow row = EventRow.rejected(
                candidate.pdu(),
                candidate.input().kind(),
                rejection.errorCode(),
                rejection.getMessage(),
                System.currentTimeMillis());
        Mono<Void> store = Mono.defer(() -> database.store(EventWrite.eventOnly(null, row)))
                .then();
        if (candidate.input().kind() != InputKind.BACKFILLED) {
            return store.thenReturn(verdict);
        }
        // An outlier that failed as a backfilled event stays the outlier it was.
        return database.event(candidate.eventId())
                .flatMap(stored -> stored.isPresent() ? Mono.just(verdict) : store.thenReturn(verdict));
    }

    private Mono<InputVerdict> storeOutlier(Candidate candidate) {
        EventRow row = EventRow.accepted(candidate.pdu(), candidate.input().kind(), System.currentTimeMillis());
        return database.store(EventWrite.eventOnly(candidate.newRoom() ? candidate.room() : null, row))
                .thenReturn(InputVerdict.accepted(
                        candidate.input().requestId(), candidate.pdu().id()));
    }

    private Mono<InputVerdict> storeSoftFailed(Candidate candidate, StateBefore before, String reason) {
        log.info("soft-failed {} in {}: {}", candidate.eventId(), candidate.roomId(), reason);
        EventRow row =
                EventRow.softFailed(candidate.pdu(), candidate.input().kind(), reason, System.currentTimeMillis());
        EventWrite write = new EventWrite(
                null,
                row,
                before.base(),
                before.state(),
                false,
                List.of(),
                false,
                List.of(),
                List.of(),
                candidate.input().transaction(),
                null,
                List.of(),
                candidate.partialState(),
                null);
        return database.store(write)
                .thenReturn(InputVerdict.softFailed(
                        candidate.input().requestId(), candidate.pdu().id(), reason));
    }

    /** Step 7: the event is part of the room; store it with every change it makes, and its output. */
    private Mono<InputVerdict> accept(Candidate candidate, StateBefore before, Current current) {
        Pdu pdu = candidate.pdu();
        boolean isNew = candidate.input().kind() == InputKind.NEW;
        Map<StateKey, String> after = new HashMap<>(before.state());
        pdu.stateKey().ifPresent(key -> after.put(StateKey.of(pdu.type(), key), pdu.eventId()));
        Mono<CurrentStateChange> change =
                isNew ? currentStateChange(candidate, after, current) : Mono.just(CurrentStateChange.NONE);
        return change.flatMap(c -> Mono.zip(
                                redaction(candidate, before).map(Optional::of).defaultIfEmpty(Optional.empty()),
                                outlierStateOutputs(candidate, c))
                        .flatMap(t -> {
                            Optional<EventWrite.AppliedRedaction> redaction = t.getT1();
                            List<EventWrite.OutboxRecord> outbox = new ArrayList<>(t.getT2());
                            if (candidate.input().partialStateServers() != null) {
                                outbox.add(output(pdu, new PartialStateStarted(RoomId.parse(pdu.roomId()), pdu.id())));
                            }
                            outbox.add(output(
                                    pdu,
                                    new NewRoomEvent(
                                            RoomId.parse(pdu.roomId()),
                                            candidate.rules().id(),
                                            EventId.parse(pdu.eventId()),
                                            new String(pdu.bytes(), UTF_8),
                                            c.adds().stream()
                                                    .map(row -> EventId.parse(row.eventId()))
                                                    .toList(),
                                            c.removedEventIds().stream()
                                                    .map(EventId::parse)
                                                    .toList(),
                                            candidate.input().transaction(),
                                            !isNew)));
                            redaction.ifPresent(r -> outbox.add(output(
                                    pdu,
                                    new RedactedEvent(
                                            RoomId.parse(pdu.roomId()),
                                            EventId.parse(r.targetEventId()),
                                            EventId.parse(r.redactionEventId())))));
                            EventWrite write = new EventWrite(
                                    candidate.newRoom() ? candidate.room() : null,
                                    EventRow.accepted(
                                            candidate.pdu(), candidate.input().kind(), System.currentTimeMillis()),
                                    before.base(),
                                    before.state(),
                                    pdu.isState(),
                                    isNew ? pdu.prevEvents() : List.of(),
                                    isNew,
                                    c.adds(),
                                    c.removes(),
                                    candidate.input().transaction(),
                                    redaction.orElse(null),
                                    outbox,
                                    candidate.partialState(),
                                    partialStateServers(candidate.input()));
                            return database.store(write).doOnNext(stored -> {
                                // A partial state is replaced when complete, so never kept as the current one.
                                if (c.next() != null && !candidate.partialState()) {
                                    currentStates.put(candidate.roomId(), c.extremitiesAfter(), c.next());
                                }
                            });
                        }))
                .thenReturn(InputVerdict.accepted(candidate.input().requestId(), pdu.id()));
    }

    /**
     * The outliers the current state gains, published ahead of the event as historical {@link NewRoomEvent}s in
     * {@link StateOutliers} records: the state a join to another server's room starts from was never published, and
     * readers of {@code roomserver.output} must hold those events before the state delta that names them.
     */
    private Mono<List<EventWrite.OutboxRecord>> outlierStateOutputs(Candidate candidate, CurrentStateChange change) {
        if (candidate.input().stateBefore() == null || candidate.input().kind() != InputKind.NEW) {
            return Mono.just(List.of());
        }
        List<String> ids = change.adds().stream()
                .map(CurrentStateRow::eventId)
                .filter(id -> !id.equals(candidate.eventId()))
                .toList();
        return database.events(ids).map(rows -> stateOutliers(candidate.rules(), candidate.roomId(), rows.values()));
    }

    /** {@link StateOutliers} records of the outliers among {@code rows}, oldest first, a few hundred per record. */
    private static List<EventWrite.OutboxRecord> stateOutliers(
            RoomVersionRules rules, String room, Collection<EventRow> rows) {
        RoomId roomId = RoomId.parse(room);
        List<NewRoomEvent> outliers = rows.stream()
                .filter(row -> row.kind() == InputKind.OUTLIER)
                // oldest first, as the room's history had them
                .sorted(Comparator.comparingLong(EventRow::depth).thenComparing(EventRow::eventId))
                .map(row -> new NewRoomEvent(
                        roomId,
                        rules.id(),
                        EventId.parse(row.eventId()),
                        new String(row.pdu(), UTF_8),
                        List.of(),
                        List.of(),
                        null,
                        true,
                        true))
                .toList();
        return SizedBatches.of(outliers, outlier -> outlier.pdu().length(), SizedBatches.MAX_CHARS).stream()
                .map(batch -> new EventWrite.OutboxRecord(
                        batch.getFirst().eventId().value(), BusJson.encode(new StateOutliers(roomId, batch))))
                .toList();
    }

    /**
     * Completes a partial room's state with the whole state before this server's join ({@link PartialStateCompletion}):
     * what the partial state lacked (the keys it has no entry for) is added to every state computed since the join
     * and to the current state. Those entries did not change since the join, or the events that changed them would
     * have put them in the partial states (as they did for the members who joined, left or were kicked meanwhile).
     * The events decided meanwhile keep their verdicts, as in Synapse. The added events that were only outliers are
     * published first ({@link StateOutliers}), then the change ({@link PartialStateCompleted}). A room whose state is
     * complete is left as it is (a replayed input).
     */
    public Mono<InputVerdict> completePartialState(PartialStateCompletion input) {
        String requestId = input.requestId();
        String roomId = input.roomId().value();
        return database.room(roomId).flatMap(found -> {
            if (found.isEmpty() || !found.get().partialState()) {
                log.info("partial state of {} completed already (or the room is unknown)", roomId);
                return Mono.just(InputVerdict.accepted(requestId, input.joinEventId()));
            }
            if (!input.joinEventId().value().equals(found.get().partialStateJoinEventId())) {
                // The state before another join (one this server left since, say): it may lack members who came
                // between the two, so the room waits for the state before its own partial join.
                log.info(
                        "partial state of {} not completed: the state given is before {}, the room's join is {}",
                        roomId,
                        input.joinEventId(),
                        found.get().partialStateJoinEventId());
                return Mono.just(InputVerdict.rejected(
                        requestId,
                        input.joinEventId(),
                        ErrorCode.INVALID_PARAM,
                        "not the room's partial-state join: " + found.get().partialStateJoinEventId()));
            }
            RoomVersionRules rules =
                    RoomVersions.rules(found.get().roomVersion()).orElseThrow();
            return heldState(input.fullStateBeforeJoin())
                    .zipWith(database.currentState(roomId))
                    .flatMap(t -> {
                        Map<StateKey, String> current = t.getT2();
                        Map<StateKey, String> fill = new HashMap<>();
                        List<CurrentStateRow> adds = new ArrayList<>();
                        List<EventRow> added = new ArrayList<>();
                        t.getT1().forEach((key, row) -> {
                            fill.put(key, row.eventId());
                            if (!current.containsKey(key)) {
                                adds.add(new CurrentStateRow(roomId, key, row.eventId(), row.membership()));
                                added.add(row);
                            }
                        });
                        List<EventWrite.OutboxRecord> outbox = new ArrayList<>(stateOutliers(rules, roomId, added));
                        outbox.add(new EventWrite.OutboxRecord(
                                input.joinEventId().value(),
                                BusJson.encode(new PartialStateCompleted(
                                        input.roomId(),
                                        added.stream()
                                                .map(row -> EventId.parse(row.eventId()))
                                                .toList()))));
                        return database.completePartialState(roomId, fill, adds, outbox)
                                .doOnSuccess(done -> log.info(
                                        "completed the partial state of {}: {} entries added to the current state",
                                        roomId,
                                        adds.size()))
                                .thenReturn(InputVerdict.accepted(requestId, input.joinEventId()));
                    })
                    .onErrorResume(Rejection.class, r -> {
                        log.info("partial state of {} not completed: {}", roomId, r.getMessage());
                        return Mono.just(
                                InputVerdict.rejected(requestId, input.joinEventId(), r.errorCode(), r.getMessage()));
                    });
        });
    }

    private static List<String> partialStateServers(InputRoomEvent input) {
        return input.partialStateServers() == null
                ? null
                : input.partialStateServers().stream().map(ServerName::toString).toList();
    }

    private static EventWrite.OutboxRecord output(Pdu pdu, OutputRoomEvent record) {
        return new EventWrite.OutboxRecord(pdu.eventId(), BusJson.encode(record));
    }

    /**
     * How the current state changes: entries set (with memberships) and removed, and the event IDs that left; and,
     * for {@link #currentStates}, the whole next state with the forward extremities it goes with (null for none).
     */
    private record CurrentStateChange(
            List<CurrentStateRow> adds,
            List<StateKey> removes,
            List<String> removedEventIds,
            Map<StateKey, String> next,
            Set<String> extremitiesAfter) {
        static final CurrentStateChange NONE = new CurrentStateChange(List.of(), List.of(), List.of(), null, null);
    }

    /**
     * The new current state: the state after the event when it follows every forward extremity (the usual case for a
     * local event), else the resolution of the state after it with the current state (a fork). The current state is
     * the one {@link #current} knew, else read from the database.
     */
    private Mono<CurrentStateChange> currentStateChange(
            Candidate candidate, Map<StateKey, String> after, Current current) {
        String roomId = candidate.roomId();
        Set<String> remaining = new HashSet<>(current.extremities());
        candidate.pdu().prevEvents().forEach(remaining::remove);
        Set<String> extremitiesAfter = new HashSet<>(remaining);
        extremitiesAfter.add(candidate.eventId());
        return (current.held() != null ? Mono.just(current.held()) : database.currentState(roomId))
                .flatMap(currentState -> (remaining.isEmpty()
                                ? Mono.just(after)
                                : resolve(candidate.rules(), List.of(currentState, after), candidate.pdu()))
                        .flatMap(next -> diff(candidate, currentState, next, extremitiesAfter)));
    }

    private Mono<CurrentStateChange> diff(
            Candidate candidate,
            Map<StateKey, String> current,
            Map<StateKey, String> next,
            Set<String> extremitiesAfter) {
        Map<StateKey, String> added = new HashMap<>();
        next.forEach((key, id) -> {
            if (!id.equals(current.get(key))) {
                added.put(key, id);
            }
        });
        List<StateKey> removes =
                current.keySet().stream().filter(key -> !next.containsKey(key)).toList();
        List<String> removedIds = new ArrayList<>();
        current.forEach((key, id) -> {
            if (!id.equals(next.get(key))) {
                removedIds.add(id);
            }
        });
        Set<String> memberIds = new HashSet<>();
        added.forEach((key, id) -> {
            if (key.type().equals(AuthEventTypes.MEMBER) && !id.equals(candidate.eventId())) {
                memberIds.add(id);
            }
        });
        return database.events(memberIds).map(rows -> {
            List<CurrentStateRow> adds = new ArrayList<>();
            added.forEach((key, id) -> {
                String membership = null;
                if (key.type().equals(AuthEventTypes.MEMBER)) {
                    membership = id.equals(candidate.eventId())
                            ? candidate.pdu().content().getString("membership").orElse(null)
                            : Optional.ofNullable(rows.get(id))
                                    .map(EventRow::membership)
                                    .orElse(null);
                }
                adds.add(new CurrentStateRow(candidate.roomId(), key, id, membership));
            });
            return new CurrentStateChange(adds, removes, removedIds, next, extremitiesAfter);
        });
    }

    /**
     * A redaction that takes effect now: in room versions 1–2 any redaction that passed the auth rules; from version
     * 3 when {@link RedactionAuthority#mayApply} says so (the redact level, or the same server as the original).
     * Empty when the event is no redaction, the target is unknown (NOTSPEC: applied when it arrives, once federation
     * can deliver it), or may not be redacted by this sender.
     */
    private Mono<EventWrite.AppliedRedaction> redaction(Candidate candidate, StateBefore before) {
        Pdu pdu = candidate.pdu();
        Optional<String> target = pdu.redacts();
        if (target.isEmpty()) {
            return Mono.empty();
        }
        RoomVersionRules rules = candidate.rules();
        return database.event(target.get()).flatMap(found -> {
            if (found.isEmpty()
                    || found.get().status() == EventStatus.REJECTED
                    || !found.get().roomId().equals(pdu.roomId())
                    || found.get().redactedBy() != null) {
                return Mono.empty();
            }
            Pdu redacted = events.parse(rules, found.get());
            Mono<Boolean> allowed = rules.authorization().specialCaseRoomRedaction()
                    ? Mono.just(true)
                    : events.lookup(rules, before.state(), Set.of(StateKey.of(AuthEventTypes.POWER_LEVELS, "")))
                            .map(state -> RedactionAuthority.mayApply(rules.authorization(), state, pdu, redacted));
            return allowed.flatMap(ok -> ok
                    ? Mono.just(new EventWrite.AppliedRedaction(
                            redacted.eventId(), redacted.redacted().bytes(), pdu.eventId()))
                    : Mono.empty());
        });
    }

    /** Whether {@code event} is the create event of a room. */
    static boolean isCreate(RoomEvent event) {
        return event.type().equals(AuthEventTypes.CREATE) && event.stateKey().equals(Optional.of(""));
    }
}
