package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.Optional;

/**
 * A room event as the read model holds it.
 *
 * @param position its stream position (negative for backfilled events)
 * @param eventId the event ID
 * @param roomId the room
 * @param roomVersion the room version
 * @param event the PDU, redacted once a redaction took effect
 * @param historyVisibility the room's history visibility just before this event
 * @param prevContent for a state event, the content of the state event it replaced
 * @param replacesState for a state event, the ID of the state event it replaced
 * @param transaction the client transaction it was sent in, if a local client sent it
 * @param redactedBecause the redaction event in client format, once redacted
 */
public record StoredEvent(
        long position,
        String eventId,
        String roomId,
        RoomVersionId roomVersion,
        JsonObject event,
        String historyVisibility,
        Optional<JsonObject> prevContent,
        Optional<String> replacesState,
        Optional<SendTransaction> transaction,
        Optional<JsonObject> redactedBecause) {

    public StoredEvent {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(roomId, "roomId is null");
        requireNonNull(roomVersion, "roomVersion is null");
        requireNonNull(event, "event is null");
        requireNonNull(historyVisibility, "historyVisibility is null");
        requireNonNull(prevContent, "prevContent is null");
        requireNonNull(replacesState, "replacesState is null");
        requireNonNull(transaction, "transaction is null");
        requireNonNull(redactedBecause, "redactedBecause is null");
    }

    public String type() {
        return event.getString("type").orElse("");
    }

    public String sender() {
        return event.getString("sender").orElse("");
    }

    public Optional<String> stateKey() {
        return event.getString("state_key");
    }

    public JsonObject content() {
        return event.getObject("content").orElse(JsonObject.EMPTY);
    }

    public long originServerTs() {
        return event.getInteger("origin_server_ts").orElse(0L);
    }
}
