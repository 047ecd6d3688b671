package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * A push still to be delivered to a member's pushers.
 *
 * @param actions the matched push rule's actions, a JSON array
 * @param attempts how many deliveries have been tried, this one included
 */
public record PendingPush(String eventId, String userId, String roomId, String actions, int attempts) {
    public PendingPush {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(roomId, "roomId is null");
        requireNonNull(actions, "actions is null");
    }
}
