package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.RoomId;
import java.util.List;

/**
 * Outlier state events published together: the state a join to another server's room starts from, which the roomserver
 * held as outliers and never published, in records of a few hundred events instead of one record each, so that a
 * reader stores a room of thousands of members in a few transactions. Published ahead of the join's
 * {@link NewRoomEvent}, whose {@code addsStateEventIds} name them. Consumers deduplicate by event ID as for
 * {@link NewRoomEvent}.
 *
 * @param roomId the room
 * @param events each an {@link NewRoomEvent#outlier() outlier} of {@code roomId}, oldest first
 */
public record StateOutliers(RoomId roomId, List<NewRoomEvent> events) implements OutputRoomEvent {

    public StateOutliers {
        requireNonNull(roomId, "roomId is null");
        events = List.copyOf(events);
        for (NewRoomEvent event : events) {
            if (!event.outlier() || !event.roomId().equals(roomId)) {
                throw new IllegalArgumentException(event.eventId() + " is no outlier of " + roomId);
            }
        }
    }
}
