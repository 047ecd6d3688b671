package dev.lattice.bench.load;

import java.util.Arrays;

/**
 * Percentiles of a set of samples by the nearest-rank method: the p-th percentile is the smallest sample that at
 * least p% of the samples are less than or equal to. Exact (every sample is kept); a run of a few minutes holds at
 * most a few hundred thousand samples.
 *
 * @param count how many samples
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param max the largest sample
 */
public record Percentiles(int count, long p50, long p90, long p99, long max) {

    public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0);

    /** The percentiles of {@code samples} (not changed). */
    public static Percentiles of(long[] samples) {
        if (samples.length == 0) {
            return EMPTY;
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Percentiles(
                sorted.length, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99), sorted[sorted.length - 1]);
    }

    /** The nearest-rank percentile of sorted samples: the sample at rank ceil(p/100 × n), counted from 1. */
    static long rank(long[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
