package dev.lattice.federationapi.internal;

/**
 * Where the time of a multi-step piece of work went (a join, a backfill), for the log line that tells operators why it
 * was slow when the other server was not.
 */
final class StepTimes {
    private final StringBuilder laps = new StringBuilder();
    private long last = System.nanoTime();

    /** Notes the time since the previous lap under {@code what}; the laps so far. */
    synchronized String lap(String what) {
        long now = System.nanoTime();
        laps.append(laps.isEmpty() ? "" : ", ")
                .append(what)
                .append(' ')
                .append((now - last) / 1_000_000)
                .append(" ms");
        last = now;
        return laps.toString();
    }
}
