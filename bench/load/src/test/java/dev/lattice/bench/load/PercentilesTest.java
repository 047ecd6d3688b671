package dev.lattice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOverOneToHundred() {
        long[] samples = LongStream.rangeClosed(1, 100).map(i -> 101 - i).toArray(); // unsorted on purpose

        Percentiles p = Percentiles.of(samples);

        assertThat(p).isEqualTo(new Percentiles(100, 50, 90, 99, 100));
        assertThat(samples[0]).as("the caller's array is left as it was").isEqualTo(100);
    }

    @Test
    void smallSetsRoundTheRankUp() {
        // ranks: p50 → ceil(1.5) = 2, p90 → ceil(2.7) = 3, p99 → 3
        assertThat(Percentiles.of(new long[] {30, 10, 20})).isEqualTo(new Percentiles(3, 20, 30, 30, 30));
        assertThat(Percentiles.of(new long[] {7})).isEqualTo(new Percentiles(1, 7, 7, 7, 7));
    }

    @Test
    void oneSlowSampleInAThousandIsTheMaxNotTheP99() {
        long[] samples = new long[1000];
        java.util.Arrays.fill(samples, 5);
        samples[500] = 10_000;

        Percentiles p = Percentiles.of(samples);

        assertThat(p.p99()).isEqualTo(5);
        assertThat(p.max()).isEqualTo(10_000);
    }

    @Test
    void noSamplesIsEmpty() {
        assertThat(Percentiles.of(new long[0])).isEqualTo(Percentiles.EMPTY);
    }
}
