package dev.lattice.syncapi.internal;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.StoredEvent;
import java.util.Optional;

/**
 * Stored events in the formats clients see. The
 * <a href="https://spec.matrix.org/v1.19/client-server-api/#room-event-format">client event format</a> keeps
 * {@code event_id}, {@code type}, {@code sender}, {@code origin_server_ts}, {@code content}, {@code state_key} (state
 * events) and {@code redacts} (redactions up to room version 10), adds {@code room_id} only where the endpoint's
 * schema has it (not inside {@code /sync}'s room sections), and builds {@code unsigned} afresh; the federation fields
 * ({@code auth_events}, {@code prev_events}, {@code hashes}, {@code signatures}, {@code depth}, {@code origin}, ...)
 * and the PDU's own {@code unsigned} are never shown.
 */
public final class ClientEvents {

    private ClientEvents() {}

    /**
     * The event as {@code viewer} sees it at {@code nowMillis}.
     *
     * @param viewer the device the event goes to; only the device that sent it gets {@code unsigned.transaction_id}
     * @param withRoomId whether to include {@code room_id}
     */
    public static JsonObject toClient(
            StoredEvent event, AuthenticatedDevice viewer, long nowMillis, boolean withRoomId) {
        JsonObjectBuilder unsigned =
                new JsonObjectBuilder().put("age", Math.max(0, nowMillis - event.originServerTs()));
        event.transaction()
                .filter(txn -> sentBy(txn, viewer))
                .ifPresent(txn -> unsigned.put("transaction_id", txn.transactionId()));
        event.redactedBecause().ifPresent(redaction -> unsigned.put("redacted_because", redaction));
        event.prevContent().ifPresent(content -> unsigned.put("prev_content", content));
        event.replacesState().ifPresent(id -> unsigned.put("replaces_state", id));
        return base(event, withRoomId).put("unsigned", unsigned.build()).build();
    }

    /**
     * The redaction event as stored in the redacted event's {@code unsigned.redacted_because}: the client format
     * without {@code unsigned}, which would be stale (its age) or private (its transaction ID).
     */
    public static JsonObject redactedBecause(StoredEvent redaction) {
        return base(redaction, true).build();
    }

    /**
     * The <a href="https://spec.matrix.org/v1.19/client-server-api/#stripped-state">stripped state</a> form:
     * {@code content}, {@code sender}, {@code state_key} and {@code type}.
     */
    public static JsonObject stripped(StoredEvent event) {
        return stripped(event.event());
    }

    /** The stripped form of a raw event object. */
    public static JsonObject stripped(JsonObject event) {
        JsonObjectBuilder out = new JsonObjectBuilder()
                .put("content", event.getObject("content").orElse(JsonObject.EMPTY))
                .put("sender", event.getString("sender").orElse(""))
                .put("type", event.getString("type").orElse(""));
        event.getString("state_key").ifPresent(key -> out.put("state_key", key));
        return out.build();
    }

    private static JsonObjectBuilder base(StoredEvent event, boolean withRoomId) {
        JsonObject pdu = event.event();
        JsonObjectBuilder out = new JsonObjectBuilder()
                .put("event_id", event.eventId())
                .put("type", event.type())
                .put("sender", event.sender())
                .put("origin_server_ts", event.originServerTs())
                .put("content", event.content());
        event.stateKey().ifPresent(key -> out.put("state_key", key));
        Optional<String> redacts = pdu.getString("redacts");
        redacts.ifPresent(id -> out.put("redacts", id));
        if (withRoomId) {
            out.put("room_id", event.roomId());
        }
        return out;
    }

    private static boolean sentBy(SendTransaction transaction, AuthenticatedDevice viewer) {
        return viewer != null
                && transaction.userId().equals(viewer.userId())
                && transaction.deviceId().equals(viewer.deviceId());
    }
}
