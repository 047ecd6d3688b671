package dev.lattice.protocol.auth;

import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.AuthorizationRules;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A room under construction for auth tests: it builds events whose auth events follow the auth events selection
 * of its current state, checks them, and applies the allowed ones.
 *
 * <pre>{@code
 * TestRoom room = TestRoom.create(AuthorizationRules.V10, "10", ALICE).publicChat(ALICE);
 * AuthResult result = room.check(room.event(BOB, "m.room.member", BOB, "{\"membership\":\"join\"}"));
 * }</pre>
 */
public final class TestRoom {
    public static final String ALICE = "@alice:example.org";
    public static final String BOB = "@bob:example.org";
    public static final String CHARLIE = "@charlie:example.org";
    public static final String EVE = "@eve:evil.example";

    private final AuthorizationRules rules;
    private final RoomVersionRules versionRules;
    private final Map<StateKey, RoomEvent> state = new LinkedHashMap<>();
    private final Map<String, RoomEvent> events = new HashMap<>();
    private final String roomId;
    private AuthVerifiers verifiers = AuthVerifiers.NO_THIRD_PARTY_INVITES;
    private String lastEventId;
    private long clock;
    private int counter;

    private TestRoom(AuthorizationRules rules, RoomVersionRules versionRules, String roomId) {
        this.rules = rules;
        this.versionRules = versionRules;
        this.roomId = roomId;
    }

    /** A room with its create event (content {@code room_version} and, before v11, {@code creator}) and creator join. */
    public static TestRoom create(AuthorizationRules rules, String roomVersion, String creator) {
        return create(rules, roomVersion, creator, "{}");
    }

    /** As {@link #create(AuthorizationRules, String, String)} with extra create content, e.g. additional creators. */
    public static TestRoom create(AuthorizationRules rules, String roomVersion, String creator, String extraContent) {
        JsonObject content = TestJson.object(extraContent)
                .with("room_version", dev.lattice.protocol.json.JsonString.of(roomVersion));
        if (!rules.useRoomCreateSender()) {
            content = content.with("creator", dev.lattice.protocol.json.JsonString.of(creator));
        }
        String createId = rules.roomCreateEventIdAsRoomId() ? "$create-" + roomVersion : "$create:example.org";
        String roomId = rules.roomCreateEventIdAsRoomId() ? "!" + createId.substring(1) : "!room:example.org";
        // The room version's own rules, with the authorization rules under test (some tests mix them on purpose).
        RoomVersionRules versionRules =
                RoomVersions.rules(RoomVersionId.of(roomVersion)).orElseThrow().withAuthorization(rules);
        TestRoom room = new TestRoom(rules, versionRules, roomId);
        TestingRoomEvent create = new TestingRoomEvent(
                createId,
                roomId,
                creator,
                "m.room.create",
                Optional.of(""),
                content,
                List.of(),
                List.of(),
                room.clock++,
                1,
                Optional.empty());
        room.apply(create);
        room.send(creator, "m.room.member", creator, "{\"membership\":\"join\"}");
        return room;
    }

    /** Power levels giving the creator 100 (before v12; v12 creators are implicit), then a public join rule. */
    public TestRoom publicChat(String creator) {
        String users = rules.explicitlyPrivilegeRoomCreators() ? "{}" : "{\"" + creator + "\": 100}";
        send(creator, "m.room.power_levels", "", "{\"users\": " + users + "}");
        send(creator, "m.room.join_rules", "", "{\"join_rule\": \"public\"}");
        return this;
    }

    public TestRoom withVerifiers(AuthVerifiers verifiers) {
        this.verifiers = verifiers;
        return this;
    }

    public AuthorizationRules rules() {
        return rules;
    }

    /** The room version's rules (event format, auth events selection) with {@link #rules()} as authorization. */
    public RoomVersionRules versionRules() {
        return versionRules;
    }

    public String roomId() {
        return roomId;
    }

    /** Builds an event on top of the room, with auth events chosen from the current state; does not apply it. */
    public TestingRoomEvent event(String sender, String type, String stateKey, String content) {
        return event(sender, type, Optional.ofNullable(stateKey), TestJson.object(content), Optional.empty());
    }

    public TestingRoomEvent event(
            String sender, String type, Optional<String> stateKey, JsonObject content, Optional<String> redacts) {
        List<String> authEvents = new ArrayList<>();
        for (StateKey key : AuthEventsSelection.forEvent(versionRules, type, stateKey, sender, content)) {
            RoomEvent authEvent = state.get(key);
            if (authEvent != null) {
                authEvents.add(authEvent.eventId());
            }
        }
        String server = rules.roomCreateEventIdAsRoomId() ? "" : ":example.org";
        return new TestingRoomEvent(
                "$" + (++counter) + "-" + type + server,
                roomId,
                sender,
                type,
                stateKey,
                content,
                List.of(lastEventId),
                authEvents,
                clock++,
                counter + 1,
                redacts);
    }

    /** Checks the event against the current state (and its auth events' shape), without applying it. */
    public AuthResult check(RoomEvent event) {
        List<RoomEvent> authEvents = event.authEvents().stream()
                .map(events::get)
                .filter(Objects::nonNull)
                .toList();
        AuthResult listed = AuthEventsCheck.check(versionRules, event, authEvents);
        if (!listed.allowed()) {
            return listed;
        }
        AuthResult byAuthEvents = AuthCheck.check(
                rules,
                event,
                StateLookup.ofEvents(authEvents).withCreate(state.get(StateKey.of("m.room.create", ""))),
                verifiers);
        if (!byAuthEvents.allowed()) {
            return byAuthEvents;
        }
        return AuthCheck.check(rules, event, StateLookup.of(state), verifiers);
    }

    /** Builds, checks and applies an event; fails the test if the rules reject it. */
    public TestingRoomEvent send(String sender, String type, String stateKey, String content) {
        TestingRoomEvent event = event(sender, type, stateKey, content);
        AuthResult result = check(event);
        if (!result.allowed()) {
            throw new AssertionError("expected " + event + " to be allowed, got " + result);
        }
        apply(event);
        return event;
    }

    /** Adds the event to the DAG and, for state events, to the state, without checking it. */
    public void apply(RoomEvent event) {
        events.put(event.eventId(), event);
        event.stateKey().ifPresent(key -> state.put(StateKey.of(event.type(), key), event));
        lastEventId = event.eventId();
    }

    public Map<StateKey, RoomEvent> state() {
        return state;
    }

    public Optional<RoomEvent> stateEvent(String type, String stateKey) {
        return Optional.ofNullable(state.get(StateKey.of(type, stateKey)));
    }

    public void join(String user) {
        send(user, "m.room.member", user, "{\"membership\":\"join\"}");
    }
}
