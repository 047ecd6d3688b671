package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.List;

/**
 * What a new event in a room is built from ({@code EventBuilder}): its {@code prev_events}, its {@code depth}, and
 * the current state events its {@code auth_events} are chosen from.
 *
 * @param roomVersion the room's version
 * @param prevEvents the room's forward extremities, newest (greatest depth) first, at most 20
 * @param depth the depth for the new event: one more than the greatest depth among {@code prevEvents}
 * @param authEvents the current state events for the (type, state key) pairs asked for, by ID (no more is needed to
 *     build an event, so none is read); pairs the room has no state for are left out
 */
public record LatestEvents(RoomVersionId roomVersion, List<EventId> prevEvents, long depth, List<EventId> authEvents) {
    /** The most {@code prev_events} an event may have. */
    public static final int MAX_PREV_EVENTS = 20;

    public LatestEvents {
        requireNonNull(roomVersion, "roomVersion is null");
        prevEvents = List.copyOf(prevEvents);
        authEvents = List.copyOf(authEvents);
    }
}
