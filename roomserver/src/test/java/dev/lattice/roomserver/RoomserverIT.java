package dev.lattice.roomserver;

import static dev.lattice.roomserver.RoomserverContext.waitFor;
import static dev.lattice.roomserver.TestingRoomClient.user;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.Topics;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.InputVerdict.Outcome;
import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.api.roomserver.PartialStateCompleted;
import dev.lattice.api.roomserver.PartialStateCompletion;
import dev.lattice.api.roomserver.PartialStateRoom;
import dev.lattice.api.roomserver.PartialStateStarted;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.api.roomserver.StateOutliers;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.testing.TestInfra;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
        assertThat(latest.authEvents())
                .containsExactly(state.stream()
                        .filter(event -> event.type().equals("m.room.power_levels"))
                        .findFirst()
                        .orElseThrow()
                        .eventId());
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

        // Jumping to a date: the closest event by origin_server_ts in either direction, the same time included.
        Pdu third = messages.get(2);
        assertThat(eventAt(room, third.originServerTs(), false).originServerTs())
                .isEqualTo(third.originServerTs());
        assertThat(eventAt(room, third.originServerTs(), true).originServerTs()).isEqualTo(third.originServerTs());
        assertThat(eventAt(room, 0, true).type()).isEqualTo("m.room.create");
        assertThat(eventAt(room, Long.MAX_VALUE, false).eventId())
                .isEqualTo(messages.getLast().id());
        assertThat(server.api.queryEventAtTimestamp(room, Long.MAX_VALUE, true).block())
                .isEmpty();
        assertThat(server.api.queryEventAtTimestamp(room, 0, false).block()).isEmpty();
    }

    private static StoredEvent eventAt(RoomId room, long ts, boolean forwards) {
        return server.api.queryEventAtTimestamp(room, ts, forwards).block().orElseThrow();
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
    void aVerdictForACallerInThisProcessIsHandedOverAndOneForAnotherInstanceIsPublished() {
        UserId alice = user("alice");
        RoomId room = client.createPublicRoom(alice, "verdicts");
        long before = verdictsPublished();
        Pdu local = client.build(room, alice, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"here\"}");
        InputVerdict verdict =
                server.api.inputRoomEvent(client.input(local, null)).block();
        assertThat(verdict.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(verdict.eventId()).isEqualTo(local.id());
        // Had it come back over the topic, it would be there by now: it is answered only once it is published.
        assertThat(verdictsPublished()).isEqualTo(before);

        Pdu remote = client.build(room, alice, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"there\"}");
        server.bus
                .publish(
                        Topics.ROOMSERVER_INPUT,
                        room.value(),
                        BusJson.encode(client.input(remote, null).withReply("another-instance", "request-1")))
                .block();
        waitFor(() -> verdictsPublished() == before + 1);
    }

    /** How many records {@code roomserver.verdicts} holds, all partitions together. */
    private static long verdictsPublished() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = server.bus.brokerTopic(Topics.ROOMSERVER_VERDICTS);
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
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

    /**
     * A join to a room held by another server: its state arrives as outliers (as {@code send_join} answers it),
     * then the join with that state. The room then has our member, the state events go out as historical records
     * ahead of the join, and the other server's next event builds on the join. History from before the join,
     * backfilled later, gains its state and goes out as history, moving nothing current.
     */
    @Test
    void aJoinWithTheStateFromSendJoinStartsTheRoomHereAndItsHistoryIsBackfilledLater() {
        ServerName remote = ServerName.parse("remote.test");
        SigningKey remoteKey = SigningKey.generate("r1");
        RoomVersionRules rules = RoomVersionRules.V12;
        UserId bob = UserId.of("bob", remote);
        UserId alice = user("alice");
        long ts = System.currentTimeMillis();
        RemoteRoom started = RemoteRoom.start(bob, remoteKey);
        Pdu create = started.create();
        RoomId room = started.id();
        Pdu bobJoin = started.creatorJoin();
        Pdu powerLevels = started.powerLevels();
        Pdu joinRules = started.joinRules();
        Pdu unauthorised = remoteEvent(
                rules,
                room,
                bob,
                "m.room.topic",
                "",
                "{\"topic\":\"no power levels among its auth events\"}",
                List.of(joinRules.id()),
                List.of(bobJoin.id(), EventId.parse("$unknown")),
                5,
                remote,
                remoteKey);
        List<String> outliers = Stream.of(create, bobJoin, powerLevels, joinRules, unauthorised)
                .map(pdu -> new String(pdu.bytes(), UTF_8))
                .toList();
        assertThat(server.api.inputOutliers(room, rules.id(), outliers, remote).block())
                .as("one batch, each event checked against the batch's events before it")
                .containsExactly(create.id(), bobJoin.id(), powerLevels.id(), joinRules.id());
        assertThat(server.api.queryEvent(unauthorised.id()).block())
                .as("the rejected one is not held")
                .isEmpty();
        assertThat(server.api.inputOutliers(room, rules.id(), outliers, remote).block())
                .as("a replay stores nothing twice")
                .containsExactly(create.id(), bobJoin.id(), powerLevels.id(), joinRules.id());
        assertThat(server.api.queryCurrentState(room).block())
                .as("outliers change no state")
                .isEmpty();

        Pdu aliceJoin = EventBuilder.forVersion(rules)
                .type("m.room.member")
                .stateKey(alice.value())
                .sender(alice)
                .roomId(room)
                .content(TestingRoomClient.json("{\"membership\":\"join\"}"))
                .prevEvents(List.of(joinRules.id()))
                .authEvents(List.of(powerLevels.id(), joinRules.id()))
                .depth(5)
                .originServerTs(ts + 5)
                .sign(TestingRoomClient.SERVER, TestingRoomClient.KEY);
        List<EventId> stateBefore = List.of(create.id(), bobJoin.id(), powerLevels.id(), joinRules.id());
        InputVerdict verdict = server.api
                .inputRoomEvent(InputRoomEvent.joinWithState(
                        room, rules.id(), new String(aliceJoin.bytes(), UTF_8), TestingRoomClient.SERVER, stateBefore))
                .block();

        assertThat(verdict.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(server.api.queryMembership(room, alice).block().orElseThrow().membership())
                .isEqualTo("join");
        assertThat(server.api.queryCurrentState(room).block())
                .extracting(StoredEvent::eventId)
                .containsExactlyInAnyOrder(create.id(), bobJoin.id(), powerLevels.id(), joinRules.id(), aliceJoin.id());
        assertThat(server.api.queryJoinedMembers(room).block()).containsExactlyInAnyOrder(bob, alice);
        assertThat(server.api.queryStateBeforeEvent(aliceJoin.id()).block().orElseThrow())
                .extracting(StoredEvent::eventId)
                .containsExactlyInAnyOrderElementsOf(stateBefore);
        waitFor(() -> server.newEvents(room.value()).contains(aliceJoin.eventId()));
        List<OutputRoomEvent> published =
                server.outputs.stream().filter(o -> o.roomId().equals(room)).toList();
        assertThat(published)
                .as("the state the join starts from in one record, then the join")
                .hasSize(2);
        assertThat(published.getFirst())
                .isInstanceOfSatisfying(
                        StateOutliers.class,
                        record -> assertThat(record.events())
                                .allSatisfy(n -> assertThat(n.historical() && n.outlier())
                                        .isTrue())
                                .extracting(NewRoomEvent::eventId)
                                .containsExactlyInAnyOrderElementsOf(stateBefore));
        assertThat(published.getLast())
                .isInstanceOfSatisfying(
                        NewRoomEvent.class, join -> assertThat(join.eventId()).isEqualTo(aliceJoin.id()));
        assertThat(((NewRoomEvent) published.getLast()).addsStateEventIds())
                .containsExactlyInAnyOrder(create.id(), bobJoin.id(), powerLevels.id(), joinRules.id(), aliceJoin.id());

        Pdu reply = remoteEvent(
                rules,
                room,
                bob,
                "m.room.message",
                null,
                "{\"msgtype\":\"m.text\",\"body\":\"hi\"}",
                List.of(aliceJoin.id()),
                List.of(bobJoin.id(), powerLevels.id()),
                6,
                remote,
                remoteKey);
        assertThat(server.api
                        .inputRoomEvent(
                                InputRoomEvent.received(room, rules.id(), new String(reply.bytes(), UTF_8), remote))
                        .block()
                        .outcome())
                .isEqualTo(Outcome.ACCEPTED);
        assertThat(server.api.queryAuthChain(room, List.of(reply.id())).block())
                .extracting(StoredEvent::eventId)
                .containsExactly(bobJoin.id(), powerLevels.id());

        // An event given before its prev event is refused and not stored: given again after it, it is accepted.
        Pdu middle = remoteEvent(
                rules,
                room,
                bob,
                "m.room.message",
                null,
                "{\"msgtype\":\"m.text\",\"body\":\"middle\"}",
                List.of(reply.id()),
                List.of(bobJoin.id(), powerLevels.id()),
                7,
                remote,
                remoteKey);
        Pdu last = remoteEvent(
                rules,
                room,
                bob,
                "m.room.message",
                null,
                "{\"msgtype\":\"m.text\",\"body\":\"last\"}",
                List.of(middle.id()),
                List.of(bobJoin.id(), powerLevels.id()),
                8,
                remote,
                remoteKey);
        InputRoomEvent lastInput = InputRoomEvent.received(room, rules.id(), new String(last.bytes(), UTF_8), remote);
        assertThat(server.api.inputRoomEvent(lastInput).block().outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(server.api.queryEvent(last.id()).block())
                .as("refused for a prev event not held here, not stored as rejected")
                .isEmpty();
        assertThat(server.api
                        .inputRoomEvent(
                                InputRoomEvent.received(room, rules.id(), new String(middle.bytes(), UTF_8), remote))
                        .block()
                        .outcome())
                .isEqualTo(Outcome.ACCEPTED);
        assertThat(server.api.inputRoomEvent(lastInput).block().outcome()).isEqualTo(Outcome.ACCEPTED);

        // Later a client pages back: the history before the join comes backfilled, oldest first. The create event
        // needs no state; the join rules, whose prev event is held only as an outlier, come with the state before it.
        var latestBefore = server.api.queryLatestEvents(room, Set.of()).block();
        assertThat(backfill(room, rules, create, null, remote)).isEqualTo(Outcome.ACCEPTED);
        assertThat(backfill(room, rules, joinRules, null, remote))
                .as("an event whose prev event has no state here, given none")
                .isEqualTo(Outcome.REJECTED);
        List<EventId> beforeJoinRules = List.of(create.id(), bobJoin.id(), powerLevels.id());
        assertThat(backfill(room, rules, joinRules, beforeJoinRules, remote)).isEqualTo(Outcome.ACCEPTED);
        assertThat(backfill(room, rules, joinRules, beforeJoinRules, remote))
                .as("a replay")
                .isEqualTo(Outcome.ACCEPTED);
        assertThat(server.api.queryStateBeforeEvent(joinRules.id()).block().orElseThrow())
                .extracting(StoredEvent::eventId)
                .containsExactlyInAnyOrderElementsOf(beforeJoinRules);
        assertThat(server.api.queryLatestEvents(room, Set.of()).block())
                .as("history moves no forward extremity")
                .isEqualTo(latestBefore);
        waitFor(() -> server.outputs.stream()
                .anyMatch(o -> o instanceof NewRoomEvent n && n.eventId().equals(joinRules.id()) && !n.outlier()));
        List<NewRoomEvent> backfilled = server.outputs.stream()
                .filter(o -> o instanceof NewRoomEvent n && n.roomId().equals(room) && n.historical() && !n.outlier())
                .map(NewRoomEvent.class::cast)
                .toList();
        assertThat(backfilled)
                .as("each published once, as history with no state delta")
                .extracting(NewRoomEvent::eventId)
                .containsExactly(create.id(), joinRules.id());
        assertThat(backfilled).allSatisfy(n -> assertThat(n.addsStateEventIds()).isEmpty());
    }

    @Test
    void aPartialStateJoinJudgesMembersByTheirOwnAuthEventsUntilTheStateIsComplete() {
        ServerName remote = ServerName.parse("resident.test");
        ServerName listed = ServerName.parse("listed.test");
        SigningKey remoteKey = SigningKey.generate("r1");
        RoomVersionRules rules = RoomVersionRules.V12;
        UserId bob = UserId.of("bob", remote);
        UserId carol = UserId.of("carol", remote);
        UserId alice = user("alice");
        RemoteRoom started = RemoteRoom.start(bob, remoteKey);
        Pdu create = started.create();
        RoomId room = started.id();
        Pdu bobJoin = started.creatorJoin();
        Pdu powerLevels = started.powerLevels();
        Pdu joinRules = started.joinRules();
        Pdu carolJoin = remoteEvent(
                rules,
                room,
                carol,
                "m.room.member",
                carol.value(),
                "{\"membership\":\"join\"}",
                List.of(joinRules.id()),
                List.of(powerLevels.id(), joinRules.id()),
                5,
                remote,
                remoteKey);
        // The send_join answer with the members omitted: the state without them, and its auth chain.
        List<EventId> partialState = List.of(create.id(), powerLevels.id(), joinRules.id());
        assertThat(server.api
                        .inputOutliers(room, rules.id(), texts(create, bobJoin, powerLevels, joinRules), remote)
                        .block())
                .hasSize(4);
        Pdu aliceJoin = EventBuilder.forVersion(rules)
                .type("m.room.member")
                .stateKey(alice.value())
                .sender(alice)
                .roomId(room)
                .content(TestingRoomClient.json("{\"membership\":\"join\"}"))
                .prevEvents(List.of(carolJoin.id()))
                .authEvents(List.of(powerLevels.id(), joinRules.id()))
                .depth(6)
                .originServerTs(System.currentTimeMillis())
                .sign(TestingRoomClient.SERVER, TestingRoomClient.KEY);
        assertThat(server.api
                        .inputRoomEvent(InputRoomEvent.joinWithPartialState(
                                room,
                                rules.id(),
                                new String(aliceJoin.bytes(), UTF_8),
                                TestingRoomClient.SERVER,
                                partialState,
                                List.of(remote, listed)))
                        .block()
                        .outcome())
                .isEqualTo(Outcome.ACCEPTED);
        assertThat(server.api.queryJoinedMembers(room).block()).containsExactly(alice);
        assertThat(server.api.queryJoinedServers(room).block())
                .as("the servers send_join listed are in the room while its member list is unknown")
                .contains(remote, listed);
        assertThat(server.api.queryPartialStateRooms().block())
                .contains(new PartialStateRoom(room, rules.id(), aliceJoin.id(), List.of(remote, listed)));

        // Carol's message: her join is not in the partial state, only among the message's auth events (fetched as
        // an outlier, as the federation-api fetches missing auth events). The state before it alone would reject it.
        assertThat(server.api
                        .inputOutliers(room, rules.id(), texts(carolJoin), remote)
                        .block())
                .hasSize(1);
        Pdu message = remoteMessage(carol, "hello", aliceJoin, List.of(powerLevels.id(), carolJoin.id()), 7, remoteKey);
        assertThat(received(message, remote)).isEqualTo(Outcome.ACCEPTED);
        assertThat(server.api.queryStateBeforeEvent(message.id()).block().orElseThrow())
                .extracting(StoredEvent::eventId)
                .as("partial until complete")
                .doesNotContain(carolJoin.id(), bobJoin.id());

        // The whole state before the join, fetched in the background.
        List<EventId> fullState = List.of(create.id(), bobJoin.id(), powerLevels.id(), joinRules.id(), carolJoin.id());
        PartialStateCompletion beforeAnotherJoin =
                PartialStateCompletion.of(room, rules.id(), carolJoin.id(), fullState);
        assertThat(server.api.completePartialState(beforeAnotherJoin).block().outcome())
                .as("the state before another event than the room's partial join completes nothing")
                .isEqualTo(Outcome.REJECTED);
        assertThat(server.api.queryPartialStateRooms().block())
                .extracting(PartialStateRoom::roomId)
                .contains(room);
        PartialStateCompletion completion = PartialStateCompletion.of(room, rules.id(), aliceJoin.id(), fullState);
        assertThat(server.api.completePartialState(completion).block().outcome())
                .isEqualTo(Outcome.ACCEPTED);

        assertThat(server.api.queryJoinedMembers(room).block()).containsExactlyInAnyOrder(alice, bob, carol);
        assertThat(server.api.queryJoinedServers(room).block())
                .as("the listed servers no longer count once the members are known")
                .doesNotContain(listed);
        assertThat(server.api.queryPartialStateRooms().block())
                .extracting(PartialStateRoom::roomId)
                .doesNotContain(room);
        assertThat(server.api.queryStateBeforeEvent(message.id()).block().orElseThrow())
                .extracting(StoredEvent::eventId)
                .containsExactlyInAnyOrder(
                        create.id(), bobJoin.id(), powerLevels.id(), joinRules.id(), carolJoin.id(), aliceJoin.id());
        assertThat(server.api.queryStateBeforeEvent(aliceJoin.id()).block().orElseThrow())
                .extracting(StoredEvent::eventId)
                .containsExactlyInAnyOrderElementsOf(fullState);
        waitFor(() -> server.outputs.stream().anyMatch(o -> o instanceof PartialStateCompleted));
        List<OutputRoomEvent> published =
                server.outputs.stream().filter(o -> o.roomId().equals(room)).toList();
        assertThat(published.get(published.size() - 2))
                .as("the members that were only outliers, published ahead of the change that names them")
                .isInstanceOfSatisfying(
                        StateOutliers.class,
                        record -> assertThat(record.events())
                                .extracting(NewRoomEvent::eventId)
                                .containsExactlyInAnyOrder(bobJoin.id(), carolJoin.id()));
        int join = published.indexOf(published.stream()
                .filter(o -> o instanceof NewRoomEvent n && n.eventId().equals(aliceJoin.id()))
                .findFirst()
                .orElseThrow());
        assertThat(published.get(join - 1))
                .as("readers learn that the room is partial before they get the join")
                .isEqualTo(new PartialStateStarted(room, aliceJoin.id()));
        assertThat(published.getLast())
                .isInstanceOfSatisfying(
                        PartialStateCompleted.class,
                        completed -> assertThat(completed.addsStateEventIds())
                                .containsExactlyInAnyOrder(bobJoin.id(), carolJoin.id()));

        // Complete now: a replay changes and publishes nothing; a member the state does not have is judged by it.
        assertThat(server.api.completePartialState(completion).block().outcome())
                .isEqualTo(Outcome.ACCEPTED);
        UserId dave = UserId.of("dave", remote);
        Pdu daveJoin = remoteEvent(
                rules,
                room,
                dave,
                "m.room.member",
                dave.value(),
                "{\"membership\":\"join\"}",
                List.of(joinRules.id()),
                List.of(powerLevels.id(), joinRules.id()),
                5,
                remote,
                remoteKey);
        assertThat(server.api
                        .inputOutliers(room, rules.id(), texts(powerLevels, joinRules, daveJoin), remote)
                        .block())
                .as("a batch that repeats stored events: the events after them may name them")
                .hasSize(3);
        Pdu daveSays = remoteMessage(dave, "me too", message, List.of(powerLevels.id(), daveJoin.id()), 8, remoteKey);
        assertThat(received(daveSays, remote))
                .as("a join on a branch this server never saw merge does not let its sender speak")
                .isEqualTo(Outcome.REJECTED);
        assertThat(server.outputs.stream().filter(o -> o.roomId().equals(room)).count())
                .isEqualTo(published.size());
    }

    private static List<String> texts(Pdu... pdus) {
        return Stream.of(pdus).map(pdu -> new String(pdu.bytes(), UTF_8)).toList();
    }

    private static Outcome backfill(
            RoomId room, RoomVersionRules rules, Pdu event, List<EventId> stateBefore, ServerName origin) {
        return server.api
                .inputRoomEvent(InputRoomEvent.backfilled(
                        room, rules.id(), new String(event.bytes(), UTF_8), origin, stateBefore))
                .block()
                .outcome();
    }

    /** An invite from another server to a room not held here, then its rejection: each the user's whole state here. */
    @Test
    void invitesToRoomsNotHeldHereAreKeptApartAndReplacedByTheirRejection() {
        ServerName remote = ServerName.parse("inviter.test");
        SigningKey remoteKey = SigningKey.generate("i1");
        RoomVersionRules rules = RoomVersionRules.V10;
        RoomId room = RoomId.of("elsewhere" + System.nanoTime(), remote);
        UserId carol = user("carol");
        Pdu invite = remoteEvent(
                rules,
                room,
                UserId.of("dan", remote),
                "m.room.member",
                carol.value(),
                "{\"membership\":\"invite\"}",
                List.of(EventId.parse("$prev")),
                List.of(EventId.parse("$auth")),
                9,
                remote,
                remoteKey);
        assertThat(outside(rules, invite, remote).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(outside(rules, invite, remote).outcome()).as("again").isEqualTo(Outcome.ACCEPTED);
        assertThat(server.api.queryMembership(room, carol).block().orElseThrow().membership())
                .isEqualTo("invite");
        assertThat(server.api
                        .queryOutsideMembership(room, carol)
                        .block()
                        .orElseThrow()
                        .eventId())
                .isEqualTo(invite.id());
        assertThat(server.api.queryRoomVersion(room).block())
                .as("the room is still not held")
                .isEmpty();

        Pdu rejection = remoteEvent(
                rules,
                room,
                carol,
                "m.room.member",
                carol.value(),
                "{\"membership\":\"leave\"}",
                List.of(invite.id()),
                List.of(invite.id()),
                10,
                TestingRoomClient.SERVER,
                TestingRoomClient.KEY);
        assertThat(outside(rules, rejection, TestingRoomClient.SERVER).outcome())
                .isEqualTo(Outcome.ACCEPTED);
        assertThat(server.api.queryMembership(room, carol).block().orElseThrow().membership())
                .isEqualTo("leave");

        waitFor(() -> server.newEvents(room.value()).contains(rejection.eventId()));
        List<NewRoomEvent> published = server.outputs.stream()
                .filter(o -> o instanceof NewRoomEvent n && n.roomId().equals(room))
                .map(NewRoomEvent.class::cast)
                .toList();
        assertThat(published).extracting(NewRoomEvent::eventId).containsExactly(invite.id(), rejection.id());
        assertThat(published.get(0).addsStateEventIds()).containsExactly(invite.id());
        assertThat(published.get(1).addsStateEventIds()).containsExactly(rejection.id());
        assertThat(published.get(1).removesStateEventIds()).containsExactly(invite.id());

        RoomId held = client.createPublicRoom(user("erin"), "shared");
        Pdu intoHeldRoom = client.build(held, carol, "m.room.member", carol.value(), "{\"membership\":\"join\"}");
        assertThat(outside(rules, intoHeldRoom, TestingRoomClient.SERVER).outcome())
                .as("a held room's memberships come as its events")
                .isEqualTo(Outcome.REJECTED);
    }

    private static InputVerdict outside(RoomVersionRules rules, Pdu pdu, ServerName origin) {
        return server.api
                .inputRoomEvent(InputRoomEvent.outsideMembership(
                        RoomId.parse(pdu.roomId()), rules.id(), new String(pdu.bytes(), UTF_8), origin))
                .block();
    }

    @Test
    void aJoinWhoseGivenStateIsNotHeldIsRejected() {
        RoomVersionRules rules = RoomVersionRules.V12;
        UserId alice = user("alice");
        RoomId room = client.createPublicRoom(user("carol"), "shared");
        Pdu join = client.build(room, alice, "m.room.member", alice.value(), "{\"membership\":\"join\"}");
        InputVerdict verdict = server.api
                .inputRoomEvent(InputRoomEvent.joinWithState(
                        room,
                        rules.id(),
                        new String(join.bytes(), UTF_8),
                        TestingRoomClient.SERVER,
                        List.of(EventId.parse("$unknownEventOfSomeOtherServer"))))
                .block();
        assertThat(verdict.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(server.api.queryMembership(room, alice).block()).isEmpty();
    }

    /** The start of a room created on another server: its create event, creator's join, power levels, join rules. */
    private record RemoteRoom(RoomId id, Pdu create, Pdu creatorJoin, Pdu powerLevels, Pdu joinRules) {
        static RemoteRoom start(UserId creator, SigningKey key) {
            RoomVersionRules rules = RoomVersionRules.V12;
            ServerName server = creator.serverName();
            Pdu create = EventBuilder.forVersion(rules)
                    .type("m.room.create")
                    .stateKey("")
                    .sender(creator)
                    .content(TestingRoomClient.json("{\"room_version\":\"12\"}"))
                    .depth(1)
                    .originServerTs(System.currentTimeMillis())
                    .sign(server, key);
            RoomId room = RoomId.parse(create.roomId());
            Pdu join = remoteEvent(
                    rules,
                    room,
                    creator,
                    "m.room.member",
                    creator.value(),
                    "{\"membership\":\"join\"}",
                    List.of(create.id()),
                    List.of(),
                    2,
                    server,
                    key);
            Pdu powerLevels = remoteEvent(
                    rules,
                    room,
                    creator,
                    "m.room.power_levels",
                    "",
                    "{\"users\":{}}",
                    List.of(join.id()),
                    List.of(join.id()),
                    3,
                    server,
                    key);
            Pdu joinRules = remoteEvent(
                    rules,
                    room,
                    creator,
                    "m.room.join_rules",
                    "",
                    "{\"join_rule\":\"public\"}",
                    List.of(powerLevels.id()),
                    List.of(join.id(), powerLevels.id()),
                    4,
                    server,
                    key);
            return new RemoteRoom(room, create, join, powerLevels, joinRules);
        }
    }

    /** A text message of {@code sender}, a user of another server, signed with its key. */
    private static Pdu remoteMessage(
            UserId sender, String body, Pdu prev, List<EventId> auth, long depth, SigningKey key) {
        return remoteEvent(
                RoomVersionRules.V12,
                RoomId.parse(prev.roomId()),
                sender,
                "m.room.message",
                null,
                "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}",
                List.of(prev.id()),
                auth,
                depth,
                sender.serverName(),
                key);
    }

    /** The verdict on {@code pdu}, received from {@code origin} over federation. */
    private static Outcome received(Pdu pdu, ServerName origin) {
        return server.api
                .inputRoomEvent(InputRoomEvent.received(
                        RoomId.parse(pdu.roomId()), RoomVersionRules.V12.id(), new String(pdu.bytes(), UTF_8), origin))
                .block()
                .outcome();
    }

    private static Pdu remoteEvent(
            RoomVersionRules rules,
            RoomId room,
            UserId sender,
            String type,
            String stateKey,
            String content,
            List<EventId> prev,
            List<EventId> auth,
            long depth,
            ServerName origin,
            SigningKey key) {
        EventBuilder builder = EventBuilder.forVersion(rules)
                .type(type)
                .sender(sender)
                .roomId(room)
                .content(TestingRoomClient.json(content))
                .prevEvents(prev)
                .authEvents(auth)
                .depth(depth)
                .originServerTs(System.currentTimeMillis());
        if (stateKey != null) {
            builder.stateKey(stateKey);
        }
        return builder.sign(origin, key);
    }
}
