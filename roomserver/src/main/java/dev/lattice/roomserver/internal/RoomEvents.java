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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Stored events as parsed {@link Pdu}s, for the auth checks, state resolution and history visibility. Parsed events
 * are cached by ID: an event's original bytes never change (redaction stores a separate copy), and neither does
 * whether it was rejected (a stored event's status is decided once), so an event once read as not rejected is served
 * from the cache without reading its row again.
 */
public final class RoomEvents {
    private static final int CACHE_SIZE = 20_000;

    /** A parsed stored event and whether it was rejected when stored (which never changes). */
    private record Parsed(Pdu pdu, boolean rejected) {}

    private final RoomserverDatabase database;
    private final Map<String, Parsed> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Parsed> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    public RoomEvents(RoomserverDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** Parses a stored event (its original bytes); the count limits of new events do not apply to stored ones. */
    public Pdu parse(RoomVersionRules rules, EventRow row) {
        Parsed cached;
        synchronized (cache) {
            cached = cache.get(row.eventId());
        }
        if (cached != null && cached.pdu().rules().equals(rules)) {
            return cached.pdu();
        }
        Pdu pdu = Pdu.parseBackfilled(rules, row.pdu());
        synchronized (cache) {
            cache.put(row.eventId(), new Parsed(pdu, row.status() == EventStatus.REJECTED));
        }
        return pdu;
    }

    /**
     * The events among {@code eventIds} that were not rejected, parsed, by ID: from the cache where it holds them, the
     * rest read in one query (none when the cache holds them all).
     */
    public Mono<Map<String, Pdu>> load(RoomVersionRules rules, Collection<String> eventIds) {
        Map<String, Pdu> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        synchronized (cache) {
            for (String id : eventIds) {
                Parsed cached = cache.get(id);
                if (cached != null && !cached.rejected() && cached.pdu().rules().equals(rules)) {
                    found.put(id, cached.pdu());
                } else {
                    missing.add(id);
                }
            }
        }
        if (missing.isEmpty()) {
            return Mono.just(found);
        }
        return database.events(missing).map(rows -> {
            found.putAll(parseUsable(rules, rows));
            return found;
        });
    }

    /** Parses the rows that were not rejected. */
    private Map<String, Pdu> parseUsable(RoomVersionRules rules, Map<String, EventRow> rows) {
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
