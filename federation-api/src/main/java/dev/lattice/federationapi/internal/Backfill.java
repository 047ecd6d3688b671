package dev.lattice.federationapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.federationapi.BackfillApi;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.RoomserverInputApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * History from before the oldest event held here, for a client paging back ({@link BackfillApi}): {@code GET /backfill}
 * from a server in the room, every event checked as any received one ({@link ReceivedPdus}), then into the roomserver
 * oldest first. An event whose prev events are not in the answer gets the state before it from the same server
 * ({@link RemoteState#stateBefore}), and an event whose auth events are unknown here gets its auth chain
 * ({@code GET /event_auth}); both go in as outliers first, as for a join. An event that could not be prepared so is not
 * given to the roomserver at all, nor are those after it, so a failed fetch never stores a rejection.
 */
public final class Backfill implements BackfillApi {
    private static final Logger log = LoggerFactory.getLogger(Backfill.class);

    /** The most events asked for at once, whatever the caller wants. */
    static final int MAX_LIMIT = 100;
    /** The most servers asked, one after the other, until one has history. */
    private static final int MAX_SERVERS = 3;
    /** The most {@code /state} and {@code /event_auth} requests one backfill makes. */
    private static final int MAX_GAP_REQUESTS = 5;

    private final ServerName us;
    private final FederationClient client;
    private final RemoteState remoteState;
    private final ServerAcls acls;
    private final Supplier<RoomserverInputApi> input;
    private final Supplier<RoomserverQueryApi> query;

    public Backfill(
            ServerName us,
            FederationClient client,
            RemoteState remoteState,
            ServerAcls acls,
            Supplier<RoomserverInputApi> input,
            Supplier<RoomserverQueryApi> query) {
        this.us = requireNonNull(us, "us is null");
        this.client = requireNonNull(client, "client is null");
        this.remoteState = requireNonNull(remoteState, "remoteState is null");
        this.acls = requireNonNull(acls, "acls is null");
        this.input = requireNonNull(input, "input is null");
        this.query = requireNonNull(query, "query is null");
    }

    @Override
    public Mono<List<EventId>> backfill(RoomId roomId, List<EventId> from, int limit) {
        if (from.isEmpty() || limit <= 0) {
            return Mono.just(List.of());
        }
        return query.get().queryRoomVersion(roomId).flatMap(version -> {
            Optional<RoomVersionRules> rules = version.flatMap(RoomVersions::rules);
            if (rules.isEmpty()) {
                return Mono.just(List.<EventId>of());
            }
            StepTimes times = new StepTimes();
            return servers(roomId)
                    .concatMap(server -> fetch(server, rules.get(), roomId, from, Math.min(limit, MAX_LIMIT))
                            .map(events -> new Answer(server, events)))
                    .filter(answer -> !answer.events().isEmpty())
                    .next()
                    .flatMap(answer -> {
                        times.lap(answer.events().size() + " events fetched");
                        return ingest(answer, rules.get(), roomId, times)
                                .doOnNext(accepted -> log.info(
                                        "backfilled {} from {}: {}",
                                        roomId,
                                        answer.server(),
                                        times.lap(accepted.size() + " accepted")));
                    })
                    .defaultIfEmpty(List.of());
        });
    }

    private record Answer(ServerName server, List<Pdu> events) {}

    /** The other servers with joined members, the most members first, those the room's ACL allows. */
    private Flux<ServerName> servers(RoomId roomId) {
        return query.get()
                .queryJoinedMembers(roomId)
                .flatMapMany(members -> {
                    Map<ServerName, Long> counts = members.stream()
                            .map(UserId::serverName)
                            .filter(server -> !server.equals(us))
                            .collect(Collectors.groupingBy(server -> server, Collectors.counting()));
                    return Flux.fromIterable(counts.entrySet().stream()
                            .sorted(Map.Entry.<ServerName, Long>comparingByValue()
                                    .reversed()
                                    .thenComparing(entry -> entry.getKey().value()))
                            .map(Map.Entry::getKey)
                            .toList());
                })
                .filterWhen(server -> acls.allows(roomId, server))
                .take(MAX_SERVERS);
    }

    /** {@code GET /backfill} from {@code server}: the events of the room it answered that pass the checks. */
    private Mono<List<Pdu>> fetch(
            ServerName server, RoomVersionRules rules, RoomId roomId, List<EventId> from, int limit) {
        StringBuilder path = new StringBuilder("/_matrix/federation/v1/backfill/")
                .append(encode(roomId.value()))
                .append("?limit=")
                .append(limit);
        from.forEach(id -> path.append("&v=").append(encode(id.value())));
        return client.get(server, path.toString())
                .timeout(RemoteState.REQUEST_TIMEOUT)
                .flatMap(answer -> remoteState.checked(server, rules, roomId, FederationJson.objects(answer, "pdus")))
                // The answer may hold more than asked for: the newest are the ones wanted.
                .map(events -> events.stream()
                        .sorted(Comparator.comparingLong(Pdu::depth).reversed())
                        .limit(limit + from.size())
                        .toList())
                .onErrorResume(e -> {
                    log.info("backfill of {} from {} failed: {}", roomId, server, e.getMessage());
                    return Mono.just(List.of());
                });
    }

    /**
     * The events into the roomserver, oldest first, each after what it needs: the state before it when its prev
     * events are not among the events before it, and its auth events when they are unknown here.
     */
    private Mono<List<EventId>> ingest(Answer answer, RoomVersionRules rules, RoomId roomId, StepTimes times) {
        List<Pdu> history = EventOrder.byPrevEvents(answer.events());
        Set<String> ids = history.stream().map(Pdu::eventId).collect(Collectors.toSet());
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < history.size(); i++) {
            position.put(history.get(i).eventId(), i);
        }
        List<Pdu> needState = history.stream()
                .filter(pdu -> !pdu.prevEvents().isEmpty()
                        && !pdu.prevEvents().stream()
                                .allMatch(prev ->
                                        position.getOrDefault(prev, Integer.MAX_VALUE) < position.get(pdu.eventId())))
                .toList();
        Map<String, List<EventId>> statesBefore = new HashMap<>();
        return Flux.fromIterable(needState)
                .take(MAX_GAP_REQUESTS)
                .concatMap(pdu -> remoteState
                        .stateBefore(answer.server(), rules, roomId, pdu.eventId())
                        .doOnNext(state -> statesBefore.put(pdu.eventId(), state)))
                .then(Mono.fromRunnable(() -> times.lap(statesBefore.size() + " states before")))
                .then(missingAuthEvents(answer.server(), rules, roomId, history, ids))
                .then(Mono.defer(() -> {
                    times.lap("auth events");
                    return submit(answer.server(), rules, roomId, history, needState, statesBefore);
                }));
    }

    /** The auth chains of the events whose auth events are neither among them nor held here, as outliers. */
    private Mono<Void> missingAuthEvents(
            ServerName server, RoomVersionRules rules, RoomId roomId, List<Pdu> history, Set<String> ids) {
        Set<String> referenced = new HashSet<>();
        history.forEach(
                pdu -> pdu.authEvents().stream().filter(id -> !ids.contains(id)).forEach(referenced::add));
        return unknown(referenced)
                .flatMap(missing -> Flux.fromIterable(history)
                        .filter(pdu -> pdu.authEvents().stream().anyMatch(missing::contains))
                        .take(MAX_GAP_REQUESTS)
                        .concatMap(pdu -> client.get(
                                        server,
                                        "/_matrix/federation/v1/event_auth/" + encode(roomId.value()) + "/"
                                                + encode(pdu.eventId()))
                                .timeout(RemoteState.REQUEST_TIMEOUT)
                                .flatMap(answer -> remoteState.checked(
                                        server, rules, roomId, FederationJson.objects(answer, "auth_chain")))
                                .flatMap(events -> remoteState.outliers(server, rules, roomId, events))
                                .onErrorResume(e -> {
                                    log.info(
                                            "auth chain of {} from {} failed: {}",
                                            pdu.eventId(),
                                            server,
                                            e.getMessage());
                                    return Mono.empty();
                                }))
                        .then());
    }

    /**
     * The history into the roomserver, oldest first; an event that needed the state before it
     * and did not get it, or follows one left out, is left out. The IDs the roomserver accepted, oldest first.
     */
    private Mono<List<EventId>> submit(
            ServerName server,
            RoomVersionRules rules,
            RoomId roomId,
            List<Pdu> history,
            List<Pdu> needState,
            Map<String, List<EventId>> statesBefore) {
        Set<String> needsState = needState.stream().map(Pdu::eventId).collect(Collectors.toSet());
        Set<String> leftOut = new HashSet<>();
        List<Pdu> ready = new ArrayList<>();
        for (Pdu pdu : history) {
            boolean unprepared = needsState.contains(pdu.eventId()) && !statesBefore.containsKey(pdu.eventId());
            if (unprepared || pdu.prevEvents().stream().anyMatch(leftOut::contains)) {
                leftOut.add(pdu.eventId());
            } else {
                ready.add(pdu);
            }
        }
        if (!leftOut.isEmpty()) {
            log.info(
                    "backfill of {} from {}: {} events left out for want of their state",
                    roomId,
                    server,
                    leftOut.size());
        }
        // All sent at once: the roomserver decides a room's inputs one at a time in the order they were sent, so each
        // event still finds the ones before it stored; only the waits for the verdicts overlap.
        return Flux.fromIterable(ready)
                .flatMapSequential(pdu -> input.get()
                        .inputRoomEvent(InputRoomEvent.backfilled(
                                roomId,
                                rules.id(),
                                new String(pdu.bytes(), UTF_8),
                                server,
                                statesBefore.get(pdu.eventId()))))
                .filter(verdict -> verdict.outcome() == InputVerdict.Outcome.ACCEPTED)
                .map(InputVerdict::eventIdOrThrow)
                .collectList();
    }

    /** The IDs among {@code eventIds} that the roomserver does not hold. */
    private Mono<Set<String>> unknown(Collection<String> eventIds) {
        return HeldEvents.unknown(query.get(), eventIds);
    }

    private static String encode(String value) {
        return RemoteState.encode(value);
    }
}
