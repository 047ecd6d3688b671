package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.storage.FederationApiDatabase;
import dev.lattice.federationapi.storage.Queued;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The outbound federation queues: PDUs for each destination wait in {@code federationapi.outbound_pdus} and EDUs that
 * must not be lost (to-device messages, device-list changes) in {@code federationapi.outbound_edus}, so nothing queued
 * is lost to a restart; typing and receipts wait in memory. They go out in transactions of at most 50 PDUs and 100
 * EDUs, oldest first, one transaction at a time per destination. A destination that fails is retried after an
 * exponential back-off with jitter (5 s doubling up to 1 h) and never delays the others; what is queued for it
 * meanwhile goes with the next attempt.
 *
 * <p>A transaction's ID is the range of queue positions it carries, so a retry of the same PDUs and EDUs carries the
 * same ID and the receiver's deduplication applies.
 */
public final class OutboundQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboundQueue.class);
    /** The spec's limit of PDUs per transaction. */
    static final int MAX_PDUS = 50;

    static final int MAX_EDUS = 100;
    /** EDUs kept per destination while it is unreachable; older ones are dropped (they are ephemeral). */
    static final int MAX_WAITING_EDUS = 1000;

    private static final AtomicLong EDU_TRANSACTIONS = new AtomicLong();

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

    /**
     * Queues an EDU for each destination, in memory: for EDUs that are worth nothing later (typing) or replaced by the
     * next one (receipts). A restart loses the waiting ones.
     */
    public void queueEdu(List<ServerName> to, JsonObject edu) {
        for (ServerName destination : to) {
            if (!closed && !destination.equals(us)) {
                Destination d = destinations.computeIfAbsent(destination, Destination::new);
                d.edus.addLast(edu);
                while (d.edus.size() > MAX_WAITING_EDUS) {
                    d.edus.pollFirst();
                }
                d.wake();
            }
        }
    }

    /**
     * Queues an EDU that must not be lost (to-device messages, device-list changes) for each destination, durably and
     * once per {@code key}, then sends; it waits out the destination's unavailability like a PDU.
     */
    public Mono<Void> queueDurableEdu(List<ServerName> to, String key, JsonObject edu) {
        List<ServerName> others = to.stream().filter(d -> !d.equals(us)).toList();
        if (others.isEmpty()) {
            return Mono.empty();
        }
        return database.queueEdu(others, key, CanonicalJson.encodeToString(edu), clock.millis())
                .then(Mono.fromRunnable(() -> others.forEach(this::wake)));
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
        private final ConcurrentLinkedDeque<JsonObject> edus = new ConcurrentLinkedDeque<>();
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
            inFlight = Mono.zip(database.queuedPdus(name, MAX_PDUS), database.queuedEdus(name, MAX_EDUS))
                    .flatMap(queued -> {
                        List<JsonObject> ephemeral = new ArrayList<>();
                        for (JsonObject edu;
                                queued.getT2().size() + ephemeral.size() < MAX_EDUS
                                        && (edu = edus.pollFirst()) != null; ) {
                            ephemeral.add(edu);
                        }
                        if (queued.getT1().isEmpty() && queued.getT2().isEmpty() && ephemeral.isEmpty()) {
                            return Mono.just(false);
                        }
                        return send(queued.getT1(), queued.getT2(), ephemeral)
                                .doOnError(e -> requeue(ephemeral))
                                .thenReturn(true);
                    })
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

        /** EDUs of a failed transaction go back to the front, but typing: it is stale by the next attempt. */
        private void requeue(List<JsonObject> sent) {
            for (int i = sent.size() - 1; i >= 0; i--) {
                if (!sent.get(i).getString("edu_type").orElse("").equals(Edus.TYPING)) {
                    edus.addFirst(sent.get(i));
                }
            }
        }

        private Mono<Void> send(List<Queued> pdus, List<Queued> durableEdus, List<JsonObject> ephemeralEdus) {
            List<CanonicalJsonValue> eduList = new ArrayList<>();
            durableEdus.forEach(edu -> eduList.add(CanonicalJson.parseObject(edu.json())));
            eduList.addAll(ephemeralEdus);
            JsonObject body = new JsonObjectBuilder()
                    .put("origin", us.value())
                    .put("origin_server_ts", JsonInteger.of(clock.millis()))
                    .put(
                            "pdus",
                            new JsonArray(pdus.stream()
                                    .map(pdu -> (CanonicalJsonValue) CanonicalJson.parseObject(pdu.json()))
                                    .toList()))
                    .put("edus", new JsonArray(eduList))
                    .build();
            Mono<Void> delivered = Mono.when(
                    pdus.isEmpty()
                            ? Mono.empty()
                            : database.deleteQueuedPdus(name, pdus.getLast().seq()),
                    durableEdus.isEmpty()
                            ? Mono.empty()
                            : database.deleteQueuedEdus(
                                    name, durableEdus.getLast().seq()));
            return client.put(name, "/_matrix/federation/v1/send/" + transactionId(pdus, durableEdus), body)
                    .doOnNext(this::logRefusals)
                    .then(delivered);
        }

        /**
         * What is queued durably names the transaction (its PDUs' and EDUs' positions), so a retry has the same ID;
         * one of in-memory EDUs only gets a fresh ID.
         */
        private String transactionId(List<Queued> pdus, List<Queued> durableEdus) {
            if (pdus.isEmpty() && durableEdus.isEmpty()) {
                return "e" + clock.millis() + "-" + EDU_TRANSACTIONS.incrementAndGet();
            }
            return range(pdus) + "." + range(durableEdus);
        }

        private static String range(List<Queued> queued) {
            return queued.isEmpty()
                    ? ""
                    : queued.getFirst().seq() + "-" + queued.getLast().seq();
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
