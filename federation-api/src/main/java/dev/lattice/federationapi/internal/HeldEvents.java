package dev.lattice.federationapi.internal;

import dev.lattice.api.roomserver.QueryEventsApi;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.id.EventId;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/** What the roomserver holds of events another server named. */
final class HeldEvents {
    private HeldEvents() {}

    /** The IDs among {@code eventIds} that the roomserver does not hold (or holds as rejected). */
    static Mono<Set<String>> unknown(QueryEventsApi query, Collection<String> eventIds) {
        return held(query, eventIds).map(held -> {
            Set<String> unknown = new HashSet<>(eventIds);
            unknown.removeAll(held.keySet());
            return unknown;
        });
    }

    /** The events among {@code eventIds} that the roomserver holds, accepted or soft-failed, by ID. */
    static Mono<Map<String, StoredEvent>> held(QueryEventsApi query, Collection<String> eventIds) {
        return query.queryEvents(eventIds.stream().map(EventId::parse).collect(Collectors.toSet()))
                .map(found -> {
                    Map<String, StoredEvent> byId = new HashMap<>();
                    found.forEach((id, event) -> byId.put(id.value(), event));
                    return byId;
                });
    }
}
