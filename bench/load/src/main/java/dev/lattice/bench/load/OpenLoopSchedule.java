package dev.lattice.bench.load;

/**
 * When each message is due in an open-loop run: message i at {@code start + i / rate}, whatever happened to the
 * messages before it. A slow answer does not delay the next send, so a stalled server shows up as latency (measured
 * from the due time) instead of as fewer, well-behaved requests — the "coordinated omission" a closed loop hides.
 *
 * @param startNanos the due time of message 0 ({@link System#nanoTime()} scale)
 * @param ratePerSecond messages per second, across all rooms
 */
public record OpenLoopSchedule(long startNanos, double ratePerSecond) {

    public OpenLoopSchedule {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("the rate must be a positive number: " + ratePerSecond);
        }
    }

    /** The due time of message {@code index} (from 0). */
    public long dueNanos(long index) {
        return startNanos + Math.round(index * 1e9 / ratePerSecond);
    }

    /** How many messages fall due before {@code startNanos + durationNanos}: the messages of a run that long. */
    public long messagesWithin(long durationNanos) {
        return (long) Math.ceil(durationNanos / 1e9 * ratePerSecond);
    }
}
