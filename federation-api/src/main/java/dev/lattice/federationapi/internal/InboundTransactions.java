package dev.lattice.federationapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.Topics;
import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.RoomserverInputApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.federationapi.storage.FederationApiDatabase;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.event.PduException;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusJson;
import java.net.URLEncoder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code PUT /_matrix/federation/v1/send/{txnId}}
 * (<a href="https://spec.matrix.org/v1.19/server-server-api/#put_matrixfederationv1sendtxnid">spec</a>): each PDU
 * checked ({@link ReceivedPdus}) and given to the roomserver in order, with its own result; one bad PDU never fails
 * the others. Typing, receipt, presence and to-device EDUs go onto the bus for the syncapi, device-list and signing-key updates
 * onto {@code keyserver.input} for the keyserver. A room's server ACL applies to each PDU (a denied origin's PDU is
 * answered with an error) and to typing and receipts (dropped). The answer is stored per (origin, txnId): a retried transaction gets
 * it again and nothing is processed twice.
 *
 * <p>A PDU whose {@code prev_events} are unknown here gets them through {@code get_missing_events} from the origin
 * (up to {@value #MISSING_EVENTS_LIMIT}, oldest first); where the gap is wider, the state at the gap from the origin
 * ({@code /state_ids}, then the events not held here). See {@link #receiveChecked}.
 *
 * <p>The PDUs are checked in order and each is given to the roomserver without waiting for the verdicts of those
 * before it ({@link InFlight}): the roomserver decides a room's inputs in the order they were submitted, one after
 * another with no round trip between them, and rooms side by side. Only a PDU whose prev events are missing waits
 * for the earlier ones to be decided, so that the gap it fetches starts where the room is.
 */
public final class InboundTransactions {
    private static final Logger log = LoggerFactory.getLogger(InboundTransactions.class);
    private final ServerName us;
    private final ServerAcls acls;
    static final int MAX_PDUS = 50;
    static final int MAX_EDUS = 100;
    static final int MISSING_EVENTS_LIMIT = 10;
    static final int MAX_STATE_FETCHES = 3;

    private final FederationApiDatabase database;
    private final ReceivedPdus received;
    private final RemoteState remoteState;
    private final FederationClient client;
    private final Supplier<RoomserverInputApi> input;
    private final Supplier<RoomserverQueryApi> query;
    private final Bus bus;
    private final Clock clock;

    public InboundTransactions(
            ServerName us,
            ServerAcls acls,
            FederationApiDatabase database,
            ReceivedPdus received,
            RemoteState remoteState,
            FederationClient client,
            Supplier<RoomserverInputApi> input,
            Supplier<RoomserverQueryApi> query,
            Bus bus,
            Clock clock) {
        this.us = requireNonNull(us, "us is null");
        this.acls = requireNonNull(acls, "acls is null");
        this.bus = requireNonNull(bus, "bus is null");
        this.database = requireNonNull(database, "database is null");
        this.received = requireNonNull(received, "received is null");
        this.remoteState = requireNonNull(remoteState, "remoteState is null");
        this.client = requireNonNull(client, "client is null");
        this.input = requireNonNull(input, "input is null");
        this.query = requireNonNull(query, "query is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The transaction {@code txnId} from {@code origin}; the answer's {@code pdus} map has a result per PDU. */
    public Mono<JsonObject> receive(ServerName origin, String txnId, JsonObject body) {
        List<JsonObject> pdus = FederationJson.objects(body, "pdus");
        int edus = body.getArray("edus").map(JsonArray::size).orElse(0);
        if (pdus.size() > MAX_PDUS || edus > MAX_EDUS) {
            return Mono.error(new MatrixException(
                    ErrorCode.BAD_JSON,
                    "A transaction carries at most " + MAX_PDUS + " PDUs and " + MAX_EDUS + " EDUs"));
        }
        return database.receivedTransaction(origin, txnId).flatMap(stored -> {
            if (stored.isPresent()) {
                return Mono.just(CanonicalJson.parseObject(stored.get()));
            }
            InFlight inFlight = new InFlight();
            return Flux.fromIterable(pdus)
                    .concatMap(pdu -> receivePdu(origin, pdu, inFlight))
                    .collectList()
                    .flatMap(pending -> Flux.concat(pending).collectList())
                    .flatMap(results -> receiveEdus(origin, FederationJson.objects(body, "edus"))
                            .thenReturn(results))
                    .flatMap(results -> {
                        Map<String, CanonicalJsonValue> byEvent = new LinkedHashMap<>();
                        results.forEach(r -> byEvent.put(r.eventId(), r.result()));
                        JsonObject answer = new JsonObjectBuilder()
                                .put("pdus", JsonObject.of(byEvent))
                                .build();
                        return database.storeReceivedTransaction(
                                        origin, txnId, CanonicalJson.encodeToString(answer), clock.millis())
                                .thenReturn(answer);
                    });
        });
    }

    /**
     * Typing and receipts of {@code origin}'s users in rooms they are joined to, the presence of those joined to a
     * room held here, and their to-device messages to our users, onto the bus the syncapi reads; their device-list and cross-signing changes onto the keyserver's input.
     * Anything else (other EDU types, other servers' users, rooms they are not in) is dropped, as the spec allows.
     */
    private Mono<Void> receiveEdus(ServerName origin, List<JsonObject> edus) {
        return Flux.fromIterable(edus)
                .concatMap(edu -> {
                    JsonObject content = edu.getObject("content").orElse(JsonObject.EMPTY);
                    return switch (edu.getString("edu_type").orElse("")) {
                        case Edus.TYPING ->
                            Mono.justOrEmpty(Edus.parseTyping(content, origin))
                                    .filterWhen(update -> joined(update.roomId(), update.userId())
                                            .zipWith(acls.allows(update.roomId(), origin), Boolean::logicalAnd))
                                    .flatMap(update -> bus.publish(
                                            Topics.EPHEMERAL_TYPING,
                                            update.roomId().value(),
                                            BusJson.encode(update)));
                        case Edus.RECEIPT ->
                            Flux.fromIterable(Edus.parseReceipts(content, origin, clock.millis()))
                                    .filterWhen(update -> joined(update.roomId(), update.userId())
                                            .zipWith(acls.allows(update.roomId(), origin), Boolean::logicalAnd))
                                    .concatMap(update -> bus.publish(
                                            Topics.EPHEMERAL_RECEIPTS,
                                            update.roomId().value(),
                                            BusJson.encode(update)))
                                    .then();
                        case Edus.PRESENCE ->
                            Flux.fromIterable(Edus.parsePresence(content, origin))
                                    .filterWhen(update -> query.get()
                                            .queryJoinedRooms(update.userId())
                                            .map(rooms -> !rooms.isEmpty()))
                                    .concatMap(update -> bus.publish(
                                            Topics.EPHEMERAL_PRESENCE,
                                            update.userId().value(),
                                            BusJson.encode(update)))
                                    .then();
                        case Edus.DIRECT_TO_DEVICE ->
                            Mono.justOrEmpty(Edus.parseDirectToDevice(content, origin, us))
                                    .flatMap(sent -> bus.publish(
                                            Topics.TODEVICE, sent.sender().value(), BusJson.encode(sent)));
                        case Edus.DEVICE_LIST_UPDATE ->
                            Mono.justOrEmpty(Edus.parseDeviceListUpdate(content, origin))
                                    .flatMap(this::publishDeviceListChange);
                        case Edus.SIGNING_KEY_UPDATE ->
                            Mono.justOrEmpty(Edus.parseSigningKeyUpdate(content, origin))
                                    .flatMap(this::publishDeviceListChange);
                        default -> Mono.<Void>empty();
                    };
                })
                .then();
    }

    private Mono<Void> publishDeviceListChange(DeviceListChange change) {
        return bus.publish(Topics.KEYSERVER_INPUT, change.userId().value(), BusJson.encode(change));
    }

    private Mono<Boolean> joined(RoomId roomId, UserId userId) {
        return query.get()
                .queryMembership(roomId, userId)
                .map(m -> m.filter(found -> found.membership().equals("join")).isPresent());
    }

    /** A PDU's entry in the answer: {@code {}} when processed, {@code {"error": ...}} when not. */
    private record Result(String eventId, JsonObject result) {
        static Result ok(String eventId) {
            return new Result(eventId, JsonObject.EMPTY);
        }

        static Result error(String eventId, String error) {
            return new Result(
                    eventId, new JsonObjectBuilder().put("error", error).build());
        }
    }

    /**
     * The PDUs of one transaction given to the roomserver, their verdicts still to come: a later PDU may name them
     * as prev events, since the roomserver decides them first.
     */
    private static final class InFlight {
        private final Set<String> eventIds = new HashSet<>();
        private final List<Mono<Result>> results = new ArrayList<>();

        /** {@code result}, kept for the answer; no verdict in time is this PDU's error, as for one waited for. */
        Mono<Result> add(String eventId, Mono<Result> result) {
            Mono<Result> cached = result.onErrorResume(
                            MatrixException.class, e -> Mono.just(Result.error(eventId, e.getMessage())))
                    .cache();
            eventIds.add(eventId);
            results.add(cached);
            return cached;
        }

        /** Completes when every PDU submitted so far is decided (whatever its verdict). */
        Mono<Void> decided() {
            return Flux.concat(results).then();
        }
    }

    /**
     * One PDU, checked and submitted; completes with its result still to come. PDUs of rooms unknown here, or too
     * malformed to have an event ID, are left out of the answer.
     */
    private Mono<Mono<Result>> receivePdu(ServerName origin, JsonObject raw, InFlight inFlight) {
        RoomId roomId;
        try {
            roomId = RoomId.parse(raw.getString("room_id").orElse(""));
        } catch (InvalidIdException e) {
            log.info("transaction from {}: a PDU without a valid room_id skipped", origin);
            return Mono.empty();
        }
        return query.get().queryRoomVersion(roomId).flatMap(version -> {
            Optional<RoomVersionRules> rules = version.flatMap(RoomVersions::rules);
            if (rules.isEmpty()) {
                log.info("transaction from {}: a PDU for {}, a room not held here, skipped", origin, roomId);
                return Mono.empty();
            }
            String eventId;
            try {
                eventId = Pdu.of(rules.get(), raw).eventId();
            } catch (PduException e) {
                log.info("transaction from {}: a malformed PDU for {} skipped: {}", origin, roomId, e.getMessage());
                return Mono.empty();
            }
            return acls.check(roomId, origin)
                    .then(received.check(rules.get(), raw))
                    .flatMap(pdu -> receiveChecked(origin, rules.get(), pdu, inFlight))
                    .onErrorResume(
                            ReceivedPdus.RejectedPdu.class,
                            e -> Mono.just(Mono.just(Result.error(eventId, e.getMessage()))))
                    .onErrorResume(
                            MatrixException.class, e -> Mono.just(Mono.just(Result.error(eventId, e.getMessage()))));
        });
    }

    /**
     * {@code pdu} into the roomserver after its prev events. Where each is held here or in flight, it is submitted
     * at once and its result comes later. Otherwise, once the PDUs in flight are decided, the missing ones come from
     * {@code origin}: the events between our forward extremities and {@code pdu} through {@code get_missing_events}
     * (up to {@value #MISSING_EVENTS_LIMIT}), each submitted oldest first. Where that leaves a gap (an event whose prev
     * events are neither held nor fetched), the event goes in with the state before it as {@code origin} has it
     * ({@link RemoteState#stateBefore}), the spec's fallback; at most {@value #MAX_STATE_FETCHES} such fetches per
     * PDU. An event that cannot be prepared is not submitted, nor anything after it, so no rejection is stored for
     * want of a fetch and the PDU can come in later; nor is anything after an event the roomserver rejected.
     */
    private Mono<Mono<Result>> receiveChecked(ServerName origin, RoomVersionRules rules, Pdu pdu, InFlight inFlight) {
        return unknown(pdu.prevEvents()).flatMap(missing -> {
            missing.removeAll(inFlight.eventIds);
            if (missing.isEmpty()) {
                return input.get()
                        .submitRoomEvent(InputRoomEvent.received(
                                RoomId.parse(pdu.roomId()), rules.id(), new String(pdu.bytes(), UTF_8), origin))
                        .map(verdict -> inFlight.add(pdu.eventId(), verdict.map(v -> result(pdu, v))));
            }
            return inFlight.decided().then(fillGap(origin, rules, pdu)).map(Mono::just);
        });
    }

    /** {@code pdu} after the events missing before it, fetched from {@code origin} (see {@link #receiveChecked}). */
    private Mono<Result> fillGap(ServerName origin, RoomVersionRules rules, Pdu pdu) {
        return unknown(pdu.prevEvents()).flatMap(missing -> {
            if (missing.isEmpty()) {
                return submit(origin, rules, pdu, null);
            }
            return fetchMissing(origin, rules, pdu)
                    .onErrorResume(e -> {
                        log.info("get_missing_events from {} for {} failed: {}", origin, pdu.eventId(), e.getMessage());
                        return Mono.just(List.of());
                    })
                    .flatMap(fetched -> {
                        List<Pdu> chain = new ArrayList<>(fetched);
                        chain.removeIf(event -> event.eventId().equals(pdu.eventId()));
                        chain.add(pdu);
                        return submitChain(origin, rules, chain);
                    });
        });
    }

    /** The events in order, each after its prev events (see {@link #receiveChecked}); the last one's result. */
    private Mono<Result> submitChain(ServerName origin, RoomVersionRules rules, List<Pdu> chain) {
        Pdu last = chain.getLast();
        Set<String> submitted = new HashSet<>();
        AtomicInteger stateFetches = new AtomicInteger();
        return Flux.fromIterable(chain)
                .concatMap(event -> unknown(event.prevEvents()).flatMap(missing -> {
                    missing.removeAll(submitted);
                    if (missing.isEmpty()) {
                        return submit(origin, rules, event, null);
                    }
                    Result unprepared = Result.error(event.eventId(), "prev_events unknown and not fetched");
                    if (stateFetches.incrementAndGet() > MAX_STATE_FETCHES) {
                        return Mono.just(unprepared);
                    }
                    log.info(
                            "{} in {}: {} prev events not held, taking the state before it from {}",
                            event.eventId(),
                            event.roomId(),
                            missing.size(),
                            origin);
                    return remoteState
                            .stateBefore(origin, rules, RoomId.parse(event.roomId()), event.eventId())
                            .flatMap(state -> submit(origin, rules, event, state))
                            .defaultIfEmpty(unprepared);
                }))
                // an event before the last that failed ends the walk: what follows it would lack its prev events
                .takeWhile(result -> result.result().getString("error").isEmpty()
                        || result.eventId().equals(last.eventId()))
                .doOnNext(result -> submitted.add(result.eventId()))
                .filter(result -> result.eventId().equals(last.eventId()))
                .next()
                .defaultIfEmpty(Result.error(last.eventId(), "prev_events unknown and not fetched"));
    }

    private Mono<Result> submit(ServerName origin, RoomVersionRules rules, Pdu pdu, List<EventId> stateBefore) {
        String json = new String(pdu.bytes(), UTF_8);
        RoomId roomId = RoomId.parse(pdu.roomId());
        return input.get()
                .inputRoomEvent(
                        stateBefore == null
                                ? InputRoomEvent.received(roomId, rules.id(), json, origin)
                                : InputRoomEvent.receivedAfterGap(roomId, rules.id(), json, origin, stateBefore))
                .map(verdict -> result(pdu, verdict));
    }

    private static Result result(Pdu pdu, InputVerdict verdict) {
        return verdict.outcome() == InputVerdict.Outcome.REJECTED
                ? Result.error(pdu.eventId(), verdict.reason())
                : Result.ok(pdu.eventId());
    }

    /** The IDs among {@code eventIds} that the roomserver does not hold. */
    private Mono<Set<String>> unknown(Collection<String> eventIds) {
        return HeldEvents.unknown(query.get(), eventIds);
    }

    /** {@code get_missing_events} from {@code origin} between our forward extremities and {@code pdu}, by depth. */
    private Mono<List<Pdu>> fetchMissing(ServerName origin, RoomVersionRules rules, Pdu pdu) {
        RoomId roomId = RoomId.parse(pdu.roomId());
        return query.get()
                .queryLatestEvents(roomId, Set.of())
                .flatMap(latest -> {
                    List<String> earliest = latest.map(l ->
                                    l.prevEvents().stream().map(EventId::value).toList())
                            .orElse(List.of());
                    JsonObject request = new JsonObjectBuilder()
                            .putStrings("earliest_events", earliest)
                            .putStrings("latest_events", List.of(pdu.eventId()))
                            .put("limit", MISSING_EVENTS_LIMIT)
                            .put("min_depth", 0)
                            .build();
                    return client.post(
                            origin,
                            "/_matrix/federation/v1/get_missing_events/" + URLEncoder.encode(roomId.value(), UTF_8),
                            request);
                })
                .flatMap(answer -> remoteState.checked(origin, rules, roomId, FederationJson.objects(answer, "events")))
                .map(events -> events.stream()
                        .sorted(Comparator.comparingLong(Pdu::depth))
                        .toList());
    }
}
