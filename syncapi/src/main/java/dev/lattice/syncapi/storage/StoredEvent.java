package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.event.ClientEventFormat;
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
 * @param mayHaveRelations false when the read found no event relating to this one (then its bundled aggregations
 *     need no read); true when one did, or when the read did not look
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
        Optional<JsonObject> redactedBecause,
        boolean mayHaveRelations) {

    /** An event read without looking for relations to it. */
    public StoredEvent(
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
        this(
                position,
                eventId,
                roomId,
                roomVersion,
                event,
                historyVisibility,
                prevContent,
                replacesState,
                transaction,
                redactedBecause,
                true);
    }

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

    /**
     * The event in the client format as {@code viewer} sees it at {@code nowMillis}.
     *
     * @param viewer the device the event goes to; only the device that sent it gets {@code unsigned.transaction_id}
     * @param withRoomId whether to include {@code room_id} (not inside {@code /sync}'s room sections)
     */
    public JsonObject toClient(AuthenticatedDevice viewer, long nowMillis, boolean withRoomId) {
        return toClient(viewer, nowMillis, withRoomId, Optional.empty());
    }

    /**
     * The event in the client format with its bundled aggregations.
     *
     * @param relations {@code unsigned.m.relations}, when other events relate to it
     */
    public JsonObject toClient(
            AuthenticatedDevice viewer, long nowMillis, boolean withRoomId, Optional<JsonObject> relations) {
        ClientEventFormat.Unsigned unsigned = ClientEventFormat.Unsigned.NONE
                .withAge(originServerTs(), nowMillis)
                .withTransactionId(
                        transaction.filter(txn -> sentBy(txn, viewer)).map(SendTransaction::transactionId))
                .withRedactedBecause(redactedBecause)
                .withPrevContent(prevContent)
                .withReplacesState(replacesState)
                .withRelations(relations);
        return ClientEventFormat.format(
                roomVersion, eventId, withRoomId ? Optional.of(roomId) : Optional.empty(), event, unsigned);
    }

    /**
     * This redaction event as stored in the redacted event's {@code unsigned.redacted_because}: the client format
     * without {@code unsigned}, which would be stale (its age) or private (its transaction ID).
     */
    public JsonObject asRedactedBecause() {
        return ClientEventFormat.format(
                roomVersion, eventId, Optional.of(roomId), event, ClientEventFormat.Unsigned.NONE);
    }

    private static boolean sentBy(SendTransaction transaction, AuthenticatedDevice viewer) {
        return viewer != null
                && transaction.userId().equals(viewer.userId())
                && transaction.deviceId().equals(viewer.deviceId());
    }
}
