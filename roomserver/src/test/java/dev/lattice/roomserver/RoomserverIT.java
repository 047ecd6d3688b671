package dev.lattice.roomserver;

import static dev.lattice.roomserver.RoomserverContext.waitFor;
import static dev.lattice.roomserver.TestingRoomClient.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.Topics;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.InputVerdict.Outcome;
import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.runtime.bus.BusJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The roomserver end to end against real PostgreSQL and Kafka: events submitted through {@code RoomserverInputApi}
 * as client-api will, verdicts, queries, and what arrives on {@code roomserver.output}.
 */
class RoomserverIT {
    private static RoomserverContext server;
    private static TestingRoomClient client;

    @BeforeAll
    static void start() {
        server = new RoomserverContext(Map.of());
        client = new TestingRoomClient(server.api, RoomVersionRules.V12);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void buildsARoomAndPublishesEachEventOnceInOrder() {
        UserId alice = user("alice");
        RoomId room = client.createPublicRoom(alice, "shared");
        List<Pdu> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            messages.add(client.message(room, alice, "message " + i));
        }

        assertThat(server.api.queryRoomVersion(room).block()).contains(RoomVersionRules.V12.id());
        List<StoredEvent> state = server.api.queryCurrentState(room).block();
        assertThat(state)
                .extracting(StoredEvent::type)
                .containsExactlyInAnyOrder(
                        "m.room.create",
                        "m.room.member",
                        "m.room.power_levels",
                        "m.room.join_rules",
                        "m.room.history_visibility");
        var latest = server.api
                .queryLatestEvents(room, Set.of(StateKey.of("m.room.power_levels", "")))
                .block()
                .orElseThrow();
        assertThat(latest.prevEvents()).containsExactly(messages.getLast().id());
        assertThat(latest.depth()).isEqualTo(messages.getLast().depth() + 1);
        assertThat(latest.authState()).extracting(StoredEvent::type).containsExactly("m.room.power_levels");
        assertThat(server.api.queryJoinedRooms(alice).block()).containsExactly(room);
        assertThat(server.api.queryMembership(room, alice).block().orElseThrow().membership())
                .isEqualTo("join");

        waitFor(() -> server.newEvents(room.value()).size() >= 10);
        List<String> published = server.newEvents(room.value());
        assertThat(published).hasSize(10).doesNotHaveDuplicates();
        assertThat(published.subList(5, 10)).containsExactlyElementsOf(TestingRoomClient.ids(messages));
        NewRoomEvent join = server.outputs.stream()
                .filter(o -> o instanceof NewRoomEvent n && n.eventId().value().equals(published.get(1)))
                .map(NewRoomEvent.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(join.addsStateEventIds()).containsExactly(join.eventId());
        assertThat(join.historical()).isFalse();
    }

    @Test
    void aMessageFromANonMemberIsRejectedAndNotPublished() {
        UserId alice = user("alice");
        UserId mallory = user("mallory");
        RoomId room = client.createPublicRoom(alice, "shared");
        Pdu intrusion = client.build(room, mallory, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"x\"}");
        InputVerdict verdict = client.submit(intrusion, null);
        assertThat(verdict.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(verdict.errcode()).isEqualTo("M_FORBIDDEN");
        assertThat(verdict.eventId()).isEqualTo(intrusion.id());
        assertThat(server.api.queryEvent(intrusion.id()).block()).isEmpty();

        // The same input again gets the same verdict (it was stored as rejected).
        assertThat(client.submit(intrusion, null).outcome()).isEqualTo(Outcome.REJECTED);
        Pdu marker = client.message(room, alice, "after");
        waitFor(() -> server.newEvents(room.value()).contains(marker.eventId()));
        assertThat(server.newEvents(room.value())).doesNotContain(intrusion.eventId());
        assertThat(server.api
                        .queryLatestEvents(room, Set.of())
                        .block()
                        .orElseThrow()
                        .prevEvents())
                .containsExactly(marker.id());
    }

    @Test
    void theSameTransactionTwiceSendsOneEvent() {
        UserId alice = user("alice");
        RoomId room = client.createPublicRoom(alice, "shared");
        SendTransaction txn = SendTransaction.send(alice, DeviceId.parse("DEVICE"), "txn-1", room, "m.room.message");
        Pdu first = client.build(room, alice, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"once\"}");
        assertThat(client.submit(first, txn).outcome()).isEqualTo(Outcome.ACCEPTED);
        // The client retries: client-api builds the event again, with another ID.
        Pdu retry = client.build(room, alice, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"once\"}");
        InputVerdict verdict = client.submit(retry, txn);
        assertThat(verdict.outcome()).isEqualTo(Outcome.DUPLICATE_TRANSACTION);
        assertThat(verdict.eventIdOrThrow()).isEqualTo(first.id());
        assertThat(server.api.querySentTransaction(txn).block()).contains(first.id());
        assertThat(server.api.queryEvent(retry.id()).block()).isEmpty();

        Pdu marker = client.message(room, alice, "after");
        waitFor(() -> server.newEvents(room.value()).contains(marker.eventId()));
        assertThat(server.newEvents(room.value()))
                .containsOnlyOnce(first.eventId())
                .doesNotContain(retry.eventId());
        NewRoomEvent output = server.outputs.stream()
                .filter(o -> o instanceof NewRoomEvent n && n.eventId().value().equals(first.eventId()))
                .map(NewRoomEvent.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(output.transaction()).isEqualTo(txn);
    }

    @Test
    void aReplayedInputRecordIsStoredAndPublishedOnce() {
        UserId alice = user("alice");
        RoomId room = client.createPublicRoom(alice, "shared");
        Pdu message = client.build(room, alice, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"x\"}");
        InputRoomEvent input = client.input(message, null);
        // A re-delivered record: the raw bytes twice on the topic, then once more through the API.
        byte[] record = BusJson.encode(input);
        server.bus.publish(Topics.ROOMSERVER_INPUT, room.value(), record).block();
        server.bus.publish(Topics.ROOMSERVER_INPUT, room.value(), record).block();
        InputVerdict verdict = server.api.inputRoomEvent(input).block();
        assertThat(verdict.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(verdict.eventId()).isEqualTo(message.id());

        Pdu marker = client.message(room, alice, "after");
        waitFor(() -> server.newEvents(room.value()).contains(marker.eventId()));
        assertThat(server.newEvents(room.value())).containsOnlyOnce(message.eventId());
    }

    @Test
    void anEventTheCurrentStateNoLongerAllowsIsSoftFailed() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        RoomId room = client.createPublicRoom(alice, "shared");
        client.join(room, bob);
        // Bob's message is built while he is joined, but arrives after his leave.
        Pdu stale = client.build(room, bob, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"late\"}");
        Pdu leave = client.send(room, bob, "m.room.member", bob.value(), "{\"membership\":\"leave\"}");
        InputVerdict verdict = client.submit(stale, null);
        assertThat(verdict.outcome()).isEqualTo(Outcome.SOFT_FAILED);

        assertThat(server.api
                        .queryLatestEvents(room, Set.of())
                        .block()
                        .orElseThrow()
                        .prevEvents())
                .containsExactly(leave.id());
        Pdu marker = client.message(room, alice, "after");
        waitFor(() -> server.newEvents(room.value()).contains(marker.eventId()));
        assertThat(server.newEvents(room.value())).doesNotContain(stale.eventId());
        assertThat(server.api.queryMembership(room, bob).block().orElseThrow().membership())
                .isEqualTo("leave");
    }

    @Test
    void concurrentEventsForkTheDagAndTheNextEventMergesIt() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        RoomId room = client.createPublicRoom(alice, "shared");
        client.join(room, bob);
        Pdu topic = client.build(room, alice, "m.room.topic", "", "{\"topic\":\"one\"}");
        Pdu name = client.build(room, alice, "m.room.name", "", "{\"name\":\"two\"}"); // same prev_events
        assertThat(client.submit(topic, null).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(client.submit(name, null).outcome()).isEqualTo(Outcome.ACCEPTED);

        var latest = server.api.queryLatestEvents(room, Set.of()).block().orElseThrow();
        assertThat(latest.prevEvents()).containsExactlyInAnyOrder(topic.id(), name.id());
        assertThat(server.api.queryCurrentState(room).block())
                .extracting(StoredEvent::type)
                .contains("m.room.topic", "m.room.name");
        Pdu merge = client.message(room, alice, "merged");
        assertThat(server.api
                        .queryLatestEvents(room, Set.of())
                        .block()
                        .orElseThrow()
                        .prevEvents())
                .containsExactly(merge.id());
        assertThat(server.api.queryStateAtEvent(merge.id()).block().orElseThrow())
                .extracting(StoredEvent::eventId)
                .contains(topic.id(), name.id());
    }

    @Test
    void historyVisibilityIsJudgedAtTheEvent() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        UserId charlie = user("charlie");
        RoomId shared = client.createPublicRoom(alice, "shared");
        Pdu early = client.message(shared, alice, "before bob");
        client.join(shared, bob);
        assertThat(visible(early.id(), bob)).isTrue(); // shared: bob joined later
        assertThat(visible(early.id(), charlie)).isFalse(); // never joined

        RoomId joined = client.createPublicRoom(alice, "joined");
        Pdu before = client.message(joined, alice, "before bob");
        Pdu bobJoin = client.join(joined, bob);
        Pdu after = client.message(joined, alice, "after bob");
        assertThat(visible(before.id(), bob)).isFalse();
        assertThat(visible(bobJoin.id(), bob)).isTrue(); // his own membership event: the state after allows it
        assertThat(visible(after.id(), bob)).isTrue();

        RoomId open = client.createPublicRoom(alice, "world_readable");
        Pdu public_ = client.message(open, alice, "anyone");
        assertThat(visible(public_.id(), charlie)).isTrue();
    }

    private static boolean visible(EventId event, UserId viewer) {
        return server.api.queryEventForUser(event, viewer).block().orElseThrow().visible();
    }

    @Test
    void aRedactionIsPublishedAndReadsGetTheRedactedForm() {
        UserId alice = user("alice");
        RoomId room = client.createPublicRoom(alice, "shared");
        Pdu message = client.message(room, alice, "oops");
        Pdu redaction = client.buildRedaction(room, alice, message.id());
        assertThat(client.submit(redaction, null).outcome()).isEqualTo(Outcome.ACCEPTED);

        waitFor(() -> !server.redactions(room.value()).isEmpty());
        assertThat(server.redactions(room.value())).singleElement().satisfies(r -> {
            assertThat(r.redactedEventId().value()).isEqualTo(message.eventId());
            assertThat(r.redactionEventId().value()).isEqualTo(redaction.eventId());
        });
        assertThat(server.newEvents(room.value())).contains(redaction.eventId());
        StoredEvent stored = server.api.queryEvent(message.id()).block().orElseThrow();
        assertThat(stored.redactedBy()).isEqualTo(redaction.id());
        assertThat(CanonicalJson.parseObject(stored.pdu())
                        .getObject("content")
                        .orElseThrow()
                        .members())
                .isEmpty();
    }
}
