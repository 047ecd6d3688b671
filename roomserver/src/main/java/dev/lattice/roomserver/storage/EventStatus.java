package dev.lattice.roomserver.storage;

/** What the roomserver decided about a stored event. */
public enum EventStatus {
    /** Part of the room (or, for an outlier, known good). */
    ACCEPTED,
    /** Allowed by its auth events and the state before it, not by the current state: kept out of the timeline. */
    SOFT_FAILED,
    /** Refused by the checks on receipt; kept so a replay gets the same verdict and nothing builds on it. */
    REJECTED;

    /** The value stored in {@code events.status}. */
    public String dbValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static EventStatus fromDb(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
