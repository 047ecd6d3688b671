package dev.lattice.runtime.db;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Values read from the database, remembered per key by the only process that writes what they are read from (an
 * {@code only-process} setting; see docs/architecture.md §1). A value stands while no write began or ended since it
 * was read: every such write goes through {@link #writing}, which moves a count when it begins and again when it ends,
 * and a read is remembered only if the count did not move while it ran. For what many reads ask and few writes change.
 *
 * <p>A value read while a write was under way is remembered until that write ends; a read in the instant between the
 * write's commit and its end may still answer the value from before it.
 *
 * @param <K> the key
 * @param <V> the value read for a key
 */
public final class RememberedBetweenWrites<K, V> {
    private record Read<V>(long writes, V value) {}

    /** None when nothing is remembered (a process that is not the only one). */
    private final Map<K, Read<V>> remembered;
    /** Writes begun and ended. */
    private final AtomicLong writes = new AtomicLong();

    private final int maxKeys;

    private RememberedBetweenWrites(boolean remember, int maxKeys) {
        this.remembered = remember ? new ConcurrentHashMap<>() : null;
        this.maxKeys = maxKeys;
    }

    /**
     * @param onlyProcess whether this process is the only one writing what the values are read from; otherwise nothing
     *     is remembered and every read goes to the database
     * @param maxKeys the most keys remembered; beyond, all are forgotten
     */
    public static <K, V> RememberedBetweenWrites<K, V> of(boolean onlyProcess, int maxKeys) {
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("maxKeys must be positive: " + maxKeys);
        }
        return new RememberedBetweenWrites<>(onlyProcess, maxKeys);
    }

    /** A write of what the values are read from: the count moves when it begins and again when it ends, however. */
    public <T> Mono<T> writing(Mono<T> write) {
        requireNonNull(write, "write is null");
        if (remembered == null) {
            return write;
        }
        return Mono.defer(() -> {
            writes.incrementAndGet();
            return write.doOnTerminate(writes::incrementAndGet).doOnCancel(writes::incrementAndGet);
        });
    }

    /** The value of {@code key}: remembered, or {@code read} (and then remembered if no write began or ended). */
    public Mono<V> get(K key, Supplier<Mono<V>> read) {
        if (remembered == null) {
            return read.get();
        }
        return Mono.defer(() -> {
            long before = writes.get();
            Read<V> known = remembered.get(key);
            if (known != null && known.writes() == before) {
                return Mono.just(known.value());
            }
            return read.get().doOnNext(value -> remember(key, value, before));
        });
    }

    /**
     * The value of {@code key} if it is remembered and stands now (no write began or ended since it was read), without
     * reading it; empty otherwise, and always in a process that remembers nothing.
     */
    public Optional<V> known(K key) {
        if (remembered == null) {
            return Optional.empty();
        }
        Read<V> known = remembered.get(key);
        return known != null && known.writes() == writes.get() ? Optional.of(known.value()) : Optional.empty();
    }

    /**
     * The values of {@code keys}: those remembered, and the others read at once by {@code read}, which answers a value
     * for each key it is given.
     */
    public Mono<Map<K, V>> getAll(Collection<K> keys, Function<Set<K>, Mono<Map<K, V>>> read) {
        if (remembered == null) {
            return read.apply(Set.copyOf(keys));
        }
        return Mono.defer(() -> {
            long before = writes.get();
            Map<K, V> found = new HashMap<>();
            Set<K> unknown = new HashSet<>();
            for (K key : keys) {
                Read<V> known = remembered.get(key);
                if (known != null && known.writes() == before) {
                    found.put(key, known.value());
                } else {
                    unknown.add(key);
                }
            }
            if (unknown.isEmpty()) {
                return Mono.just(found);
            }
            return read.apply(unknown).map(values -> {
                values.forEach((key, value) -> remember(key, value, before));
                found.putAll(values);
                return found;
            });
        });
    }

    private void remember(K key, V value, long before) {
        // A write that began or ended meanwhile may or may not be in what was read: not remembered. One that begins
        // after this check moves the count, and the value, remembered at the count before, no longer stands.
        if (writes.get() == before) {
            if (remembered.size() >= maxKeys) {
                remembered.clear();
            }
            remembered.put(key, new Read<>(before, value));
        }
    }
}
