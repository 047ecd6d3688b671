package dev.lattice.roomserver;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.lattice.api.roomserver.ClientRoomserverApi;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.LatestEvents;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.auth.AuthEventsSelection;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Builds and submits events the way client-api does: latest events and auth state from the roomserver's queries,
 * {@link EventBuilder}, the server's signing key, then {@link ClientRoomserverApi#inputRoomEvent}.
 *
 * <pre>{@code
 * TestingRoomClient client = new TestingRoomClient(api, RoomVersionRules.V12);
 * RoomId room = client.createPublicRoom(alice, "shared");
 * client.send(room, alice, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"hi\"}");
 * }</pre>
 */
public final class TestingRoomClient {
    public static final ServerName SERVER = ServerName.parse("test.lattice");
    public static final SigningKey KEY = SigningKey.generate("test");

    private final ClientRoomserverApi api;
    private final RoomVersionRules rules;
    private long clock = System.currentTimeMillis();

    public TestingRoomClient(ClientRoomserverApi api, RoomVersionRules rules) {
        this.api = api;
        this.rules = rules;
    }

    public static UserId user(String localpart) {
        return UserId.parse("@" + localpart + "-" + UUID.randomUUID().toString().substring(0, 8) + ":" + SERVER);
    }

    public static JsonObject json(String json) {
        return CanonicalJson.parseObject(json);
    }

    public RoomVersionRules rules() {
        return rules;
    }

    /** The create event of a new room by {@code creator}. */
    public Pdu createEvent(UserId creator) {
        JsonObject content = json("{\"room_version\":\"" + rules.id() + "\"}");
        if (!rules.authorization().useRoomCreateSender()) {
            content = content.with("creator", dev.lattice.protocol.json.JsonString.of(creator.value()));
        }
        EventBuilder builder = EventBuilder.forVersion(rules)
                .type("m.room.create")
                .stateKey("")
                .sender(creator)
                .content(content)
                .depth(1)
                .originServerTs(clock++);
        if (rules.eventFormat().roomIdInCreateEvent()) {
            builder.roomId(RoomId.of(UUID.randomUUID().toString().substring(0, 12), SERVER));
        }
        return builder.sign(SERVER, KEY);
    }

    /** Creates a room: create, creator join, power levels, public join rule, the history visibility given. */
    public RoomId createPublicRoom(UserId creator, String historyVisibility) {
        Pdu create = createEvent(creator);
        expectAccepted(submit(create, null));
        RoomId room = RoomId.parse(create.roomId());
        send(room, creator, "m.room.member", creator.value(), "{\"membership\":\"join\"}");
        String users = rules.authorization().explicitlyPrivilegeRoomCreators() ? "{}" : "{\"" + creator + "\":100}";
        send(room, creator, "m.room.power_levels", "", "{\"users\":" + users + "}");
        send(room, creator, "m.room.join_rules", "", "{\"join_rule\":\"public\"}");
        send(room, creator, "m.room.history_visibility", "", "{\"history_visibility\":\"" + historyVisibility + "\"}");
        return room;
    }

    /** Builds an event on the room's current forward extremities, without submitting it. */
    public Pdu build(RoomId room, UserId sender, String type, String stateKey, String content) {
        JsonObject body = json(content);
        Set<StateKey> keys =
                AuthEventsSelection.forEvent(rules, type, Optional.ofNullable(stateKey), sender.value(), body);
        LatestEvents latest = api.queryLatestEvents(room, keys).block().orElseThrow();
        EventBuilder builder = EventBuilder.forVersion(rules)
                .type(type)
                .sender(sender)
                .roomId(room)
                .content(body)
                .prevEvents(latest.prevEvents())
                .authEvents(latest.authEvents())
                .depth(latest.depth())
                .originServerTs(clock++);
        if (stateKey != null) {
            builder.stateKey(stateKey);
        }
        return builder.sign(SERVER, KEY);
    }

    /** A redaction of {@code target} by {@code sender}. */
    public Pdu buildRedaction(RoomId room, UserId sender, EventId target) {
        Set<StateKey> keys = AuthEventsSelection.forEvent(
                rules, "m.room.redaction", Optional.empty(), sender.value(), JsonObject.EMPTY);
        LatestEvents latest = api.queryLatestEvents(room, keys).block().orElseThrow();
        return EventBuilder.forVersion(rules)
                .type("m.room.redaction")
                .sender(sender)
                .roomId(room)
                .content(json("{\"reason\":\"spam\"}"))
                .redacts(target)
                .prevEvents(latest.prevEvents())
                .authEvents(latest.authEvents())
                .depth(latest.depth())
                .originServerTs(clock++)
                .sign(SERVER, KEY);
    }

    public InputVerdict submit(Pdu pdu, SendTransaction transaction) {
        return api.inputRoomEvent(input(pdu, transaction)).block();
    }

    public InputRoomEvent input(Pdu pdu, SendTransaction transaction) {
        return InputRoomEvent.newEvent(
                RoomId.parse(pdu.roomId()), rules.id(), new String(pdu.bytes(), UTF_8), SERVER, transaction);
    }

    /** Builds, submits, and expects the event accepted; returns it. */
    public Pdu send(RoomId room, UserId sender, String type, String stateKey, String content) {
        Pdu pdu = build(room, sender, type, stateKey, content);
        expectAccepted(submit(pdu, null));
        return pdu;
    }

    public Pdu message(RoomId room, UserId sender, String body) {
        return send(room, sender, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}");
    }

    public Pdu join(RoomId room, UserId user) {
        return send(room, user, "m.room.member", user.value(), "{\"membership\":\"join\"}");
    }

    private static void expectAccepted(InputVerdict verdict) {
        if (verdict.outcome() != InputVerdict.Outcome.ACCEPTED) {
            throw new AssertionError("expected ACCEPTED, got " + verdict);
        }
    }

    public static List<String> ids(List<Pdu> events) {
        return events.stream().map(Pdu::eventId).toList();
    }
}
