package dev.lattice.syncapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.ephemeral.PresenceUpdate;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.syncapi.internal.Presence;
import reactor.core.publisher.Mono;

/**
 * Tails {@code ephemeral.presence} (every syncapi process reads every record: each wakes its own long-polls) into
 * {@link Presence#apply}. A version newer than this one understands is skipped; a record that does not decode is
 * poison.
 */
public final class PresenceConsumer {

    private final Presence presence;

    public PresenceConsumer(Presence presence) {
        this.presence = requireNonNull(presence, "presence is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return VersionedRecords.handle(record, PresenceUpdate.VERSION, PresenceUpdate.class, presence::apply);
    }
}
