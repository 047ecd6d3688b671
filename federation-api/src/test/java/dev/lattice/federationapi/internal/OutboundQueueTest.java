package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
    @Test
    void retriesBackOffExponentiallyWithJitterUpToAnHour() {
        assertThat(OutboundQueue.backoff(1, 0.5)).isEqualTo(Duration.ofSeconds(5));
        assertThat(OutboundQueue.backoff(2, 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(OutboundQueue.backoff(4, 0.5)).isEqualTo(Duration.ofSeconds(40));
        assertThat(OutboundQueue.backoff(1, 0.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(OutboundQueue.backoff(1, 1.0)).isEqualTo(Duration.ofSeconds(6));
        assertThat(OutboundQueue.backoff(30, 0.5)).isEqualTo(Duration.ofHours(1));
        assertThat(OutboundQueue.backoff(500, 1.0)).isEqualTo(Duration.ofMinutes(72));
    }
}
