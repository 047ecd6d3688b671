package dev.lattice.syncapi.internal;

import dev.lattice.syncapi.storage.StoredPositions;
import reactor.core.publisher.Mono;

/**
 * One {@link SyncStream} of {@code /sync}: where the stream is now, and its part of a response. A provider knows
 * nothing of the other streams; {@link Syncer} reads every provider's position when an attempt starts, lets each
 * contribute, and writes their positions into {@code next_batch}.
 */
public interface SyncStreamProvider {

    /** The stream this provider serves. */
    SyncStream stream();

    /**
     * The stream's newest position when an attempt starts: the response covers the stream up to it.
     *
     * @param stored every stored stream's newest position, read once for the attempt; a stream held in memory
     *     answers from there instead
     */
    long currentPosition(StoredPositions stored);

    /**
     * Adds this stream's part to {@code context.response()}: what changed after {@code context.since(stream())} (all
     * of it when empty) up to {@code context.position(stream())}.
     *
     * @return the position {@code next_batch} holds for this stream: normally {@code context.position(stream())},
     *     less when the part was cut short (the client then gets the rest in its next sync)
     */
    Mono<Long> contribute(SyncContext context);
}
