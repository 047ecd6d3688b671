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
 */
public record SyncRequest(
        AuthenticatedDevice device, Optional<SyncToken> since, SyncFilter filter, boolean fullState, Duration timeout) {

    public SyncRequest {
        requireNonNull(device, "device is null");
        requireNonNull(since, "since is null");
        requireNonNull(filter, "filter is null");
        requireNonNull(timeout, "timeout is null");
    }
}
