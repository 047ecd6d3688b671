package dev.lattice.protocol.stateres;

import dev.lattice.protocol.auth.AuthEventsSelection;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.TestJson;
import dev.lattice.protocol.auth.TestingRoomEvent;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.AuthorizationRules;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.StateResVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A large public room that forks: {@code members} users join, then two forks each change state concurrently.
 * Fork A: the admin promotes a moderator, and the first {@code conflicts / 2} members change their display names.
 * Fork B: the next {@code conflicts / 2} members leave, every tenth of them kicked by the admin (power events).
 * The two states after the forks differ in {@code conflicts + 1} keys.
 */
public final class LargeRoom {
    static final String ADMIN = "@admin:example.org";

    public final RoomVersionRules version;
    public final StateResVersion stateRes;
    public final AuthorizationRules rules;
    final Map<String, TestingRoomEvent> events = new HashMap<>();
    public final Map<StateKey, String> forkA;
    public final Map<StateKey, String> forkB;
    private final String roomId;
    private final Map<StateKey, String> state = new HashMap<>();
    private long clock;
    private String last;

    private LargeRoom(RoomVersionRules version, int members, int conflicts) {
        this.version = version;
        this.stateRes = version.stateRes();
        this.rules = version.authorization();
        boolean v12 = rules.roomCreateEventIdAsRoomId();
        String createId = v12 ? "$large-room-create" : "$create:example.org";
        roomId = v12 ? "!large-room-create" : "!large:example.org";
        String createContent = v12
                ? "{\"room_version\":\"12\"}"
                : "{\"room_version\":\"" + version.id() + "\",\"creator\":\"" + ADMIN + "\"}";
        add(
                new TestingRoomEvent(
                        createId,
                        roomId,
                        ADMIN,
                        "m.room.create",
                        Optional.of(""),
                        TestJson.object(createContent),
                        List.of(),
                        List.of(),
                        clock++,
                        0,
                        Optional.empty()),
                state);
        send(state, "$admin-join", ADMIN, "m.room.member", ADMIN, "{\"membership\":\"join\"}");
        String adminLevel = v12 ? "" : "\"" + ADMIN + "\": 100";
        send(state, "$pl-0", ADMIN, "m.room.power_levels", "", "{\"users\": {" + adminLevel + "}}");
        send(state, "$join-rules", ADMIN, "m.room.join_rules", "", "{\"join_rule\":\"public\"}");
        for (int i = 0; i < members; i++) {
            send(state, "$join-" + i, user(i), "m.room.member", user(i), "{\"membership\":\"join\"}");
        }
        String forkPoint = last;

        forkA = new HashMap<>(state);
        String comma = v12 ? "" : ", ";
        send(
                forkA,
                "$pl-1",
                ADMIN,
                "m.room.power_levels",
                "",
                "{\"users\": {" + adminLevel + comma + "\"" + user(0) + "\": 50}}");
        for (int i = 0; i < conflicts / 2; i++) {
            send(
                    forkA,
                    "$rename-" + i,
                    user(i),
                    "m.room.member",
                    user(i),
                    "{\"membership\":\"join\",\"displayname\":\"user " + i + "\"}");
        }
        last = forkPoint;
        forkB = new HashMap<>(state);
        for (int i = conflicts / 2; i < conflicts; i++) {
            String sender = i % 10 == 0 ? ADMIN : user(i);
            send(forkB, "$leave-" + i, sender, "m.room.member", user(i), "{\"membership\":\"leave\"}");
        }
    }

    /** The room in room version {@code version} (10 or 12: the create content is written for those). */
    public static LargeRoom build(RoomVersionRules version, int members, int conflicts) {
        return new LargeRoom(version, members, conflicts);
    }

    static String user(int i) {
        return "@user" + i + ":example.org";
    }

    public EventLookup lookup() {
        return EventLookup.of(events);
    }

    private void send(
            Map<StateKey, String> target, String id, String sender, String type, String stateKey, String content) {
        JsonObject json = TestJson.object(content);
        List<String> authEvents = new ArrayList<>();
        for (StateKey key : AuthEventsSelection.forEvent(version, type, Optional.of(stateKey), sender, json)) {
            String authId = target.get(key);
            if (authId != null) {
                authEvents.add(authId);
            }
        }
        add(
                new TestingRoomEvent(
                        id,
                        roomId,
                        sender,
                        type,
                        Optional.of(stateKey),
                        json,
                        List.of(last),
                        authEvents,
                        clock++,
                        clock,
                        Optional.empty()),
                target);
    }

    private void add(TestingRoomEvent event, Map<StateKey, String> target) {
        events.put(event.eventId(), event);
        target.put(StateKey.of(event.type(), event.stateKey().orElseThrow()), event.eventId());
        last = event.eventId();
    }
}
