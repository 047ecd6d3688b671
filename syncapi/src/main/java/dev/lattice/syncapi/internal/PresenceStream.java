package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.StoredPositions;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The presence stream of {@code /sync}: {@code presence.events}, an {@code m.presence} event per user sharing a room
 * with the syncing user (the user included) whose presence changed after {@code since} (every such user's current
 * presence in an initial sync), through the filter's {@code presence}. Nothing when presence is switched off.
 */
public final class PresenceStream implements SyncStreamProvider {
    private final SyncApiDatabase database;
    private final Presence presence;
    private final Clock clock;

    public PresenceStream(SyncApiDatabase database, Presence presence, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.presence = requireNonNull(presence, "presence is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public SyncStream stream() {
        return SyncStream.PRESENCE;
    }

    @Override
    public long currentPosition(StoredPositions stored) {
        return stored.presence();
    }

    @Override
    public Mono<Long> contribute(SyncContext context) {
        long position = context.position(SyncStream.PRESENCE);
        EventFilter filter = context.request().filter().presence();
        if (!presence.enabled() || !filter.matchesType("m.presence")) {
            return Mono.just(position);
        }
        long since = context.since(SyncStream.PRESENCE).orElse(0L);
        if (since >= position) {
            return Mono.just(position); // the stream has not moved: no query
        }
        String user = context.user();
        return database.allUsersSharingRooms(user, context.position(SyncStream.EVENTS))
                .flatMap(sharing -> {
                    Set<String> users = new HashSet<>(sharing);
                    users.add(user);
                    return database.presenceChanges(users, since, position);
                })
                .doOnNext(changes -> {
                    long now = clock.millis();
                    List<CanonicalJsonValue> events = changes.stream()
                            .filter(change -> context.request().since().isPresent()
                                    || !change.state().equals("offline"))
                            .limit(filter.limit().orElse(Long.MAX_VALUE))
                            .map(change -> Presence.event(change, now))
                            .toList();
                    if (!events.isEmpty()) {
                        context.response()
                                .put(
                                        "presence",
                                        new JsonObjectBuilder()
                                                .put("events", new JsonArray(events))
                                                .build());
                    }
                })
                .thenReturn(position);
    }
}
