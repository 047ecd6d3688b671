package dev.lattice.protocol.version;

/**
 * The differences between room versions' PDU formats
 * (<a href="https://spec.matrix.org/v1.19/server-server-api/#pdus">PDUs</a> and each version's "Event format").
 *
 * @param requireEventIdField versions 1–2: the PDU carries its {@code event_id}; from
 *     <a href="https://spec.matrix.org/v1.19/rooms/v3/#event-format">v3</a> it is computed, never sent
 * @param eventReferencesWithHashes versions 1–2: {@code prev_events} and {@code auth_events} are
 *     {@code [event_id, {"sha256": ...}]} pairs; plain event IDs from v3
 * @param redactsInContent version 11+: {@code m.room.redaction} carries {@code redacts} in {@code content}, not at the
 *     top level (<a href="https://spec.matrix.org/v1.19/rooms/v11/#event-format">v11</a>)
 * @param roomIdInCreateEvent versions 1–11: the create event has a {@code room_id}; in
 *     <a href="https://spec.matrix.org/v1.19/rooms/v12/#event-format">v12</a> it has none and the room ID is derived
 *     from its event ID
 * @param createEventInAuthEvents versions 1–11: events list the create event in {@code auth_events}; in v12 they must
 *     not (the room ID implies it)
 */
public record EventFormatRules(
        boolean requireEventIdField,
        boolean eventReferencesWithHashes,
        boolean redactsInContent,
        boolean roomIdInCreateEvent,
        boolean createEventInAuthEvents) {

    /** Versions 1–2. */
    public static final EventFormatRules V1 = new EventFormatRules(true, true, false, true, true);
    /** Versions 3–10. */
    public static final EventFormatRules V3 = new EventFormatRules(false, false, false, true, true);
    /** Version 11. */
    public static final EventFormatRules V11 = V3.withRedactsInContent(true);
    /** Version 12. */
    public static final EventFormatRules V12 =
            V11.withRoomIdInCreateEvent(false).withCreateEventInAuthEvents(false);

    public EventFormatRules withRedactsInContent(boolean value) {
        return new EventFormatRules(
                requireEventIdField, eventReferencesWithHashes, value, roomIdInCreateEvent, createEventInAuthEvents);
    }

    public EventFormatRules withRoomIdInCreateEvent(boolean value) {
        return new EventFormatRules(
                requireEventIdField, eventReferencesWithHashes, redactsInContent, value, createEventInAuthEvents);
    }

    public EventFormatRules withCreateEventInAuthEvents(boolean value) {
        return new EventFormatRules(
                requireEventIdField, eventReferencesWithHashes, redactsInContent, roomIdInCreateEvent, value);
    }
}
