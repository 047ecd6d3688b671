package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.storage.FederationApiDatabase;
import dev.lattice.federationapi.storage.QueuedPdu;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The outbound federation queues: PDUs for each destination wait in {@code federationapi.outbound_pdus} (so nothing
 * queued is lost to a restart) and go out in transactions of at most 50, oldest first, one transaction at a time
 * per destination. A destination that fails is retried after an exponential back-off with jitter (5 s doubling up to
 * 1 h) and never delays the others; new PDUs for it wait in its queue meanwhile and go with the next attempt.
 *
 * <p>A transaction's ID is the range of queue positions it carries, so a retry of the same PDUs carries the same ID
 * and the receiver's deduplication applies.
 */
public final class OutboundQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboundQueue.class);
    /** The spec's limit of PDUs per transaction. */
    static final int MAX_PDUS = 50;

    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LAST_RETRY = Duration.ofHours(1);

    private final ServerName us;
    private final FederationClient client;
    private final FederationApiDatabase database;
    private final Clock clock;
    private final Map<ServerName, Destination> destinations = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public OutboundQueue(ServerName us, FederationClient client, FederationApiDatabase database, Clock clock) {
        this.us = requireNonNull(us, "us is null");
        this.client = requireNonNull(client, "client is null");
        this.database = requireNonNull(database, "database is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Queues {@code pduJson} for each destination (durably), then sends. */
    public Mono<Void> queue(List<ServerName> to, String eventId, String pduJson) {
        return database.queuePdu(to, eventId, pduJson, clock.millis())
                .then(Mono.fromRunnable(() -> to.forEach(this::wake)));
    }

    /** Starts sending what earlier runs left queued. */
    public Mono<Void> resume() {
        return database.queuedDestinations()
                .doOnNext(found -> found.forEach(this::wake))
                .then();
    }

    /** Sends {@code destination}'s queue now, unless it is being sent or waits out a back-off. */
    public void wake(ServerName destination) {
        if (!closed && !destination.equals(us)) {
            destinations.computeIfAbsent(destination, Destination::new).wake();
        }
    }

    @Override
    public void close() {
        closed = true;
        destinations.values().forEach(Destination::stop);
    }

    /** The delay before retry {@code failures} (1, 2, ...): 5 s doubling up to 1 h, ±20 % so retries spread. */
    static Duration backoff(int failures, double random) {
        long base = FIRST_RETRY.toMillis() << Math.min(failures - 1, 20);
        long capped = Math.min(base, LAST_RETRY.toMillis());
        return Duration.ofMillis((long) (capped * (0.8 + 0.4 * random)));
    }

    /** One destination's sender: at most one transaction in flight. */
    private final class Destination {
        private final ServerName name;
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile boolean pending;
        private volatile Disposable inFlight;
        private int failures;

        Destination(ServerName name) {
            this.name = name;
        }

        void wake() {
            pending = true;
            if (running.compareAndSet(false, true)) {
                drain();
            }
        }

        void stop() {
            Disposable current = inFlight;
            if (current != null) {
                current.dispose();
            }
        }

        private void drain() {
            if (closed) {
                return;
            }
            pending = false;
            inFlight = database.queuedPdus(name, MAX_PDUS)
                    .flatMap(batch ->
                            batch.isEmpty() ? Mono.just(false) : send(batch).thenReturn(true))
                    .subscribe(
                            sent -> {
                                failures = 0;
                                if (sent) {
                                    drain();
                                } else {
                                    finish();
                                }
                            },
                            this::retryLater);
        }

        private void finish() {
            running.set(false);
            // a PDU queued between the empty read and now must not wait for the next one
            if (pending && running.compareAndSet(false, true)) {
                drain();
            }
        }

        private void retryLater(Throwable failure) {
            failures++;
            Duration delay = backoff(failures, ThreadLocalRandom.current().nextDouble());
            log.info(
                    "sending to {} failed ({} in a row), retrying in {}: {}",
                    name,
                    failures,
                    delay,
                    failure.getMessage());
            inFlight = Mono.delay(delay).subscribe(tick -> drain());
        }

        private Mono<Void> send(List<QueuedPdu> batch) {
            long first = batch.getFirst().seq();
            long last = batch.getLast().seq();
            List<CanonicalJsonValue> pdus = batch.stream()
                    .map(pdu -> (CanonicalJsonValue) CanonicalJson.parseObject(pdu.pduJson()))
                    .toList();
            JsonObject body = new JsonObjectBuilder()
                    .put("origin", us.value())
                    .put("origin_server_ts", JsonInteger.of(clock.millis()))
                    .put("pdus", new JsonArray(pdus))
                    .put("edus", JsonArray.EMPTY)
                    .build();
            String txnId = first + "-" + last;
            return client.put(name, "/_matrix/federation/v1/send/" + txnId, body)
                    .doOnNext(answer -> logRefusals(answer))
                    .then(database.deleteQueuedPdus(name, last));
        }

        /** The destination's per-PDU errors: its judgement of our events, not a failure to deliver. */
        private void logRefusals(JsonObject answer) {
            answer.getObject("pdus")
                    .ifPresent(results -> results.members().forEach((eventId, result) -> {
                        if (result instanceof JsonObject r && r.has("error")) {
                            log.info(
                                    "{} refused {}: {}",
                                    name,
                                    eventId,
                                    r.getString("error").orElse(""));
                        }
                    }));
        }
    }
}
