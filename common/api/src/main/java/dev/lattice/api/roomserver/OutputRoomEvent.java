package dev.lattice.api.roomserver;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.lattice.protocol.id.RoomId;

/**
 * What the roomserver publishes on {@code roomserver.output}, keyed by room ID, in the order it decided them for that
 * room. Delivery is at least once: every consumer must make a replay harmless (each variant says how).
 *
 * <p>Version 1 of the payload. Consumers ignore unknown fields; a new variant or a changed meaning gets a new type
 * name.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = NewRoomEvent.class, name = "new_room_event"),
    @JsonSubTypes.Type(value = RedactedEvent.class, name = "redacted_event"),
    @JsonSubTypes.Type(value = StateOutliers.class, name = "state_outliers"),
    @JsonSubTypes.Type(value = PartialStateStarted.class, name = "partial_state_started"),
    @JsonSubTypes.Type(value = PartialStateCompleted.class, name = "partial_state_completed")
})
public sealed interface OutputRoomEvent
        permits NewRoomEvent, RedactedEvent, StateOutliers, PartialStateStarted, PartialStateCompleted {

    /** The room the record is about; also the record's key. */
    RoomId roomId();
}
