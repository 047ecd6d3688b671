package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.push.PushRule;
import dev.lattice.syncapi.storage.PendingPush;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.postgres.PushActionsTable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Delivers the pushes queued in {@code pending_pushes} (written with the push actions, so none is lost when the
 * process dies): claims the due ones, pushes each through the {@link PushGateway}, deletes it when done and defers
 * it with a doubling backoff when a gateway failed for now, giving up after {@value #MAX_ATTEMPTS} attempts (about
 * four minutes). A claim is a lease: rows a dead process held come back when it ends, so a restart, or another
 * replica, delivers them. Runs when told that pushes were queued ({@link #wake}) and every {@code interval} in case.
 */
public final class PushDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushDelivery.class);
    static final int MAX_ATTEMPTS = 8;
    private static final int BATCH = 100;
    /**
     * Longer than one push may take (its requests go to the user's pushers at once, 30 s at most each), so a live
     * deliverer never loses a row to another; a dead one's rows are due again when it ends.
     */
    private static final Duration LEASE = Duration.ofSeconds(45);

    private final SyncApiDatabase database;
    private final PushGateway gateway;
    private final Duration firstBackoff;
    private final Clock clock;
    private final Sinks.Many<Boolean> wakes = Sinks.many().unicast().onBackpressureBuffer();
    private final Disposable rounds;

    /**
     * @param firstBackoff the wait after the first failure; each later one doubles it
     * @param interval how often the queue is looked at without being woken
     */
    public PushDelivery(
            SyncApiDatabase database, PushGateway gateway, Duration firstBackoff, Duration interval, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.gateway = requireNonNull(gateway, "gateway is null");
        this.firstBackoff = requireNonNull(firstBackoff, "firstBackoff is null");
        this.clock = requireNonNull(clock, "clock is null");
        // One round at a time; wakes that come during a round coalesce into one more round.
        this.rounds = Flux.merge(
                        wakes.asFlux(), Flux.interval(Duration.ZERO, interval).map(tick -> true))
                .onBackpressureLatest()
                .concatMap(
                        wake -> deliverDue().onErrorResume(e -> {
                            log.warn("push delivery round failed: {}", e.toString());
                            return Mono.empty();
                        }),
                        1)
                .subscribe();
    }

    /** Pushes were queued: deliver them now rather than at the next interval. */
    public void wake() {
        synchronized (wakes) { // a unicast sink takes one emitter at a time
            wakes.tryEmitNext(true);
        }
    }

    /** Delivers every due push, batch after batch. */
    Mono<Void> deliverDue() {
        long now = clock.millis();
        return database.claimPendingPushes(now, now + LEASE.toMillis(), BATCH)
                .flatMap(claimed -> Flux.fromIterable(claimed)
                        .flatMap(this::deliver, 8)
                        .then(claimed.size() == BATCH ? Mono.defer(this::deliverDue) : Mono.empty()));
    }

    private Mono<Void> deliver(PendingPush push) {
        List<CanonicalJsonValue> actions = ((JsonArray) CanonicalJson.parse(push.actions())).values();
        PushRule rule = new PushRule("queued", true, List.of(), actions);
        // The pushers first: a user with none (most, on a server without mobile clients) needs neither the event nor
        // the unread count read for a push that goes nowhere.
        return gateway.pushers(push.userId())
                .flatMap(pushers -> pushers.isEmpty()
                        ? Mono.just(true)
                        : database.event(push.eventId()).flatMap(stored -> {
                            if (stored.isEmpty()) {
                                return Mono.just(true); // not in the read model (cannot happen: written with it)
                            }
                            return database.unreadCounts(push.userId(), List.of(push.roomId()))
                                    .map(counts -> counts.getOrDefault(push.roomId(), PushActionsTable.RoomCounts.NONE)
                                            .total()
                                            .notifications())
                                    .flatMap(unread -> gateway.pushOnce(
                                            pushers,
                                            push.eventId(),
                                            push.roomId(),
                                            stored.get().event(),
                                            rule,
                                            unread));
                        }))
                .flatMap(done -> {
                    if (done) {
                        return database.deletePendingPush(push.eventId(), push.userId());
                    }
                    if (push.attempts() >= MAX_ATTEMPTS) {
                        log.warn(
                                "giving up the push of {} to {} after {} attempts",
                                push.eventId(),
                                push.userId(),
                                push.attempts());
                        return database.deletePendingPush(push.eventId(), push.userId());
                    }
                    long wait = firstBackoff.toMillis() << Math.min(push.attempts() - 1, 20);
                    return database.deferPendingPush(push.eventId(), push.userId(), clock.millis() + wait);
                });
    }

    @Override
    public void close() {
        rounds.dispose();
    }
}
