package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.StoredPositions;
import reactor.core.publisher.Mono;

/**
 * The device lists stream of {@code /sync}: {@code device_lists.changed}/{@code left} ({@link DeviceLists}) in an
 * incremental sync. Nothing in an initial sync: a client starting afresh fetches every key it needs (Synapse does the
 * same).
 */
public final class DeviceListsStream implements SyncStreamProvider {
    private final DeviceLists deviceLists;

    public DeviceListsStream(DeviceLists deviceLists) {
        this.deviceLists = requireNonNull(deviceLists, "deviceLists is null");
    }

    @Override
    public SyncStream stream() {
        return SyncStream.DEVICE_LISTS;
    }

    @Override
    public long currentPosition(StoredPositions stored) {
        return stored.deviceLists();
    }

    @Override
    public Mono<Long> contribute(SyncContext context) {
        long position = context.position(SyncStream.DEVICE_LISTS);
        if (context.request().since().isEmpty()) {
            return Mono.just(position);
        }
        boolean devicesMoved = context.since(SyncStream.DEVICE_LISTS).orElseThrow() < position;
        boolean eventsMoved = context.since(SyncStream.EVENTS).orElseThrow() < context.position(SyncStream.EVENTS);
        if (!devicesMoved && !eventsMoved) {
            return Mono.just(position); // neither a device nor a membership can have changed: no query
        }
        return deviceLists
                .between(
                        context.user(),
                        context.membershipsAtSince(),
                        context.memberships(),
                        context.memberChanges(),
                        context.since(SyncStream.EVENTS).orElseThrow(),
                        context.position(SyncStream.EVENTS),
                        context.since(SyncStream.DEVICE_LISTS).orElseThrow(),
                        position)
                .doOnNext(delta -> {
                    if (!delta.isEmpty()) {
                        context.response()
                                .put(
                                        "device_lists",
                                        new JsonObjectBuilder()
                                                .putStrings("changed", delta.changed())
                                                .putStrings("left", delta.left())
                                                .build());
                    }
                })
                .thenReturn(position);
    }
}
