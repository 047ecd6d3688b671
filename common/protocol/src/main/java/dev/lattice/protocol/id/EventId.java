package dev.lattice.protocol.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * An event ID (<a href="https://spec.matrix.org/v1.19/appendices/#event-ids">Event IDs</a>): {@code $opaque:server}
 * in room versions 1–2, {@code $} and the reference hash in base64 (standard in version 3, URL-safe from 4).
 * The grammar is checked loosely here (sigil, no NUL, at most 255 bytes); the room version's format is checked
 * where the room version is known.
 */
public record EventId(String value) {

    public EventId {
        IdValidation.eventId(value);
    }

    @JsonCreator
    public static EventId parse(String value) {
        return new EventId(value);
    }

    /** The server name of a room version 1–2 event ID, if it has one. */
    public Optional<ServerName> serverName() {
        int colon = value.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ServerName(value.substring(colon + 1)));
        } catch (InvalidIdException e) {
            return Optional.empty();
        }
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
