package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One interval of stream positions during which an event was part of a room's state: from {@code addedPosition}
 * (inclusive) to {@code removedPosition} (exclusive), or still current when that is empty.
 *
 * @param membership for {@code m.room.member}, the event's {@code content.membership}
 */
public record StateSpan(
        String roomId,
        String type,
        String stateKey,
        String eventId,
        Optional<String> membership,
        long addedPosition,
        Optional<Long> removedPosition) {

    public StateSpan {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(type, "type is null");
        requireNonNull(stateKey, "stateKey is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(membership, "membership is null");
        requireNonNull(removedPosition, "removedPosition is null");
    }

    /** Whether the event was part of the state at {@code position}, i.e. just after the event at that position. */
    public boolean activeAt(long position) {
        return addedPosition <= position
                && removedPosition.map(removed -> removed > position).orElse(true);
    }

    /** Whether the span began or ended in ({@code afterExclusive}, {@code toInclusive}]. */
    public boolean changedBetween(long afterExclusive, long toInclusive) {
        return (addedPosition > afterExclusive && addedPosition <= toInclusive)
                || removedPosition
                        .map(removed -> removed > afterExclusive && removed <= toInclusive)
                        .orElse(false);
    }

    /** The membership, or the empty string for non-member state. */
    public String membershipOrEmpty() {
        return membership.orElse("");
    }
}
