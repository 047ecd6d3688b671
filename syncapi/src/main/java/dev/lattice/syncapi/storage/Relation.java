package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * An event's {@code content.m.relates_to}: the child relates to the parent with {@code relType}.
 *
 * @param eventId the child
 * @param relatesTo the parent
 * @param type the child's event type
 * @param position the child's stream position
 */
public record Relation(String eventId, String relatesTo, String relType, String type, String sender, long position) {
    public Relation {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(relatesTo, "relatesTo is null");
        requireNonNull(relType, "relType is null");
        requireNonNull(type, "type is null");
        requireNonNull(sender, "sender is null");
    }
}
