package dev.lattice.protocol.event;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.protocol.version.RoomVersions;
import java.util.Optional;

/**
 * Room events in the formats clients see. The
 * <a href="https://spec.matrix.org/v1.19/client-server-api/#room-event-format">client event format</a> keeps
 * {@code event_id}, {@code type}, {@code sender}, {@code origin_server_ts}, {@code content} and {@code state_key}
 * (state events), adds {@code room_id} where the endpoint's schema has it (not inside {@code /sync}'s room sections),
 * and builds {@code unsigned} afresh from what the server knows about the event. The federation fields
 * ({@code auth_events}, {@code prev_events}, {@code hashes}, {@code signatures}, {@code depth}, {@code origin}, ...)
 * and the PDU's own {@code unsigned} (another server's data) are never shown.
 *
 * <p>A redaction's {@code redacts} is served in both places: at the top level and in {@code content}, whatever the
 * room version, as the <a href="https://spec.matrix.org/v1.19/rooms/v11/#moving-the-redacts-property-of-mroomredaction-events-to-a-content-property">v11
 * notes</a> ask for backwards compatibility, and as Synapse does ({@code serialize_event}): the room version says
 * which place is authoritative, and its value overwrites the other. Clients that read only one place (matrix-js-sdk
 * reads the top level) then apply the redaction in every room version.
 */
public final class ClientEventFormat {
    private static final String REDACTION = "m.room.redaction";

    private ClientEventFormat() {}

    /**
     * What the server adds in {@code unsigned}; each part applies only where the spec says.
     *
     * @param age milliseconds since the event was sent, at serving time
     * @param redactedBecause the redaction that took effect on the event, in client format without {@code unsigned}
     * @param prevContent for a state event, the content of the state event it replaced
     * @param replacesState for a state event, the ID of the state event it replaced
     * @param transactionId the client's transaction ID; only for the device that sent the event
     * @param relations the bundled aggregations of the events that relate to this one ({@code m.relations})
     */
    public record Unsigned(
            Optional<Long> age,
            Optional<JsonObject> redactedBecause,
            Optional<JsonObject> prevContent,
            Optional<String> replacesState,
            Optional<String> transactionId,
            Optional<JsonObject> relations) {

        /** Nothing: the event is served without {@code unsigned}. */
        public static final Unsigned NONE = new Unsigned(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());

        public Unsigned {
            requireNonNull(age, "age is null");
            requireNonNull(redactedBecause, "redactedBecause is null");
            requireNonNull(prevContent, "prevContent is null");
            requireNonNull(replacesState, "replacesState is null");
            requireNonNull(transactionId, "transactionId is null");
            requireNonNull(relations, "relations is null");
        }

        /** The age of an event sent at {@code originServerTs}, served at {@code nowMillis} (never negative). */
        public Unsigned withAge(long originServerTs, long nowMillis) {
            return new Unsigned(
                    Optional.of(Math.max(0, nowMillis - originServerTs)),
                    redactedBecause,
                    prevContent,
                    replacesState,
                    transactionId,
                    relations);
        }

        public Unsigned withRedactedBecause(Optional<JsonObject> value) {
            return new Unsigned(age, value, prevContent, replacesState, transactionId, relations);
        }

        public Unsigned withPrevContent(Optional<JsonObject> value) {
            return new Unsigned(age, redactedBecause, value, replacesState, transactionId, relations);
        }

        public Unsigned withReplacesState(Optional<String> value) {
            return new Unsigned(age, redactedBecause, prevContent, value, transactionId, relations);
        }

        public Unsigned withTransactionId(Optional<String> value) {
            return new Unsigned(age, redactedBecause, prevContent, replacesState, value, relations);
        }

        /** With {@code m.relations}; an empty object is left out. */
        public Unsigned withRelations(Optional<JsonObject> value) {
            return new Unsigned(
                    age,
                    redactedBecause,
                    prevContent,
                    replacesState,
                    transactionId,
                    value.filter(object -> !object.members().isEmpty()));
        }

        boolean isEmpty() {
            return age.isEmpty()
                    && redactedBecause.isEmpty()
                    && prevContent.isEmpty()
                    && replacesState.isEmpty()
                    && transactionId.isEmpty()
                    && relations.isEmpty();
        }

        JsonObject toJson() {
            JsonObjectBuilder out = new JsonObjectBuilder();
            age.ifPresent(value -> out.put("age", value));
            redactedBecause.ifPresent(value -> out.put("redacted_because", value));
            prevContent.ifPresent(value -> out.put("prev_content", value));
            replacesState.ifPresent(value -> out.put("replaces_state", value));
            transactionId.ifPresent(value -> out.put("transaction_id", value));
            relations.ifPresent(value -> out.put("m.relations", value));
            return out.build();
        }
    }

    /**
     * The client format of a PDU.
     *
     * @param roomVersion the room's version: says where a redaction's {@code redacts} is authoritative
     * @param eventId the event's ID (v3+ PDUs do not carry it)
     * @param roomId the room ID to include, or empty where the endpoint's schema has none
     * @param pdu the PDU (redacted form once a redaction took effect)
     * @param unsigned what to serve in {@code unsigned}; {@link Unsigned#NONE} serves none
     */
    public static JsonObject format(
            RoomVersionId roomVersion, String eventId, Optional<String> roomId, JsonObject pdu, Unsigned unsigned) {
        String type = pdu.getString("type").orElse("");
        JsonObject content = pdu.getObject("content").orElse(JsonObject.EMPTY);
        JsonObjectBuilder out = new JsonObjectBuilder()
                .put("event_id", eventId)
                .put("type", type)
                .put("sender", pdu.getString("sender").orElse(""))
                .put("origin_server_ts", pdu.getInteger("origin_server_ts").orElse(0L));
        pdu.getString("state_key").ifPresent(key -> out.put("state_key", key));
        roomId.ifPresent(id -> out.put("room_id", id));
        if (type.equals(REDACTION)) {
            Optional<String> redacts = redacts(roomVersion, pdu, content);
            if (redacts.isPresent()) {
                out.put("redacts", redacts.get());
                content = content.with("redacts", JsonString.of(redacts.get()));
            }
        }
        out.put("content", content);
        if (!unsigned.isEmpty()) {
            out.put("unsigned", unsigned.toJson());
        }
        return out.build();
    }

    /**
     * The <a href="https://spec.matrix.org/v1.19/client-server-api/#stripped-state">stripped state</a> form of an
     * event object: {@code content}, {@code sender}, {@code state_key} and {@code type}.
     */
    public static JsonObject stripped(JsonObject event) {
        JsonObjectBuilder out = new JsonObjectBuilder()
                .put("content", event.getObject("content").orElse(JsonObject.EMPTY))
                .put("sender", event.getString("sender").orElse(""))
                .put("type", event.getString("type").orElse(""));
        event.getString("state_key").ifPresent(key -> out.put("state_key", key));
        return out.build();
    }

    /**
     * The redacted event's ID, from the place the room version puts it (content from v11, top level before). For a
     * version this server does not know, whichever place has it, content first.
     */
    private static Optional<String> redacts(RoomVersionId roomVersion, JsonObject pdu, JsonObject content) {
        Optional<String> top = pdu.getString("redacts");
        Optional<String> inContent = content.getString("redacts");
        return RoomVersions.rules(roomVersion)
                .map(rules -> rules.eventFormat().redactsInContent() ? inContent : top)
                .orElseGet(() -> inContent.or(() -> top));
    }
}
