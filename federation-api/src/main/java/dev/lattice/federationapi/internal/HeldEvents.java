package dev.lattice.federationapi.internal;

import dev.lattice.api.roomserver.QueryEventsApi;
import dev.lattice.protocol.id.EventId;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What the roomserver holds of events another server named. */
final class HeldEvents {
    private HeldEvents() {}

    /** The IDs among {@code eventIds} that the roomserver does not hold. */
    static Mono<Set<String>> unknown(QueryEventsApi query, Collection<String> eventIds) {
        return Flux.fromIterable(eventIds)
                .concatMap(id -> query.queryEvent(EventId.parse(id))
                        .filter(Optional::isEmpty)
                        .map(absent -> id))
                .collect(HashSet::new, Set::add);
    }
}
