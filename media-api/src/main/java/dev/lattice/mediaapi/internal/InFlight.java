package dev.lattice.mediaapi.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * One piece of work per key at a time in this process: callers asking for a key while its work runs share that
 * work's result, and the work runs to its end even if every caller goes away. Once it ends, the next call starts it
 * again (so a failure is retried, and a success is expected to be found where the work stored it).
 */
final class InFlight<K, V> {
    private final ConcurrentHashMap<K, Mono<V>> running = new ConcurrentHashMap<>();

    Mono<V> join(K key, Supplier<Mono<V>> work) {
        return running.computeIfAbsent(
                key,
                k -> Mono.defer(work).doFinally(signal -> running.remove(k)).cache());
    }
}
