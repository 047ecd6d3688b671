package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * A thread's replies as {@code m.thread} aggregations need them.
 *
 * @param rootId the thread root
 * @param count how many events are in the thread (the root not counted)
 * @param latestEventId the newest reply
 * @param senders who sent replies
 */
public record ThreadSummary(String rootId, long count, String latestEventId, Set<String> senders) {
    public ThreadSummary {
        requireNonNull(rootId, "rootId is null");
        requireNonNull(latestEventId, "latestEventId is null");
        senders = Set.copyOf(senders);
    }
}
