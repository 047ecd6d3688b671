package dev.lattice.syncapi;

import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.RedactedEvent;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A room as the roomserver would publish it: real signed PDUs chained by {@code prev_events}, and for each state
 * event the delta the roomserver computes (it adds itself and removes the event it replaces).
 *
 * <pre>{@code
 * TestRoom room = TestRoom.create(alice);            // create + alice's join + history visibility shared
 * NewRoomEvent hello = room.message(alice, "hello");
 * }</pre>
 */
public final class TestRoom {
    public static final ServerName SERVER = ServerName.parse("example.org");
    private static final SigningKey KEY = SigningKey.generate("test");

    private final RoomVersionRules rules;
    private final RoomId roomId;
    private final Map<String, String> state = new HashMap<>();
    private final List<NewRoomEvent> published = new ArrayList<>();
    private EventId last;
    private long depth;

    private TestRoom(RoomVersionRules rules) {
        this.rules = rules;
        this.roomId = RoomId.parse("!" + UUID.randomUUID().toString().replace("-", "") + ":" + SERVER);
    }

    /** A room (version 10) with its create event and the creator joined; events are not published yet. */
    public static TestRoom create(UserId creator) {
        TestRoom room = new TestRoom(RoomVersionRules.V10);
        room.state(
                creator,
                "m.room.create",
                "",
                new JsonObjectBuilder()
                        .put("creator", creator.toString())
                        .put("room_version", "10")
                        .build());
        room.member(creator, creator, "join");
        return room;
    }

    public static UserId user(String localpart) {
        return UserId.parse("@" + localpart + "-" + UUID.randomUUID().toString().substring(0, 8) + ":" + SERVER);
    }

    public String id() {
        return roomId.toString();
    }

    public RoomVersionRules rules() {
        return rules;
    }

    /** Every event built so far, in order. */
    public List<NewRoomEvent> events() {
        return List.copyOf(published);
    }

    public NewRoomEvent message(UserId sender, String body) {
        return event(
                sender,
                "m.room.message",
                null,
                new JsonObjectBuilder()
                        .put("msgtype", "m.text")
                        .put("body", body)
                        .build(),
                null);
    }

    /** A message sent by a local client in a transaction. */
    public NewRoomEvent message(UserId sender, DeviceId device, String transactionId, String body) {
        return event(
                sender,
                "m.room.message",
                null,
                new JsonObjectBuilder()
                        .put("msgtype", "m.text")
                        .put("body", body)
                        .build(),
                new SendTransaction(sender, device, transactionId));
    }

    /** A message relating to {@code parent} with {@code relType} (an edit carries {@code m.new_content}). */
    public NewRoomEvent related(UserId sender, String relType, NewRoomEvent parent, String body) {
        JsonObjectBuilder content = new JsonObjectBuilder()
                .put("msgtype", "m.text")
                .put("body", body)
                .put(
                        "m.relates_to",
                        new JsonObjectBuilder()
                                .put("rel_type", relType)
                                .put("event_id", parent.eventId().toString())
                                .build());
        if (relType.equals("m.replace")) {
            content.put(
                    "m.new_content",
                    new JsonObjectBuilder()
                            .put("msgtype", "m.text")
                            .put("body", body)
                            .build());
        }
        return event(sender, "m.room.message", null, content.build(), null);
    }

    public NewRoomEvent member(UserId sender, UserId target, String membership) {
        return state(
                sender,
                "m.room.member",
                target.toString(),
                new JsonObjectBuilder().put("membership", membership).build());
    }

    public NewRoomEvent historyVisibility(UserId sender, String visibility) {
        return state(
                sender,
                "m.room.history_visibility",
                "",
                new JsonObjectBuilder().put("history_visibility", visibility).build());
    }

    public NewRoomEvent state(UserId sender, String type, String stateKey, JsonObject content) {
        return event(sender, type, stateKey, content, null);
    }

    /** An {@code m.room.redaction} of {@code target}, and the record the roomserver publishes when it takes effect. */
    public List<Object> redact(UserId sender, NewRoomEvent target) {
        Pdu pdu = builder(sender, "m.room.redaction", JsonObject.EMPTY)
                .redacts(target.eventId())
                .sign(SERVER, KEY);
        NewRoomEvent redaction = record(pdu, List.of(), List.of(), null);
        return List.of(redaction, new RedactedEvent(RoomId.parse(id()), target.eventId(), redaction.eventId()));
    }

    private NewRoomEvent event(
            UserId sender, String type, String stateKey, JsonObject content, SendTransaction transaction) {
        EventBuilder builder = builder(sender, type, content);
        if (stateKey != null) {
            builder.stateKey(stateKey);
        }
        Pdu pdu = builder.sign(SERVER, KEY);
        List<String> adds = List.of();
        List<String> removes = List.of();
        if (stateKey != null) {
            adds = List.of(pdu.eventId());
            String replaced = state.put(type + "\u0000" + stateKey, pdu.eventId());
            removes = replaced == null ? List.of() : List.of(replaced);
        }
        return record(pdu, adds, removes, transaction);
    }

    private EventBuilder builder(UserId sender, String type, JsonObject content) {
        return EventBuilder.forVersion(rules)
                .type(type)
                .sender(sender)
                .roomId(roomId)
                .content(content)
                .prevEvents(last == null ? List.of() : List.of(last))
                .authEvents(List.of())
                .depth(++depth)
                .originServerTs(System.currentTimeMillis());
    }

    private NewRoomEvent record(Pdu pdu, List<String> adds, List<String> removes, SendTransaction transaction) {
        last = pdu.id();
        NewRoomEvent record = new NewRoomEvent(
                RoomId.parse(id()),
                rules.id(),
                EventId.parse(pdu.eventId()),
                CanonicalJson.encodeToString(pdu.json()),
                adds.stream().map(EventId::parse).toList(),
                removes.stream().map(EventId::parse).toList(),
                transaction,
                false);
        published.add(record);
        return record;
    }
}
