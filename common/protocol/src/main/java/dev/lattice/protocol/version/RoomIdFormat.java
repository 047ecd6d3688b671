package dev.lattice.protocol.version;

/** How a room version's room IDs are made. */
public enum RoomIdFormat {
    /** Versions 1–11: {@code !opaque:server}, chosen by the creating server. */
    SERVER_NAME,
    /**
     * Version 12: {@code !} and the create event's reference hash (its event ID with {@code !} for {@code $})
     * (<a href="https://spec.matrix.org/v1.19/rooms/v12/#event-format">v12 event format</a>).
     */
    CREATE_EVENT_HASH
}
