package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import java.time.Duration;
import java.util.Optional;

/**
 * One {@code GET /_matrix/client/v3/sync}, decoded.
 *
 * @param device who asks
 * @param since where the previous sync ended; empty for an initial sync
 * @param filter what to include
 * @param fullState whether joined rooms get their full state even in an incremental sync
 * @param timeout how long to wait for something to arrive when there is nothing yet
 * @param stateAfterKey where a room's state goes when the client asked for the state up to the <em>end</em> of the
 *     timeline ({@code use_state_after}): {@value #STATE_AFTER}, or MSC4222's unstable name for a client that asked
 *     by that name (matrix-js-sdk); empty for {@code state}, up to the timeline's start
 */
public record SyncRequest(
        AuthenticatedDevice device,
        Optional<SyncToken> since,
        SyncFilter filter,
        boolean fullState,
        Duration timeout,
        Optional<String> stateAfterKey) {

    public static final String STATE_AFTER = "state_after";
    public static final String UNSTABLE_STATE_AFTER = "org.matrix.msc4222.state_after";

    public SyncRequest {
        requireNonNull(device, "device is null");
        requireNonNull(since, "since is null");
        requireNonNull(filter, "filter is null");
        requireNonNull(timeout, "timeout is null");
        requireNonNull(stateAfterKey, "stateAfterKey is null");
    }
}
