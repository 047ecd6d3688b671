package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.PartialStateCompletion;
import dev.lattice.api.roomserver.PartialStateRoom;
import dev.lattice.api.roomserver.RoomserverInputApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Completes the state of the rooms this server joined with partial state ({@code send_join} with
 * {@code omit_members}, {@link RemoteMemberships}): in the background, the whole state before our join from a server
 * in the room ({@code /state_ids} at the join, then the events not held here, stored as outliers: {@link RemoteState}),
 * given to the roomserver as a {@link PartialStateCompletion}. The server joined through is asked first, then each
 * server {@code send_join} listed; when none could answer, all again after a back-off (5 s doubling to 10 min). Rooms
 * still partial when this process starts are resumed ({@link #resume}). One resync per room at a time: a resync for
 * a newer join of the room (this server left and joined again before the first one ended) replaces the older one,
 * whose state the roomserver would refuse (it completes a room only with the state before the room's own join).
 */
public final class PartialStateResync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PartialStateResync.class);
    /** Each request of a resync: a big room's whole state is tens of megabytes on a busy resident server. */
    static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LAST_RETRY = Duration.ofMinutes(10);

    private final ServerName us;
    private final RemoteState remoteState;
    private final Supplier<RoomserverInputApi> input;
    private final Supplier<RoomserverQueryApi> query;
    /** The resync under way for each room, with the join it completes (its entry goes when it ends). */
    private final Map<RoomId, Running> running = new ConcurrentHashMap<>();

    private record Running(EventId join, Disposable.Swap task) {}

    public PartialStateResync(
            ServerName us,
            RemoteState remoteState,
            Supplier<RoomserverInputApi> input,
            Supplier<RoomserverQueryApi> query) {
        this.us = requireNonNull(us, "us is null");
        this.remoteState = requireNonNull(remoteState, "remoteState is null");
        this.input = requireNonNull(input, "input is null");
        this.query = requireNonNull(query, "query is null");
    }

    /** Starts completing {@code room}'s state, asking {@code first} before the servers the room lists. */
    public void start(PartialStateRoom room, ServerName first) {
        Running started = new Running(room.joinEventId(), Disposables.swap());
        Running[] replaced = new Running[1];
        Running current = running.compute(room.roomId(), (id, previous) -> {
            if (previous != null && previous.join().equals(room.joinEventId())) {
                return previous;
            }
            replaced[0] = previous;
            return started;
        });
        if (current != started) {
            return;
        }
        if (replaced[0] != null) {
            // Outside compute: the old task's end removes its own entry from the map.
            log.info("resync of {}: the join {} replaces {}", room.roomId(), room.joinEventId(), replaced[0].join());
            replaced[0].task().dispose();
        }
        Disposable.Swap task = started.task();
        List<ServerName> servers = new ArrayList<>();
        servers.add(first);
        room.servers().stream()
                .filter(server -> !server.equals(us) && !servers.contains(server))
                .forEach(servers::add);
        task.update(Flux.fromIterable(servers)
                .concatMap(server -> completeFrom(room, server))
                .filter(done -> done)
                .next()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no server gave the whole state")))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_RETRY)
                        .maxBackoff(LAST_RETRY)
                        .jitter(0.2)
                        .doBeforeRetry(signal -> log.info(
                                "resync of {}: attempt {} failed, trying again later",
                                room.roomId(),
                                signal.totalRetries() + 1)))
                .doFinally(signal -> running.remove(room.roomId(), started))
                .subscribe(done -> {}, e -> log.warn("resync of {} stopped: {}", room.roomId(), e.toString())));
    }

    /**
     * Starts a resync of every room whose state is still partial (after a restart); nothing when no roomserver is
     * reachable from this process.
     */
    public Mono<Void> resume() {
        RoomserverQueryApi rooms = query.get();
        if (rooms == null) {
            return Mono.empty();
        }
        return rooms.queryPartialStateRooms()
                .doOnNext(partial -> partial.forEach(room -> {
                    log.info("resuming the resync of {}", room.roomId());
                    start(room, room.servers().getFirst());
                }))
                .then();
    }

    /** One attempt through {@code server}: whether the room's state is complete after it. */
    private Mono<Boolean> completeFrom(PartialStateRoom room, ServerName server) {
        RoomVersionRules rules = RoomVersions.rules(room.roomVersion()).orElse(null);
        if (rules == null) {
            return Mono.just(false);
        }
        StepTimes times = new StepTimes();
        return remoteState
                .stateBefore(server, rules, room.roomId(), room.joinEventId().value(), REQUEST_TIMEOUT)
                .flatMap(state -> {
                    times.lap(state.size() + " state events held");
                    return input.get()
                            .completePartialState(PartialStateCompletion.of(
                                    room.roomId(), room.roomVersion(), room.joinEventId(), state));
                })
                .map(verdict -> {
                    if (verdict.outcome() != InputVerdict.Outcome.ACCEPTED) {
                        log.info("resync of {} from {} refused: {}", room.roomId(), server, verdict.reason());
                        return false;
                    }
                    log.info("resynced {} from {}: {}", room.roomId(), server, times.lap("completed"));
                    return true;
                })
                .defaultIfEmpty(false)
                .onErrorResume(e -> {
                    log.info("resync of {} from {} failed: {}", room.roomId(), server, e.toString());
                    return Mono.just(false);
                });
    }

    @Override
    public void close() {
        running.values().forEach(resync -> resync.task().dispose());
    }
}
