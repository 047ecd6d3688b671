package dev.lattice.protocol.version;

/** How a room version's event IDs are made. */
public enum EventIdFormat {
    /**
     * Versions 1–2: {@code $opaque:server}, chosen by the sending server and carried in the event's {@code event_id}
     * (<a href="https://spec.matrix.org/v1.19/rooms/v1/#event-ids">v1 event IDs</a>).
     */
    V1_V2,
    /**
     * Version 3: {@code $} and the reference hash in standard unpadded base64
     * (<a href="https://spec.matrix.org/v1.19/rooms/v3/#event-ids">v3 event IDs</a>).
     */
    V3,
    /**
     * Version 4 onwards: {@code $} and the reference hash in URL-safe unpadded base64
     * (<a href="https://spec.matrix.org/v1.19/rooms/v4/#event-ids">v4 event IDs</a>).
     */
    V4_PLUS
}
