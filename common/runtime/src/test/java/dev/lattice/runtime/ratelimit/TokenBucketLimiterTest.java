package dev.lattice.runtime.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void allowsABurstThenAsksToWaitUntilATokenIsBack() {
        TokenBucketLimiter limiter = new TokenBucketLimiter(0.5, 3, now::get);
        assertThat(limiter.tryAcquire("1.2.3.4")).isEmpty();
        assertThat(limiter.tryAcquire("1.2.3.4")).isEmpty();
        assertThat(limiter.tryAcquire("1.2.3.4")).isEmpty();
        assertThat(limiter.tryAcquire("1.2.3.4")).hasValue(2000);

        now.addAndGet(1_500_000_000L);
        assertThat(limiter.tryAcquire("1.2.3.4")).hasValue(500);
        now.addAndGet(500_000_000L);
        assertThat(limiter.tryAcquire("1.2.3.4")).isEmpty();
    }

    @Test
    void keysHaveSeparateBuckets() {
        TokenBucketLimiter limiter = new TokenBucketLimiter(1, 1, now::get);
        assertThat(limiter.tryAcquire("a")).isEmpty();
        assertThat(limiter.tryAcquire("a")).isPresent();
        assertThat(limiter.tryAcquire("b")).isEmpty();
        assertThat(limiter.size()).isEqualTo(2);
    }

    @Test
    void aBucketNeverHoldsMoreThanTheBurst() {
        TokenBucketLimiter limiter = new TokenBucketLimiter(10, 2, now::get);
        limiter.tryAcquire("a");
        now.addAndGet(3_600_000_000_000L);
        assertThat(limiter.tryAcquire("a")).isEmpty();
        assertThat(limiter.tryAcquire("a")).isEmpty();
        assertThat(limiter.tryAcquire("a")).isPresent();
    }
}
