package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

/**
 * An event with whether a given user may see it under the room's history visibility.
 *
 * @param event the event
 * @param visible whether the user may see it (the spec's history visibility algorithm, at the event)
 */
public record VisibleEvent(StoredEvent event, boolean visible) {
    public VisibleEvent {
        requireNonNull(event, "event is null");
    }
}
