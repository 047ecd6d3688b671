package dev.lattice.protocol.event;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.RoomVersionRules;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds, hashes and signs a new event for a room version, and returns it as a {@link Pdu} with its event ID.
 * The caller chooses {@code prev_events}, {@code auth_events} and {@code depth}.
 *
 * <pre>{@code
 * Pdu message = EventBuilder.forVersion(RoomVersionRules.V12)
 *         .type("m.room.message").sender(alice).roomId(roomId)
 *         .content(new JsonObjectBuilder().put("msgtype", "m.text").put("body", "hi").build())
 *         .prevEvents(List.of(last)).authEvents(List.of(powerLevels, aliceJoin)).depth(12)
 *         .originServerTs(System.currentTimeMillis())
 *         .sign(ServerName.parse("example.org"), signingKey);
 * }</pre>
 */
public final class EventBuilder {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RoomVersionRules rules;
    private String type;
    private String stateKey;
    private UserId sender;
    private JsonObject content = JsonObject.EMPTY;
    private RoomId roomId;
    private List<EventId> prevEvents = List.of();
    private List<EventId> authEvents = List.of();
    private long depth = -1;
    private long originServerTs = -1;
    private EventId redacts;
    private EventId eventId;
    private JsonObject unsigned;

    private EventBuilder(RoomVersionRules rules) {
        this.rules = requireNonNull(rules, "rules is null");
    }

    public static EventBuilder forVersion(RoomVersionRules rules) {
        return new EventBuilder(rules);
    }

    public EventBuilder type(String value) {
        this.type = requireNonNull(value, "type is null");
        return this;
    }

    /** Makes this a state event. */
    public EventBuilder stateKey(String value) {
        this.stateKey = requireNonNull(value, "stateKey is null");
        return this;
    }

    public EventBuilder sender(UserId value) {
        this.sender = requireNonNull(value, "sender is null");
        return this;
    }

    public EventBuilder content(JsonObject value) {
        this.content = requireNonNull(value, "content is null");
        return this;
    }

    /** The room; required except for a room version 12 create event. */
    public EventBuilder roomId(RoomId value) {
        this.roomId = requireNonNull(value, "roomId is null");
        return this;
    }

    public EventBuilder prevEvents(List<EventId> value) {
        this.prevEvents = List.copyOf(value);
        return this;
    }

    public EventBuilder authEvents(List<EventId> value) {
        this.authEvents = List.copyOf(value);
        return this;
    }

    public EventBuilder depth(long value) {
        this.depth = value;
        return this;
    }

    public EventBuilder originServerTs(long value) {
        this.originServerTs = value;
        return this;
    }

    /**
     * For {@code m.room.redaction}: the redacted event; written at the top level up to room version 10 and in
     * {@code content.redacts} from version 11.
     */
    public EventBuilder redacts(EventId value) {
        this.redacts = requireNonNull(value, "redacts is null");
        return this;
    }

    /** Room versions 1–2 only: the event ID; by default a random {@code $opaque:server} is chosen. */
    public EventBuilder eventId(EventId value) {
        this.eventId = requireNonNull(value, "eventId is null");
        return this;
    }

    /** Data not covered by hashes or signatures. */
    public EventBuilder unsigned(JsonObject value) {
        this.unsigned = requireNonNull(value, "unsigned is null");
        return this;
    }

    /**
     * The unsigned, unhashed event object.
     *
     * @param origin the server creating the event, for room version 1–2 event IDs
     */
    public JsonObject build(ServerName origin) {
        requireNonNull(type, "type is not set");
        requireNonNull(sender, "sender is not set");
        if (depth < 0 || originServerTs < 0) {
            throw new IllegalStateException("depth and originServerTs must be set");
        }
        JsonObjectBuilder b = new JsonObjectBuilder()
                .put("type", type)
                .put("sender", sender.value())
                .put("depth", depth)
                .put("origin_server_ts", originServerTs)
                .put("prev_events", references(prevEvents))
                .put("auth_events", references(authEvents))
                .put("hashes", JsonObject.EMPTY)
                .put("signatures", JsonObject.EMPTY);
        if (stateKey != null) {
            b.put("state_key", stateKey);
        }
        JsonObject eventContent = content;
        if (redacts != null) {
            if (rules.eventFormat().redactsInContent()) {
                eventContent = eventContent.with("redacts", JsonString.of(redacts.value()));
            } else {
                b.put("redacts", redacts.value());
            }
        }
        b.put("content", eventContent);
        boolean isCreate = type.equals("m.room.create") && "".equals(stateKey);
        if (!(isCreate && !rules.eventFormat().roomIdInCreateEvent())) {
            b.put("room_id", requireNonNull(roomId, "roomId is not set").value());
        }
        if (rules.eventFormat().requireEventIdField()) {
            b.put(
                    "event_id",
                    Optional.ofNullable(eventId)
                            .orElseGet(() -> randomEventId(origin))
                            .value());
        }
        if (unsigned != null) {
            b.put("unsigned", unsigned);
        }
        return b.build();
    }

    /** Builds the event, adds its content hash, signs it as {@code origin} and checks it as a {@link Pdu}. */
    public Pdu sign(ServerName origin, SigningKey key) {
        return Pdu.of(rules, EventSigning.sign(rules, build(origin), origin.value(), key));
    }

    private JsonArray references(List<EventId> ids) {
        List<CanonicalJsonValue> out = new ArrayList<>(ids.size());
        for (EventId id : ids) {
            // Room versions 1–2 reference [event_id, hashes]; like Synapse, we send an empty hashes object.
            out.add(
                    rules.eventFormat().eventReferencesWithHashes()
                            ? JsonArray.of(JsonString.of(id.value()), JsonObject.EMPTY)
                            : JsonString.of(id.value()));
        }
        return new JsonArray(out);
    }

    private static EventId randomEventId(ServerName origin) {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        StringBuilder sb = new StringBuilder("$");
        for (byte b : random) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return new EventId(sb.append(':').append(origin.value()).toString());
    }
}
