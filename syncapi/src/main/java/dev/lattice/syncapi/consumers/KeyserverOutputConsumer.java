package dev.lattice.syncapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.syncapi.internal.SyncNotifier;
import dev.lattice.syncapi.internal.SyncStream;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.HashSet;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Consumes {@code keyserver.output} (consumer group {@code syncapi}) into the device lists stream, then wakes the
 * {@code /sync} of everyone who shares a room with the user (and the user's own other devices). A replay records the
 * change again at a new position: clients told twice only fetch the keys again. A version newer than this one
 * understands is skipped; a record that does not decode is poison (parked); database failures are retried.
 */
public final class KeyserverOutputConsumer {

    private final SyncApiDatabase database;
    private final SyncNotifier notifier;

    public KeyserverOutputConsumer(SyncApiDatabase database, SyncNotifier notifier) {
        this.database = requireNonNull(database, "database is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return VersionedRecords.handle(record, DeviceListChange.VERSION, DeviceListChange.class, this::store);
    }

    private Mono<Void> store(DeviceListChange change) {
        String user = change.userId().toString();
        return database.storeDeviceListChange(user)
                .flatMap(position -> database.currentPosition()
                        .flatMap(events -> database.allUsersSharingRooms(user, events))
                        .doOnNext(sharing -> {
                            Set<String> told = new HashSet<>(sharing);
                            told.add(user);
                            notifier.notify(SyncStream.DEVICE_LISTS, told, position);
                        }))
                .then();
    }
}
