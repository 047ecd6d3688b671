package dev.lattice.runtime.ratelimit;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a client IP, a user): each bucket holds at most {@code burst} tokens and refills at
 * {@code perSecond}; a request takes one token or is refused with how long until one is available. The buckets live
 * in this process only: with N replicas a client gets up to N times the rate (see the README).
 */
public final class TokenBucketLimiter {
    /** Beyond this many buckets, full ones (idle clients) are dropped: they carry no state worth keeping. */
    private static final int MAX_BUCKETS = 100_000;

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    /** @param nanoTime the clock, {@code System::nanoTime} outside tests */
    public TokenBucketLimiter(double perSecond, int burst, LongSupplier nanoTime) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("perSecond must be > 0 and burst >= 1");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** Takes a token for {@code key}: empty when allowed, else the milliseconds until a retry can succeed. */
    public OptionalLong tryAcquire(String key) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > MAX_BUCKETS) {
            evictFull(now);
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            refill(bucket, now);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return OptionalLong.empty();
            }
            double missingNanos = (1 - bucket.tokens) / perNano;
            return OptionalLong.of(Math.max(1, (long) Math.ceil(missingNanos / 1e6)));
        }
    }

    private void refill(Bucket bucket, long now) {
        bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) * perNano);
        bucket.updated = now;
    }

    private void evictFull(long now) {
        buckets.values().removeIf(bucket -> {
            synchronized (bucket) {
                refill(bucket, now);
                return bucket.tokens >= burst;
            }
        });
    }

    /** How many keys have a bucket (for tests and metrics). */
    int size() {
        return buckets.size();
    }
}
