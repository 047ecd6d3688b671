package dev.lattice.api.clientapi;

import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** This server's room directory, as other servers ask for it (federation {@code /publicRooms}). */
public interface PublicRoomsApi {

    /**
     * The published rooms, as {@code GET /publicRooms} answers: {@code chunk} (room summaries) and
     * {@code total_room_count_estimate}.
     *
     * @param searchTerm {@code filter.generic_search_term}: only rooms whose name, topic or alias holds it
     */
    Mono<Map<String, Object>> queryPublicRooms(long limit, Optional<String> searchTerm);
}
