package dev.lattice.api.federationapi;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import java.util.List;
import reactor.core.publisher.Mono;

/** What the syncapi asks of the federation-api when a client pages back past the oldest event held here. */
public interface BackfillApi {

    /**
     * Fetches the events that precede {@code from} from the other servers in the room ({@code GET /backfill}), each
     * checked as any received event, and gives them to the roomserver as backfilled events, oldest first.
     *
     * @param from events whose history is wanted: the prev events of the oldest event held here
     * @param limit the most events to fetch
     * @return the IDs of the events the roomserver accepted, oldest first; empty when no server had any (nothing
     *     older, or no server reachable). Never fails for what other servers answered.
     */
    Mono<List<EventId>> backfill(RoomId roomId, List<EventId> from, int limit);
}
