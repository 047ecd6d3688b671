package dev.lattice.api.roomserver;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Room state: the current state, and the state at an event. */
public interface QueryStateApi {

    /** Every event of the current state of {@code roomId}; empty when the room is unknown. */
    Mono<List<StoredEvent>> queryCurrentState(RoomId roomId);

    /** The current state event of {@code roomId} for {@code (type, stateKey)}, if there is one. */
    Mono<Optional<StoredEvent>> queryCurrentStateEvent(RoomId roomId, String type, String stateKey);

    /**
     * The state of the room at {@code eventId}: the state after it, which includes the event itself when it is an
     * accepted state event (what {@code /context} and {@code /rooms/{roomId}/state} at an event show).
     *
     * @return empty when the event is unknown, or has no state (an outlier, or a rejected event)
     */
    Mono<Optional<List<StoredEvent>>> queryStateAtEvent(EventId eventId);

    /**
     * The state of the room just before {@code eventId}, the event itself not applied (what a joining server gets
     * with the join in {@code send_join}).
     *
     * @return empty when the event is unknown, or has no state (an outlier, or a rejected event)
     */
    Mono<Optional<List<StoredEvent>>> queryStateBeforeEvent(EventId eventId);
}
