package dev.lattice.federationapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.RoomserverInputApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionRules;
import java.net.URLEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Events of a room that another server has and this one lacks, fetched, checked as any received PDU
 * ({@link ReceivedPdus}) and given to the roomserver as outliers, each after its auth events. Above all the state
 * before an event whose prev events this server does not hold ({@link #stateBefore}): the oldest event of a
 * {@code /backfill} answer ({@link Backfill}), or a new event beyond a gap that {@code get_missing_events} did not
 * close ({@link InboundTransactions}).
 */
public final class RemoteState {
    private static final Logger log = LoggerFactory.getLogger(RemoteState.class);

    /** How long the other server may take for each request. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The most events of a state fetched one by one ({@code GET /event}); when more are missing, the whole state and
     * its auth chain come in one {@code GET /state} instead.
     */
    static final int MAX_SINGLE_FETCHES = 20;

    private static final int FETCH_CONCURRENCY = 8;

    private final FederationClient client;
    private final ReceivedPdus received;
    private final Supplier<RoomserverInputApi> input;
    private final Supplier<RoomserverQueryApi> query;

    public RemoteState(
            FederationClient client,
            ReceivedPdus received,
            Supplier<RoomserverInputApi> input,
            Supplier<RoomserverQueryApi> query) {
        this.client = requireNonNull(client, "client is null");
        this.received = requireNonNull(received, "received is null");
        this.input = requireNonNull(input, "input is null");
        this.query = requireNonNull(query, "query is null");
    }

    /**
     * The state before {@code eventId} as {@code server} has it ({@code GET /state_ids}), the events of it and of
     * their auth chain that are not held here fetched and stored as outliers first: the state event IDs the
     * roomserver holds, to give it with the event ({@link InputRoomEvent#stateBefore()}). Empty when the server could
     * not answer or named no state held here: no state at all would reject the event for good, so the caller leaves
     * it out instead.
     */
    Mono<List<EventId>> stateBefore(ServerName server, RoomVersionRules rules, RoomId roomId, String eventId) {
        return stateBefore(server, rules, roomId, eventId, REQUEST_TIMEOUT);
    }

    /** As above, each request allowed {@code timeout} (a big room's whole state takes longer than a gap's). */
    Mono<List<EventId>> stateBefore(
            ServerName server, RoomVersionRules rules, RoomId roomId, String eventId, Duration timeout) {
        String path = "/_matrix/federation/v1/state_ids/" + encode(roomId.value()) + "?event_id=" + encode(eventId);
        return client.get(server, path)
                .timeout(timeout)
                .flatMap(answer -> {
                    List<String> stateIds = List.copyOf(FederationJson.strings(answer, "pdu_ids"));
                    Set<String> all = new LinkedHashSet<>(stateIds);
                    all.addAll(FederationJson.strings(answer, "auth_chain_ids"));
                    return HeldEvents.unknown(query.get(), all)
                            .flatMap(missing -> fetchAsOutliers(server, rules, roomId, eventId, missing, timeout))
                            .then(HeldEvents.held(query.get(), stateIds))
                            .map(held -> stateIds.stream()
                                    .filter(id ->
                                            held.containsKey(id) && held.get(id).isState())
                                    .map(EventId::parse)
                                    .toList());
                })
                .filter(state -> !state.isEmpty())
                .onErrorResume(e -> {
                    log.info("state before {} from {} failed: {}", eventId, server, e.getMessage());
                    return Mono.empty();
                });
    }

    /** The {@code missing} events of the state before {@code eventId}: one by one when few, else the whole state. */
    private Mono<Set<String>> fetchAsOutliers(
            ServerName server,
            RoomVersionRules rules,
            RoomId roomId,
            String eventId,
            Set<String> missing,
            Duration timeout) {
        if (missing.isEmpty()) {
            return Mono.just(Set.of());
        }
        if (missing.size() > MAX_SINGLE_FETCHES) {
            String path = "/_matrix/federation/v1/state/" + encode(roomId.value()) + "?event_id=" + encode(eventId);
            return client.get(server, path)
                    .timeout(timeout)
                    .flatMap(answer -> {
                        List<JsonObject> events = new ArrayList<>(FederationJson.objects(answer, "auth_chain"));
                        events.addAll(FederationJson.objects(answer, "pdus"));
                        return checked(server, rules, roomId, events);
                    })
                    .flatMap(events -> outliers(server, rules, roomId, events));
        }
        return Flux.fromIterable(missing)
                .flatMapSequential(
                        id -> client.get(server, "/_matrix/federation/v1/event/" + encode(id))
                                .timeout(REQUEST_TIMEOUT)
                                .flatMapIterable(answer -> FederationJson.objects(answer, "pdus")),
                        FETCH_CONCURRENCY)
                .collectList()
                .flatMap(events -> checked(server, rules, roomId, events))
                // an event must be the one asked for: its ID is its hash, so the server cannot swap it
                .map(events -> events.stream()
                        .filter(event -> missing.contains(event.eventId()))
                        .toList())
                .flatMap(events -> outliers(server, rules, roomId, events));
    }

    /** The events of {@code roomId} among {@code events} that pass the checks on receipt, each once. */
    Mono<List<Pdu>> checked(ServerName server, RoomVersionRules rules, RoomId roomId, List<JsonObject> events) {
        return Flux.fromIterable(events)
                .flatMapSequential(
                        event -> received.check(rules, event).onErrorResume(ReceivedPdus.RejectedPdu.class, e -> {
                            log.info("an event of {} from {} dropped: {}", roomId, server, e.getMessage());
                            return Mono.empty();
                        }),
                        FETCH_CONCURRENCY)
                // (a room version 12 create event has no room_id field: its room is its own ID)
                .filter(pdu -> pdu.roomId().equals(roomId.value()))
                .collectList()
                .map(pdus -> {
                    Map<String, Pdu> byId = new LinkedHashMap<>();
                    pdus.forEach(pdu -> byId.putIfAbsent(pdu.eventId(), pdu));
                    return List.copyOf(byId.values());
                });
    }

    /** Gives {@code events} to the roomserver as outliers, each after its auth events; the IDs it holds accepted. */
    Mono<Set<String>> outliers(ServerName server, RoomVersionRules rules, RoomId roomId, List<Pdu> events) {
        return outliers(input.get(), server, rules, roomId, events);
    }

    /** As {@link #outliers(ServerName, RoomVersionRules, RoomId, List)}, through {@code input}. */
    static Mono<Set<String>> outliers(
            RoomserverInputApi input,
            ServerName server,
            RoomVersionRules rules,
            RoomId roomId,
            Collection<Pdu> events) {
        List<String> pdus = EventOrder.byAuthEvents(events).stream()
                .map(pdu -> new String(pdu.bytes(), UTF_8))
                .toList();
        return input.inputOutliers(roomId, rules.id(), pdus, server)
                .map(held -> held.stream().map(EventId::value).collect(Collectors.toSet()));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, UTF_8);
    }
}
