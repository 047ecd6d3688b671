package dev.lattice.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.AuthCheck;
import dev.lattice.protocol.auth.AuthEventsCheck;
import dev.lattice.protocol.auth.AuthEventsSelection;
import dev.lattice.protocol.auth.AuthResult;
import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.StateLookup;
import dev.lattice.protocol.auth.TestJson;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.event.ContentHashCheck;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.EventSigning;
import dev.lattice.protocol.event.EventSigning.ServerKeyId;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.stateres.EventLookup;
import dev.lattice.protocol.stateres.StateResolution;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.StateResVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The library as the roomserver uses it: events built and signed by two servers with {@link EventBuilder}, sent as
 * bytes, and received through the spec's steps in order (STYLE rule 17): format ({@link Pdu#parse}), signatures
 * ({@link EventSigning#verify}), content hash (redact on mismatch), auth against the auth events, auth against the
 * state before the event ({@link StateResolution} of the states after its {@code prev_events}).
 */
class ProtocolEndToEndTest {
    private static final UserId ALICE = UserId.parse("@alice:example.org");
    private static final UserId BOB = UserId.parse("@bob:other.org");
    private static final SigningKey EXAMPLE_KEY = SigningKey.generate("a1");
    private static final SigningKey OTHER_KEY = SigningKey.generate("b1");
    private static final Map<ServerKeyId, VerifyKey> KEYS = Map.of(
            new ServerKeyId("example.org", EXAMPLE_KEY.keyId()), EXAMPLE_KEY.verifyKey(),
            new ServerKeyId("other.org", OTHER_KEY.keyId()), OTHER_KEY.verifyKey());
    private static final Function<ServerKeyId, Optional<VerifyKey>> KEY_CACHE = id -> Optional.ofNullable(KEYS.get(id));

    static Stream<RoomVersionRules> versions() {
        return Stream.of(RoomVersionRules.V1, RoomVersionRules.V10, RoomVersionRules.V11, RoomVersionRules.V12);
    }

    /** One receiving server's view of one room: accepted events and the state after each. */
    private static final class ReceivingServer {
        final RoomVersionRules rules;
        final Map<String, Pdu> events = new HashMap<>();
        final Map<String, Map<StateKey, String>> stateAfter = new HashMap<>();
        final EventLookup lookup = id -> Optional.ofNullable(events.get(id));
        RoomId roomId;
        long clock = 1_700_000_000_000L;

        ReceivingServer(RoomVersionRules rules) {
            this.rules = rules;
        }

        Map<StateKey, String> stateBefore(List<String> prevEvents) {
            List<Map<StateKey, String>> states =
                    prevEvents.stream().map(stateAfter::get).toList();
            return StateResolution.resolve(
                    rules.stateRes(), rules.authorization(), states, lookup, AuthVerifiers.withKeys(KEY_CACHE));
        }

        /** What the sending server does: choose auth events from its state, build, hash and sign. */
        Pdu build(UserId sender, String type, String stateKey, String content, List<String> prevEvents) {
            JsonObject json = TestJson.object(content);
            Map<StateKey, String> before = stateBefore(prevEvents);
            List<EventId> authEvents = new ArrayList<>();
            for (StateKey key :
                    AuthEventsSelection.forEvent(rules, type, Optional.ofNullable(stateKey), sender.value(), json)) {
                Optional.ofNullable(before.get(key)).map(EventId::parse).ifPresent(authEvents::add);
            }
            long depth = prevEvents.stream()
                            .mapToLong(id -> events.get(id).depth())
                            .max()
                            .orElse(0)
                    + 1;
            EventBuilder builder = EventBuilder.forVersion(rules)
                    .type(type)
                    .sender(sender)
                    .content(json)
                    .prevEvents(prevEvents.stream().map(EventId::parse).toList())
                    .authEvents(authEvents)
                    .depth(depth)
                    .originServerTs(clock++);
            if (stateKey != null) {
                builder.stateKey(stateKey);
            }
            if (roomId != null) {
                builder.roomId(roomId);
            }
            boolean fromBob = sender.equals(BOB);
            return builder.sign(sender.serverName(), fromBob ? OTHER_KEY : EXAMPLE_KEY);
        }

        /** The checks on receipt, in the spec's order; returns the PDU as accepted (redacted on a hash mismatch). */
        Pdu receive(byte[] bytes) {
            Pdu pdu = Pdu.parse(rules, bytes); // 1. format
            assertThat(EventSigning.verify(pdu, KEY_CACHE).isValid())
                    .as("signatures of " + pdu)
                    .isTrue(); // 2.
            if (!pdu.contentHashCheck().matches()) { // 3. hashes: redact, not reject
                pdu = pdu.redacted();
            }
            List<RoomEvent> authEvents =
                    pdu.authEvents().stream().<RoomEvent>map(events::get).toList();
            assertThat(authEvents).as("auth events known").doesNotContainNull();
            AuthResult listed = AuthEventsCheck.check(rules, pdu, authEvents); // 4. auth events
            assertThat(listed.allowed()).as(pdu + " auth events: " + listed).isTrue();
            StateLookup byAuthEvents = StateLookup.ofEvents(authEvents);
            if (!rules.eventFormat().createEventInAuthEvents() && !pdu.type().equals("m.room.create")) {
                byAuthEvents = byAuthEvents.withCreate(
                        events.get(roomId.createEventId().orElseThrow().value()));
            }
            AuthVerifiers verifiers = AuthVerifiers.CHECKED_ON_RECEIPT;
            AuthResult byAuth = AuthCheck.check(rules.authorization(), pdu, byAuthEvents, verifiers);
            assertThat(byAuth.allowed())
                    .as(pdu + " against its auth events: " + byAuth)
                    .isTrue();
            Map<StateKey, String> before = stateBefore(pdu.prevEvents()); // 5. state before the event
            AuthResult byState =
                    AuthCheck.check(rules.authorization(), pdu, StateLookup.ofIds(before, lookup::event), verifiers);
            assertThat(byState.allowed())
                    .as(pdu + " against the state before it: " + byState)
                    .isTrue();

            events.put(pdu.eventId(), pdu);
            Map<StateKey, String> after = new HashMap<>(before);
            Pdu accepted = pdu;
            pdu.stateKey().ifPresent(key -> after.put(StateKey.of(accepted.type(), key), accepted.eventId()));
            stateAfter.put(pdu.eventId(), after);
            return pdu;
        }

        /** Builds an event, sends its bytes over the "wire" and receives them. */
        Pdu send(UserId sender, String type, String stateKey, String content, List<String> prevEvents) {
            Pdu sent = build(sender, type, stateKey, content, prevEvents);
            Pdu received = receive(sent.bytes());
            assertThat(received.eventId()).isEqualTo(sent.eventId());
            assertThat(received.contentHashCheck()).isEqualTo(ContentHashCheck.MATCH);
            return received;
        }
    }

    private record Room(ReceivingServer server, Pdu topicA, Pdu topicB, Pdu merge) {}

    private static Room buildRoom(RoomVersionRules rules) {
        ReceivingServer server = new ReceivingServer(rules);
        String creator = rules.authorization().useRoomCreateSender() ? "" : ",\"creator\":\"" + ALICE + "\"";
        if (!rules.eventFormat().roomIdInCreateEvent()) {
            server.roomId = null; // v12: the create event has no room_id; the room ID is its event ID
        } else {
            server.roomId = RoomId.parse("!e2e:example.org");
        }
        Pdu create = server.send(
                ALICE, "m.room.create", "", "{\"room_version\":\"" + rules.id() + "\"" + creator + "}", List.of());
        if (server.roomId == null) {
            server.roomId = RoomId.fromCreateEventId(create.id());
            assertThat(create.roomId()).isEqualTo(server.roomId.value());
        }
        Pdu last = server.send(
                ALICE, "m.room.member", ALICE.value(), "{\"membership\":\"join\"}", List.of(create.eventId()));
        String users = rules.authorization().explicitlyPrivilegeRoomCreators()
                ? "{\"" + BOB + "\":50}"
                : "{\"" + ALICE + "\":100,\"" + BOB + "\":50}";
        last = server.send(ALICE, "m.room.power_levels", "", "{\"users\":" + users + "}", List.of(last.eventId()));
        last = server.send(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"public\"}", List.of(last.eventId()));
        last = server.send(
                ALICE, "m.room.history_visibility", "", "{\"history_visibility\":\"shared\"}", List.of(last.eventId()));
        last = server.send(BOB, "m.room.member", BOB.value(), "{\"membership\":\"join\"}", List.of(last.eventId()));
        last = server.send(
                ALICE, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"hello\"}", List.of(last.eventId()));
        last = server.send(
                BOB, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"hi\"}", List.of(last.eventId()));
        String forkPoint = last.eventId();
        Pdu topicA = server.send(ALICE, "m.room.topic", "", "{\"topic\":\"fork A\"}", List.of(forkPoint));
        Pdu topicB = server.send(BOB, "m.room.topic", "", "{\"topic\":\"fork B\"}", List.of(forkPoint));
        Pdu merge = server.send(
                ALICE,
                "m.room.message",
                null,
                "{\"msgtype\":\"m.text\",\"body\":\"merged\"}",
                List.of(topicA.eventId(), topicB.eventId()));
        return new Room(server, topicA, topicB, merge);
    }

    @ParameterizedTest(name = "room version {0}")
    @MethodSource("versions")
    void buildsSignsReceivesAndResolvesARoom(RoomVersionRules rules) {
        Room room = buildRoom(rules);
        ReceivingServer server = room.server();
        Map<StateKey, String> forkA = server.stateAfter.get(room.topicA().eventId());
        Map<StateKey, String> forkB = server.stateAfter.get(room.topicB().eventId());
        Map<StateKey, String> resolved = server.stateBefore(
                List.of(room.topicA().eventId(), room.topicB().eventId()));
        assertThat(server.stateBefore(
                        List.of(room.topicB().eventId(), room.topicA().eventId())))
                .as("order of the forks does not matter")
                .isEqualTo(resolved);

        assertThat(resolved)
                .hasSize(7)
                .containsKeys(
                        StateKey.of("m.room.create", ""),
                        StateKey.of("m.room.power_levels", ""),
                        StateKey.of("m.room.join_rules", ""),
                        StateKey.of("m.room.history_visibility", ""),
                        StateKey.of("m.room.member", ALICE.value()),
                        StateKey.of("m.room.member", BOB.value()),
                        StateKey.of("m.room.topic", ""));
        forkA.forEach((key, id) -> {
            if (!key.type().equals("m.room.topic")) {
                assertThat(resolved.get(key)).as(key.toString()).isEqualTo(id).isEqualTo(forkB.get(key));
            }
        });
        String topic = resolved.get(StateKey.of("m.room.topic", ""));
        if (rules.stateRes() == StateResVersion.V1) {
            assertThat(topic).isIn(room.topicA().eventId(), room.topicB().eventId());
        } else {
            // v2/v2.1: same mainline position, so the later origin_server_ts (fork B's) wins.
            assertThat(topic).isEqualTo(room.topicB().eventId());
        }
        assertThat(server.stateAfter.get(room.merge().eventId())).isEqualTo(resolved);
        // Every stored event still re-parses from its bytes to the same event ID.
        for (Pdu pdu : server.events.values()) {
            assertThat(Pdu.parse(rules, pdu.bytes()).eventId()).isEqualTo(pdu.eventId());
        }
    }

    /**
     * A PDU whose content was changed after signing (a message: its content is not covered by the signature) passes
     * the signature check, fails the content hash check, and is accepted in its redacted form with the same ID.
     */
    @ParameterizedTest(name = "room version {0}")
    @MethodSource("versions")
    void badContentHashIsDetectedAndTheRedactedFormIsUsed(RoomVersionRules rules) {
        Room room = buildRoom(rules);
        ReceivingServer server = room.server();
        Pdu sent = server.build(
                BOB,
                "m.room.message",
                null,
                "{\"msgtype\":\"m.text\",\"body\":\"original\"}",
                List.of(room.merge().eventId()));
        JsonObject tamperedContent = sent.content().with("body", JsonString.of("tampered"));
        byte[] tampered = CanonicalJson.encode(sent.json().with("content", tamperedContent));

        Pdu parsed = Pdu.parse(rules, tampered);
        assertThat(EventSigning.verify(parsed, KEY_CACHE).isValid()).isTrue();
        assertThat(parsed.contentHashCheck()).isEqualTo(ContentHashCheck.MISMATCH);

        Pdu accepted = server.receive(tampered);
        assertThat(accepted.content()).isEqualTo(JsonObject.EMPTY);
        assertThat(accepted.eventId()).isEqualTo(sent.eventId());
        assertThat(server.events.get(sent.eventId()).content()).isEqualTo(JsonObject.EMPTY);
        assertThat(EventSigning.verify(accepted, KEY_CACHE).isValid()).isTrue();

        // A state event redacted on receipt still takes its place in the state, with its essential content only.
        Pdu topic = server.build(ALICE, "m.room.topic", "", "{\"topic\":\"real\"}", List.of(accepted.eventId()));
        byte[] tamperedTopic =
                CanonicalJson.encode(topic.json().with("content", TestJson.object("{\"topic\":\"forged\"}")));
        Pdu acceptedTopic = server.receive(tamperedTopic);
        assertThat(acceptedTopic.content()).isEqualTo(JsonObject.EMPTY);
        assertThat(server.stateAfter.get(acceptedTopic.eventId()).get(StateKey.of("m.room.topic", "")))
                .isEqualTo(topic.eventId());
    }
}
