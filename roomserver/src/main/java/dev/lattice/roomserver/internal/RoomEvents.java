package dev.lattice.roomserver.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.StateLookup;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Stored events as parsed {@link Pdu}s, for the auth checks, state resolution and history visibility. Parsed events
 * are cached by ID: an event's original bytes never change (redaction stores a separate copy).
 */
public final class RoomEvents {
    private static final int CACHE_SIZE = 20_000;

    private final RoomserverDatabase database;
    private final Map<String, Pdu> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pdu> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    public RoomEvents(RoomserverDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** Parses a stored event (its original bytes); the count limits of new events do not apply to stored ones. */
    public Pdu parse(RoomVersionRules rules, EventRow row) {
        Pdu cached;
        synchronized (cache) {
            cached = cache.get(row.eventId());
        }
        if (cached != null && cached.rules().equals(rules)) {
            return cached;
        }
        Pdu pdu = Pdu.parseBackfilled(rules, row.pdu());
        synchronized (cache) {
            cache.put(row.eventId(), pdu);
        }
        return pdu;
    }

    /** The events among {@code eventIds} that were not rejected, parsed, by ID. */
    public Mono<Map<String, Pdu>> load(RoomVersionRules rules, Collection<String> eventIds) {
        return database.events(eventIds).map(rows -> parseUsable(rules, rows));
    }

    /** Parses the rows that were not rejected. */
    public Map<String, Pdu> parseUsable(RoomVersionRules rules, Map<String, EventRow> rows) {
        Map<String, Pdu> parsed = new HashMap<>();
        rows.forEach((id, row) -> {
            if (row.status() != EventStatus.REJECTED) {
                parsed.put(id, parse(rules, row));
            }
        });
        return parsed;
    }

    /**
     * A lookup over {@code state} that answers only {@code keys}, with their events loaded up front (the auth rules
     * read a handful of entries, never the whole state).
     */
    public Mono<StateLookup> lookup(RoomVersionRules rules, Map<StateKey, String> state, Set<StateKey> keys) {
        Set<String> ids = new java.util.HashSet<>();
        for (StateKey key : keys) {
            String id = state.get(key);
            if (id != null) {
                ids.add(id);
            }
        }
        String createId = state.get(StateKey.of("m.room.create", ""));
        if (createId != null) {
            ids.add(createId);
        }
        return load(rules, ids).map(events -> (type, stateKey) -> {
            String id = state.get(StateKey.of(type, stateKey));
            return Optional.ofNullable(id)
                    .map(events::get)
                    .filter(Objects::nonNull)
                    .map(RoomEvent.class::cast);
        });
    }
}
