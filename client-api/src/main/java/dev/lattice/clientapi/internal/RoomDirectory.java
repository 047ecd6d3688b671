package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.RoomId;
import java.time.Clock;
import reactor.core.publisher.Mono;

/** The public room directory: which rooms are listed. */
public final class RoomDirectory {
    private final ClientApiDatabase database;
    private final Clock clock;

    public RoomDirectory(ClientApiDatabase database, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Mono<Void> publish(RoomId roomId) {
        return database.publishRoom(roomId.value(), clock.millis());
    }
}
