package dev.lattice.roomserver.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The roomserver's settings, under {@code lattice.roomserver}.
 *
 * @param inputTimeout how long a caller waits for a verdict before it gets 504 {@code M_UNKNOWN}
 * @param maxSnapshotChain the most state deltas between a snapshot and its full ancestor; a full snapshot is written
 *     every this many state changes of a branch
 * @param relayInterval how often the outbox's sweeper looks for rows left unpublished (after a crash or a broker
 *     failure); each commit publishes its own rows at once
 * @param relayBatch how many outbox rows one publishing transaction publishes
 * @param onlyProcess whether this is the only process serving the roomserver (the all-in-one): its outbox is then
 *     the sole relay of its rows, publishing each commit's records from memory with no claiming transaction
 *     ({@code Outbox#soleRelay}), and what a new event of a room is built from (its forward extremities, its auth
 *     state) is remembered and kept up to date by the process's own writes ({@code RememberedLatest})
 */
@ConfigurationProperties("lattice.roomserver")
public record RoomserverProperties(
        @DefaultValue("30s") Duration inputTimeout,
        @DefaultValue("100") int maxSnapshotChain,
        @DefaultValue("1s") Duration relayInterval,
        @DefaultValue("100") int relayBatch,
        @DefaultValue("false") boolean onlyProcess) {}
