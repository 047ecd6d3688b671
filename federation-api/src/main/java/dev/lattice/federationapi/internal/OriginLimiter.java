package dev.lattice.federationapi.internal;

import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.spec.MatrixException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Per-origin limits on inbound work, as Synapse's federation rate limiter has them ({@code federation_rc_concurrent}
 * 3, {@code federation_rc_reject_limit} 50): each other server has at most {@code concurrent} authenticated requests
 * handled at once; more wait their turn in arrival order, and beyond {@code queued} waiting ones a request is refused
 * at once with 429 {@code M_LIMIT_EXCEEDED}. So one busy or hostile server cannot take every worker, and its own
 * transactions are still handled in the order they came. Other servers are not slowed by it.
 */
public final class OriginLimiter {
    /** What a refused request is told to wait. */
    static final long RETRY_AFTER_MS = 1_000;

    private final int concurrent;
    private final int queued;
    private final Map<ServerName, Slots> origins = new ConcurrentHashMap<>();

    public OriginLimiter(int concurrent, int queued) {
        if (concurrent < 1 || queued < 0) {
            throw new IllegalArgumentException("concurrent must be at least 1 and queued at least 0");
        }
        this.concurrent = concurrent;
        this.queued = queued;
    }

    /** Runs {@code work} for {@code origin} once one of its slots is free; fails with 429 when too many wait. */
    public <T> Mono<T> limit(ServerName origin, Supplier<Mono<T>> work) {
        return Mono.usingWhen(
                Mono.<Slots>create(sink -> {
                    // (an origin's slots are dropped when idle: one dropped meanwhile is not used, a new one is)
                    while (!origins.computeIfAbsent(origin, o -> new Slots()).acquire(origin, sink)) {}
                }),
                slots -> work.get(),
                slots -> Mono.fromRunnable(() -> slots.release(origin)));
    }

    /** How many requests of {@code origin} are being handled or wait. */
    public int inFlight(ServerName origin) {
        Slots slots = origins.get(origin);
        return slots == null ? 0 : slots.inFlight();
    }

    /** One origin's slots: the requests being handled, and those waiting in order. */
    private final class Slots {
        private int active;
        private boolean dropped;
        private final Deque<MonoSink<Slots>> waiting = new ArrayDeque<>();

        /** False when these slots were dropped from the map: the caller takes the origin's current ones. */
        synchronized boolean acquire(ServerName origin, MonoSink<Slots> sink) {
            if (dropped) {
                return false;
            }
            if (active < concurrent) {
                active++;
                sink.success(this);
            } else if (waiting.size() >= queued) {
                sink.error(
                        MatrixException.limitExceeded("Too many requests from " + origin + " at once", RETRY_AFTER_MS));
            } else {
                waiting.add(sink);
                sink.onCancel(() -> cancel(origin, sink));
            }
            return true;
        }

        synchronized void release(ServerName origin) {
            MonoSink<Slots> next = waiting.poll();
            if (next != null) {
                next.success(this); // the slot passes on: active stays
            } else if (--active == 0) {
                dropped = true;
                origins.remove(origin, this);
            }
        }

        /** A waiting request went away; if it was handed a slot as it did, the slot passes on. */
        private synchronized void cancel(ServerName origin, MonoSink<Slots> sink) {
            if (!waiting.remove(sink)) {
                release(origin);
            }
        }

        synchronized int inFlight() {
            return active + waiting.size();
        }
    }
}
