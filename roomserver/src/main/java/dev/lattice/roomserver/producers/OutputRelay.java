package dev.lattice.roomserver.producers;

import static java.util.Objects.requireNonNull;

import dev.lattice.roomserver.storage.OutboxRow;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The producer of {@code roomserver.output}: relays the transactional outbox to the bus. Rows are published in
 * {@code seq} order (so each room's records in the order its events were decided), each after the broker
 * acknowledged the previous one, and marked sent in the transaction that read them; a crash before that commit
 * publishes them again, which consumers absorb by deduplicating on event ID.
 *
 * <pre>{@code
 * OutputRelay relay = new OutputRelay(database, row -> bus.publish(ROOMSERVER_OUTPUT, row.roomId(), row.payload()),
 *         Duration.ofSeconds(1), 100);
 * relay.start();          // relays what an earlier process left unsent, then polls
 * relay.relayNow().block(); // after a commit: publish at once
 * }</pre>
 */
public final class OutputRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutputRelay.class);

    private final RoomserverDatabase database;
    private final Function<OutboxRow, Mono<Void>> publisher;
    private final Duration interval;
    private final int batchSize;
    private final Sinks.Many<Boolean> wakeups = Sinks.many().multicast().directBestEffort();
    private volatile Disposable loop;

    /**
     * @param publisher publishes one row, completing once the broker has it durably
     * @param interval how often to look for unsent rows besides the wake-ups after each commit
     */
    public OutputRelay(
            RoomserverDatabase database, Function<OutboxRow, Mono<Void>> publisher, Duration interval, int batchSize) {
        this.database = requireNonNull(database, "database is null");
        this.publisher = requireNonNull(publisher, "publisher is null");
        this.interval = requireNonNull(interval, "interval is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive");
        }
        this.batchSize = batchSize;
    }

    /** Starts relaying in the background: at once (rows a previous process left), then every interval. */
    public synchronized OutputRelay start() {
        if (loop == null) {
            loop = Flux.merge(Flux.interval(Duration.ZERO, interval).map(tick -> true), wakeups.asFlux())
                    .onBackpressureDrop()
                    .concatMap(
                            tick -> relayAll().onErrorResume(e -> {
                                log.warn("outbox relay failed, retrying: {}", e.toString());
                                return Mono.just(0);
                            }),
                            1)
                    .subscribe();
        }
        return this;
    }

    /**
     * Publishes every unsent row now. Completes with how many this call published (0 if another relay held the lock,
     * in which case the background loop is woken to try again).
     */
    public Mono<Integer> relayNow() {
        return relayAll().doOnNext(n -> {
            if (n == 0) {
                wakeups.tryEmitNext(true);
            }
        });
    }

    private Mono<Integer> relayAll() {
        return database.relayOutbox(batchSize, publisher)
                .expand(n -> n == batchSize ? database.relayOutbox(batchSize, publisher) : Mono.empty())
                .reduce(0, Integer::sum);
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.dispose();
            loop = null;
        }
    }
}
