package dev.lattice.roomserver.internal.input;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/** Cuts many events into bus records of bounded size. */
final class SizedBatches {
    /**
     * The most PDU text one record carries (about 500 member events): under the broker's 1 MiB record limit even if
     * JSON's escaping doubled it with one 64 KiB PDU more.
     */
    static final int MAX_CHARS = 256 * 1024;

    private SizedBatches() {}

    /** {@code items} cut, in order, into runs whose sizes sum to at most {@code limit} (a bigger item alone). */
    static <T> List<List<T>> of(List<T> items, ToIntFunction<T> size, int limit) {
        List<List<T>> batches = new ArrayList<>();
        List<T> batch = new ArrayList<>();
        long total = 0;
        for (T item : items) {
            int itemSize = size.applyAsInt(item);
            if (!batch.isEmpty() && total + itemSize > limit) {
                batches.add(batch);
                batch = new ArrayList<>();
                total = 0;
            }
            batch.add(item);
            total += itemSize;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }
}
