package dev.lattice.syncapi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.AccountDataChanged;
import dev.lattice.api.clientapi.ClientApiOutput;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.ephemeral.PresenceUpdate;
import dev.lattice.api.ephemeral.ReceiptUpdate;
import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.api.roomserver.PartialStateCompleted;
import dev.lattice.api.roomserver.PartialStateStarted;
import dev.lattice.api.roomserver.StateOutliers;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.LatticeRuntimeConfiguration;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.syncapi.internal.SyncNotifier;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.testing.TestInfra;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The syncapi as a process sees it: records published on {@code roomserver.output} through real Kafka, stored in
 * real PostgreSQL, read back through {@code /sync}, {@code /messages} and {@code /members} over real HTTP; and
 * {@code clientapi.output} records through real Kafka into {@code /sync}'s account data, with the content served by
 * {@link TestingUserApi}.
 */
class SyncApiIT {
    private static final TestingUserApi USERS = new TestingUserApi();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectWriter CLIENTAPI_OUTPUT =
            JsonMapper.builder().build().writerFor(ClientApiOutput.class);

    private static ConfigurableApplicationContext context;
    private static Bus bus;
    private static SyncApiDatabase database;
    private static int port;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({LatticeRuntimeConfiguration.class, SyncApiConfiguration.class})
    static class SyncApiTestApplication {
        @Bean
        UserApi userApi() {
            return USERS;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, Object> properties = new HashMap<>(LatticeApplication.defaults());
        properties.putAll(TestInfra.latticeProperties());
        properties.put("lattice.client.port", 0);
        // The test users (TestRoom.user) are of example.org: local users, to whom to-device messages are delivered.
        properties.put("lattice.server-name", "example.org");
        properties.put("lattice.metrics.port", 0);
        properties.put("lattice.federation.enabled", false);
        properties.put(
                "lattice.data-dir", Files.createTempDirectory("syncapi-it").toString());
        properties.put("lattice.kafka.topic-prefix", "syncapi-it-" + UUID.randomUUID() + ".");
        properties.put("lattice.kafka.partitions", 2);
        // The only syncapi process, as in the all-in-one: long-polls with nothing signalled wait without reading.
        properties.put("lattice.syncapi.only-process", true);
        SpringApplication application = new SpringApplication(SyncApiTestApplication.class);
        application.setDefaultProperties(properties);
        context = application.run();
        bus = context.getBean(Bus.class);
        database = context.getBean(SyncApiDatabase.class);
        port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    // ---- initial and incremental sync ----

    @Test
    void initialSyncShowsJoinedRoomsInTheClientFormat() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        TestRoom room = TestRoom.create(alice);
        room.state(
                alice,
                "m.room.name",
                "",
                new JsonObjectBuilder().put("name", "Tea").build());
        for (int i = 0; i < 3; i++) {
            room.message(alice, "m" + i);
        }
        publishAll(room.events());

        JsonObject sync = sync(token, Map.of());
        assertThat(sync.getString("next_batch"))
                .hasValueSatisfying(t -> assertThat(t).matches("s\\d+(_\\d+)+"));
        JsonObject joined = joinedRoom(sync, room.id());
        List<JsonObject> timeline = events(joined, "timeline");
        assertThat(timeline)
                .extracting(e -> e.getString("type").orElseThrow())
                .containsExactly(
                        "m.room.create",
                        "m.room.member",
                        "m.room.name",
                        "m.room.message",
                        "m.room.message",
                        "m.room.message");
        assertThat(joined.getObject("timeline").orElseThrow().getBool("limited"))
                .contains(false);
        assertThat(events(joined, "state")).isEmpty();
        for (JsonObject event : timeline) {
            assertThat(event.members().keySet())
                    .doesNotContain("auth_events", "prev_events", "hashes", "signatures", "depth", "room_id", "origin");
            assertThat(event.members().keySet())
                    .contains("event_id", "type", "sender", "origin_server_ts", "content", "unsigned");
            assertThat(event.getObject("unsigned").orElseThrow().getInteger("age"))
                    .isPresent();
        }
        JsonObject summary = joined.getObject("summary").orElseThrow();
        assertThat(summary.getInteger("m.joined_member_count")).contains(1L);

        // With a timeline limit of 2: the last two messages, limited, and the rest as state.
        JsonObject limited =
                joinedRoom(sync(token, Map.of("filter", "{\"room\":{\"timeline\":{\"limit\":2}}}")), room.id());
        assertThat(events(limited, "timeline")).extracting(SyncApiIT::body).containsExactly("m1", "m2");
        assertThat(limited.getObject("timeline").orElseThrow().getBool("limited"))
                .contains(true);
        assertThat(limited.getObject("timeline").orElseThrow().getString("prev_batch"))
                .isPresent();
        assertThat(events(limited, "state"))
                .extracting(e -> e.getString("type").orElseThrow())
                .containsExactlyInAnyOrder("m.room.create", "m.room.member", "m.room.name");
    }

    @Test
    void incrementalSyncShowsOnlyWhatIsNewAndLimitsLongGaps() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        TestRoom room = TestRoom.create(alice);
        publishAll(room.events());
        String since = sync(token, Map.of()).getString("next_batch").orElseThrow();

        assertThat(sync(token, Map.of("since", since)).has("rooms")).isFalse();
        publish(room.message(alice, "new"));
        JsonObject sync = sync(token, Map.of("since", since, "timeout", "10000"));
        JsonObject joined = joinedRoom(sync, room.id());
        assertThat(events(joined, "timeline")).extracting(SyncApiIT::body).containsExactly("new");
        assertThat(events(joined, "state")).isEmpty();
        since = sync.getString("next_batch").orElseThrow();

        // A gap longer than the limit: the newest 10, limited, and /messages from prev_batch gives the rest.
        List<OutputRoomEvent> burst = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            burst.add(room.message(alice, "burst" + i));
        }
        publishAll(burst);
        JsonObject gap = joinedRoom(sync(token, Map.of("since", since)), room.id());
        assertThat(events(gap, "timeline"))
                .extracting(SyncApiIT::body)
                .containsExactly(
                        "burst5", "burst6", "burst7", "burst8", "burst9", "burst10", "burst11", "burst12", "burst13",
                        "burst14");
        JsonObject timeline = gap.getObject("timeline").orElseThrow();
        assertThat(timeline.getBool("limited")).contains(true);
        JsonObject earlier = get(
                token,
                "/_matrix/client/v3/rooms/" + room.id() + "/messages",
                Map.of(
                        "dir",
                        "b",
                        "limit",
                        "5",
                        "from",
                        timeline.getString("prev_batch").orElseThrow()),
                200);
        assertThat(chunk(earlier))
                .extracting(SyncApiIT::body)
                .containsExactly("burst4", "burst3", "burst2", "burst1", "burst0");
        assertThat(chunk(earlier))
                .allSatisfy(e -> assertThat(e.getString("room_id")).contains(room.id()));

        // full_state: everything again, at once.
        JsonObject full = joinedRoom(sync(token, Map.of("since", since, "full_state", "true")), room.id());
        assertThat(events(full, "state"))
                .extracting(e -> e.getString("type").orElseThrow())
                .contains("m.room.create", "m.room.member");
    }

    @Test
    void useStateAfterGivesTheStateUpToTheTimelinesEndWithChangesNoTimelineEventShows() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        TestRoom room = TestRoom.create(alice);
        publishAll(room.events());
        String since = sync(token, Map.of()).getString("next_batch").orElseThrow();

        // State taken at a federation gap: the roomserver publishes its event as history (in a StateOutliers record),
        // and the change of the
        // current state with the next event, which is not that state event.
        NewRoomEvent topic = room.state(
                alice,
                "m.room.topic",
                "",
                new JsonObjectBuilder().put("topic", "taken at a gap").build());
        NewRoomEvent message = room.message(alice, "after the gap");
        publishAll(List.of(
                new StateOutliers(
                        topic.roomId(),
                        List.of(new NewRoomEvent(
                                topic.roomId(),
                                topic.roomVersion(),
                                topic.eventId(),
                                topic.pdu(),
                                List.of(),
                                List.of(),
                                null,
                                true,
                                true))),
                new NewRoomEvent(
                        message.roomId(),
                        message.roomVersion(),
                        message.eventId(),
                        message.pdu(),
                        List.of(topic.eventId()),
                        List.of(),
                        null,
                        false)));
        publishAll(List.of(room.state(
                alice,
                "m.room.name",
                "",
                new JsonObjectBuilder().put("name", "named").build())));

        for (String[] names : List.of(
                new String[] {"use_state_after", "state_after"},
                new String[] {"org.matrix.msc4222.use_state_after", "org.matrix.msc4222.state_after"})) {
            JsonObject joined = joinedRoom(sync(token, Map.of("since", since, names[0], "true")), room.id());
            assertThat(joined.has("state")).as("state is left out").isFalse();
            assertThat(events(joined, names[1]))
                    .extracting(e -> e.getString("type").orElseThrow())
                    .containsExactlyInAnyOrder("m.room.topic", "m.room.name");
            assertThat(events(joined, "timeline")).extracting(SyncApiIT::body).contains("after the gap");
        }
        JsonObject initial = joinedRoom(sync(token, Map.of("use_state_after", "true")), room.id());
        assertThat(events(initial, "state_after"))
                .extracting(e -> e.getString("type").orElseThrow())
                .contains("m.room.create", "m.room.member", "m.room.topic", "m.room.name");
        assertThat(get(token, "/_matrix/client/v3/sync", Map.of("use_state_after", "yes"), 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
    }

    @Test
    void longPollIsWokenByANewEventAndOtherwiseTimesOut() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        TestRoom room = TestRoom.create(alice);
        publishAll(room.events());
        String since = sync(token, Map.of()).getString("next_batch").orElseThrow();

        long started = System.nanoTime();
        JsonObject empty = sync(token, Map.of("since", since, "timeout", "700"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(650));
        assertThat(empty.has("rooms")).isFalse();
        assertThat(empty.getString("next_batch")).isPresent();

        started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(
                request(token, "/_matrix/client/v3/sync", Map.of("since", since, "timeout", "20000")),
                HttpResponse.BodyHandlers.ofString());
        awaitLongPoll(alice);
        assertThat(waiting).isNotDone();
        publish(room.message(alice, "wake up"));
        HttpResponse<String> response = waiting.get();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        JsonObject woken = CanonicalJson.parseObject(response.body());
        assertThat(events(joinedRoom(woken, room.id()), "timeline"))
                .extracting(SyncApiIT::body)
                .containsExactly("wake up");
    }

    // ---- memberships ----

    @Test
    void joinLeaveRejoinCycle() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        room.message(alice, "hello bob");
        publishAll(room.events());
        JsonObject first = sync(bobToken, Map.of());
        assertThat(events(joinedRoom(first, room.id()), "timeline"))
                .extracting(SyncApiIT::body)
                .contains("hello bob");
        String since = first.getString("next_batch").orElseThrow();

        publish(room.message(alice, "before you go"));
        publish(room.member(bob, bob, "leave"));
        publish(room.message(alice, "after you left"));
        awaitStored(room.events().getLast());
        JsonObject left = sync(bobToken, Map.of("since", since));
        assertThat(left.getObject("rooms").orElseThrow().has("join")).isFalse();
        JsonObject leaveSection = left.getObject("rooms")
                .orElseThrow()
                .getObject("leave")
                .orElseThrow()
                .getObject(room.id())
                .orElseThrow();
        List<JsonObject> leaveTimeline = events(leaveSection, "timeline");
        assertThat(leaveTimeline.getLast().getString("type")).contains("m.room.member");
        assertThat(leaveTimeline.getLast().getObject("content").orElseThrow().getString("membership"))
                .contains("leave");
        assertThat(leaveTimeline).extracting(SyncApiIT::body).doesNotContain("after you left");
        since = left.getString("next_batch").orElseThrow();

        // Nothing while out; initial sync leaves the room out unless include_leave.
        publish(room.message(alice, "still away"));
        awaitStored(room.events().getLast());
        assertThat(sync(bobToken, Map.of("since", since)).has("rooms")).isFalse();
        assertThat(sync(bobToken, Map.of()).has("rooms")).isFalse();
        JsonObject withLeave =
                sync(bobToken, Map.of("filter", "{\"room\":{\"include_leave\":true,\"timeline\":{\"limit\":2}}}"));
        // The archived form: the timeline up to the leave, and the state at its start.
        JsonObject archived = withLeave
                .getObject("rooms")
                .orElseThrow()
                .getObject("leave")
                .orElseThrow()
                .getObject(room.id())
                .orElseThrow();
        List<JsonObject> archivedTimeline = events(archived, "timeline");
        assertThat(archivedTimeline.getLast().getObject("content").orElseThrow().getString("membership"))
                .contains("leave");
        assertThat(archivedTimeline).extracting(SyncApiIT::body).containsExactly("before you go", "");
        assertThat(events(archived, "state"))
                .extracting(e -> e.getString("type").orElseThrow())
                .contains("m.room.create");
        assertThat(archived.getObject("timeline").orElseThrow().has("prev_batch"))
                .isTrue();

        publish(room.member(bob, bob, "join"));
        JsonObject rejoined = joinedRoom(sync(bobToken, Map.of("since", since, "timeout", "10000")), room.id());
        List<JsonObject> timeline = events(rejoined, "timeline");
        assertThat(timeline).extracting(SyncApiIT::body).contains("still away"); // shared history visibility
        assertThat(timeline.getLast().getObject("content").orElseThrow().getString("membership"))
                .contains("join");
        assertThat(events(rejoined, "state"))
                .extracting(e -> e.getString("type").orElseThrow())
                .contains("m.room.create");
    }

    @Test
    void invitesCarryStrippedState() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId carol = TestRoom.user("carol");
        String carolToken = USERS.login(carol, "CAROL");
        TestRoom room = TestRoom.create(alice);
        room.state(
                alice,
                "m.room.join_rules",
                "",
                new JsonObjectBuilder().put("join_rule", "invite").build());
        room.state(
                alice,
                "m.room.name",
                "",
                new JsonObjectBuilder().put("name", "Secret").build());
        room.message(alice, "private");
        room.member(alice, carol, "invite");
        publishAll(room.events());

        JsonObject sync = sync(carolToken, Map.of());
        JsonObject rooms = sync.getObject("rooms").orElseThrow();
        assertThat(rooms.has("join")).isFalse();
        JsonObject invite =
                rooms.getObject("invite").orElseThrow().getObject(room.id()).orElseThrow();
        List<JsonObject> stripped = events(invite, "invite_state");
        assertThat(stripped)
                .extracting(e -> e.getString("type").orElseThrow())
                .containsExactlyInAnyOrder("m.room.create", "m.room.join_rules", "m.room.name", "m.room.member");
        assertThat(stripped)
                .allSatisfy(e -> assertThat(e.members().keySet())
                        .containsExactlyInAnyOrder("content", "sender", "state_key", "type"));

        // The invite shows once in incremental syncs.
        String since = sync.getString("next_batch").orElseThrow();
        assertThat(sync(carolToken, Map.of("since", since)).has("rooms")).isFalse();
    }

    // ---- event details ----

    @Test
    void transactionIdOnlyForTheSendingDevice() throws Exception {
        UserId alice = TestRoom.user("alice");
        String phone = USERS.login(alice, "PHONE");
        String laptop = USERS.login(alice, "LAPTOP");
        TestRoom room = TestRoom.create(alice);
        NewRoomEvent sent = room.message(alice, DeviceId.parse("PHONE"), "txn-42", "from my phone");
        publishAll(room.events());
        JsonObject onPhone =
                events(joinedRoom(sync(phone, Map.of()), room.id()), "timeline").getLast();
        JsonObject onLaptop = events(joinedRoom(sync(laptop, Map.of()), room.id()), "timeline")
                .getLast();
        assertThat(onPhone.getObject("unsigned").orElseThrow().getString("transaction_id"))
                .contains("txn-42");
        assertThat(onLaptop.getObject("unsigned").orElseThrow().has("transaction_id"))
                .isFalse();

        // The same in /messages and GET /event/{eventId}.
        String path = "/_matrix/client/v3/rooms/" + room.id();
        assertThat(transactionId(chunk(get(phone, path + "/messages", Map.of("dir", "b"), 200))
                        .getFirst()))
                .contains("txn-42");
        assertThat(transactionId(chunk(get(laptop, path + "/messages", Map.of("dir", "b"), 200))
                        .getFirst()))
                .isEmpty();
        String event = path + "/event/" + URLEncoder.encode(sent.eventId().value(), UTF_8);
        JsonObject fetched = get(phone, event, Map.of(), 200);
        assertThat(fetched.getString("event_id")).contains(sent.eventId().value());
        assertThat(fetched.getString("room_id")).contains(room.id());
        assertThat(transactionId(fetched)).contains("txn-42");
        assertThat(transactionId(get(laptop, event, Map.of(), 200))).isEmpty();
    }

    private static Optional<String> transactionId(JsonObject event) {
        return event.getObject("unsigned").flatMap(unsigned -> unsigned.getString("transaction_id"));
    }

    @Test
    void redactionReplacesTheContentAndSaysWhy() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        TestRoom room = TestRoom.create(alice);
        NewRoomEvent secret = room.message(alice, "oops");
        publishAll(room.events());
        List<Object> redaction = room.redact(alice, secret);
        publish((OutputRoomEvent) redaction.get(0));
        publish((OutputRoomEvent) redaction.get(1));
        String redactionId = ((NewRoomEvent) redaction.get(0)).eventId().value();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (database.event(secret.eventId().value())
                .block()
                .orElseThrow()
                .redactedBecause()
                .isEmpty()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        List<JsonObject> timeline = events(joinedRoom(sync(token, Map.of()), room.id()), "timeline");
        JsonObject redacted = timeline.stream()
                .filter(e -> e.getString("event_id")
                        .orElseThrow()
                        .equals(secret.eventId().value()))
                .findFirst()
                .orElseThrow();
        assertThat(redacted.getObject("content").orElseThrow().members()).isEmpty();
        assertThat(redacted.getObject("unsigned")
                        .orElseThrow()
                        .getObject("redacted_because")
                        .orElseThrow()
                        .getString("event_id"))
                .contains(redactionId);
        assertThat(timeline.getLast().getString("type")).contains("m.room.redaction");
        assertThat(timeline.getLast().getString("redacts"))
                .contains(secret.eventId().value());

        // Redacting again changes nothing.
        publish((OutputRoomEvent) redaction.get(1));
        publish(room.message(alice, "barrier"));
        awaitStored(room.events().getLast());
        assertThat(database.event(secret.eventId().value())
                        .block()
                        .orElseThrow()
                        .redactedBecause())
                .isPresent();
    }

    @Test
    void aReplayedRecordIsNotDuplicated() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        TestRoom room = TestRoom.create(alice);
        NewRoomEvent once = room.message(alice, "once");
        publishAll(room.events());
        long position =
                database.event(once.eventId().value()).block().orElseThrow().position();
        publish(once);
        publish(room.message(alice, "barrier"));
        awaitStored(room.events().getLast());
        assertThat(database.event(once.eventId().value()).block().orElseThrow().position())
                .isEqualTo(position);
        assertThat(events(joinedRoom(sync(token, Map.of()), room.id()), "timeline"))
                .extracting(SyncApiIT::body)
                .containsOnlyOnce("once");
    }

    @Test
    void poisonRecordsAreParkedAndTheRoomGoesOn() throws Exception {
        UserId alice = TestRoom.user("alice");
        TestRoom room = TestRoom.create(alice);
        publishAll(room.events());
        List<String> parked = new CopyOnWriteArrayList<>();
        bus.subscribe(
                "syncapi-it-parked-" + UUID.randomUUID(),
                List.of(Bus.parkedTopic(Topics.ROOMSERVER_OUTPUT)),
                record -> {
                    parked.add(new String(record.payload(), UTF_8));
                    return Mono.empty();
                });
        bus.publish(Topics.ROOMSERVER_OUTPUT, room.id(), "not json".getBytes(UTF_8))
                .block();
        NewRoomEvent valid = room.message(alice, "valid");
        // The same event claiming another event ID: poison too.
        publish(new NewRoomEvent(
                valid.roomId(),
                valid.roomVersion(),
                EventId.parse("$forged:example.org"),
                valid.pdu(),
                List.of(),
                List.of(),
                null,
                false));
        publish(valid);
        awaitStored(valid);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (parked.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(parked).hasSize(2).anySatisfy(payload -> assertThat(payload).isEqualTo("not json"));
        assertThat(database.event("$forged:example.org").block()).isEmpty();
    }

    // ---- /messages ----

    @Test
    void messagesPagesBothWaysUntilTheEnd() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        TestRoom room = TestRoom.create(alice);
        for (int i = 0; i < 25; i++) {
            room.message(alice, "m" + i);
        }
        publishAll(room.events());
        String path = "/_matrix/client/v3/rooms/" + room.id() + "/messages";

        List<String> backwards = new ArrayList<>();
        Map<String, String> query = new HashMap<>(Map.of("dir", "b", "limit", "10"));
        int pages = 0;
        while (true) {
            JsonObject page = get(token, path, query, 200);
            pages++;
            chunk(page)
                    .forEach(e -> backwards.add(
                            e.getString("type").orElseThrow().equals("m.room.message")
                                    ? body(e)
                                    : e.getString("type").orElseThrow()));
            if (page.getString("end").isEmpty()) {
                break;
            }
            query.put("from", page.getString("end").orElseThrow());
            assertThat(pages).isLessThan(10);
        }
        assertThat(backwards).hasSize(27);
        assertThat(backwards.getFirst()).isEqualTo("m24");
        assertThat(backwards.subList(25, 27)).containsExactly("m.room.member", "m.room.create");

        List<String> forwards = new ArrayList<>();
        query = new HashMap<>(Map.of("dir", "f", "limit", "7"));
        while (true) {
            JsonObject page = get(token, path, query, 200);
            chunk(page).forEach(e -> forwards.add(e.getString("event_id").orElseThrow()));
            if (page.getString("end").isEmpty()) {
                break;
            }
            query.put("from", page.getString("end").orElseThrow());
        }
        assertThat(forwards)
                .containsExactlyElementsOf(
                        room.events().stream().map(e -> e.eventId().value()).toList());
    }

    @Test
    void historyVisibilityDecidesWhatAMemberSees() throws Exception {
        Map<String, List<String>> seen = new HashMap<>();
        for (String visibility : List.of("joined", "shared", "invited")) {
            UserId alice = TestRoom.user("alice");
            UserId bob = TestRoom.user("bob");
            String bobToken = USERS.login(bob, "BOB");
            TestRoom room = TestRoom.create(alice);
            room.historyVisibility(alice, visibility);
            room.message(alice, "before invite");
            room.member(alice, bob, "invite");
            room.message(alice, "while invited");
            room.member(bob, bob, "join");
            room.message(alice, "while joined");
            room.member(bob, bob, "leave");
            room.message(alice, "after leaving");
            publishAll(room.events());
            JsonObject page = get(
                    bobToken,
                    "/_matrix/client/v3/rooms/" + room.id() + "/messages",
                    Map.of("dir", "b", "limit", "100"),
                    200);
            seen.put(
                    visibility,
                    chunk(page).stream()
                            .filter(e -> e.getString("type").orElseThrow().equals("m.room.message"))
                            .map(SyncApiIT::body)
                            .toList());
        }
        assertThat(seen.get("joined")).containsExactly("while joined");
        assertThat(seen.get("invited")).containsExactly("while joined", "while invited");
        assertThat(seen.get("shared")).containsExactly("while joined", "while invited", "before invite");
    }

    @Test
    void strangersMayOnlyReadWorldReadableRooms() throws Exception {
        UserId alice = TestRoom.user("alice");
        String stranger = USERS.login(TestRoom.user("dave"), "DAVE");
        TestRoom open = TestRoom.create(alice);
        open.historyVisibility(alice, "world_readable");
        open.message(alice, "hello world");
        TestRoom closed = TestRoom.create(alice);
        closed.message(alice, "members only");
        publishAll(open.events());
        publishAll(closed.events());
        JsonObject page = get(stranger, "/_matrix/client/v3/rooms/" + open.id() + "/messages", Map.of("dir", "b"), 200);
        assertThat(chunk(page))
                .extracting(e -> e.getString("type").orElseThrow())
                .contains("m.room.message");
        JsonObject forbidden =
                get(stranger, "/_matrix/client/v3/rooms/" + closed.id() + "/messages", Map.of("dir", "b"), 403);
        assertThat(forbidden.getString("errcode")).contains("M_FORBIDDEN");
    }

    /**
     * A read right after a join, before the read model stored it (the roomserver answers {@code /join} once it
     * committed the join, not once the read model has it), waits for the read model instead of refusing: a bot that
     * joins and reads at once is not told 403.
     */
    @Test
    void aReadRightAfterAJoinWaitsForTheReadModel() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String bobToken = USERS.login(bob, "BOBREADS");
        TestRoom room = TestRoom.create(alice);
        publishAll(room.events());
        List<NewRoomEvent> backlog = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            backlog.add(room.message(alice, "before bob " + i));
        }
        NewRoomEvent join = room.member(bob, bob, "join");
        backlog.add(join);
        // All on the bus at once, in order: the consumer is still storing them when bob reads.
        Flux.fromIterable(backlog)
                .flatMapSequential(
                        record -> bus.publish(
                                Topics.ROOMSERVER_OUTPUT, record.roomId().value(), BusJson.encode(record)),
                        backlog.size())
                .blockLast();

        JsonObject page = get(
                bobToken, "/_matrix/client/v3/rooms/" + room.id() + "/messages", Map.of("dir", "b", "limit", "1"), 200);
        assertThat(chunk(page))
                .extracting(e -> e.getString("event_id").orElseThrow())
                .containsExactly(join.eventId().value());
        JsonObject members = get(bobToken, "/_matrix/client/v3/rooms/" + room.id() + "/joined_members", Map.of(), 200);
        assertThat(members.getObject("joined").orElseThrow().members()).containsKeys(alice.value(), bob.value());
    }

    @Test
    void messagesWithLazyLoadedMembersCarryTheSendersMemberEvents() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        UserId carol = TestRoom.user("carol");
        String token = USERS.login(alice, "PHONE");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        room.member(carol, carol, "join");
        room.message(carol, "early");
        for (int i = 0; i < 3; i++) {
            room.message(alice, "a" + i);
            room.message(bob, "b" + i);
        }
        publishAll(room.events());
        String path = "/_matrix/client/v3/rooms/" + room.id() + "/messages";
        JsonObject lazy =
                get(token, path, Map.of("dir", "b", "limit", "6", "filter", "{\"lazy_load_members\":true}"), 200);
        assertThat(chunk(lazy)).extracting(SyncApiIT::body).containsExactly("b2", "a2", "b1", "a1", "b0", "a0");
        List<JsonObject> state = lazy.getArray("state").orElseThrow().values().stream()
                .map(JsonObject.class::cast)
                .toList();
        // The senders of the chunk, not carol, who sent nothing in it.
        assertThat(state)
                .allSatisfy(event -> assertThat(event.getString("type")).contains("m.room.member"));
        assertThat(state)
                .extracting(event -> event.getString("state_key").orElseThrow())
                .containsExactlyInAnyOrder(alice.toString(), bob.toString());
        assertThat(state)
                .allSatisfy(event -> assertThat(event.getString("room_id")).contains(room.id()));
        // Without lazy loading, no state (the spec allows leaving it out).
        assertThat(get(token, path, Map.of("dir", "b", "limit", "6"), 200).has("state"))
                .isFalse();
    }

    @Test
    void aForgottenRoomIsLikeOneNeverJoined() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        NewRoomEvent message = room.message(alice, "while bob was here");
        room.member(bob, bob, "leave");
        publishAll(room.events());
        String path = "/_matrix/client/v3/rooms/" + room.id();
        String event = path + "/event/" + URLEncoder.encode(message.eventId().value(), UTF_8);
        Map<String, String> includeLeave = Map.of("filter", "{\"room\":{\"include_leave\":true}}");
        // Left, not forgotten: the archive and the history are there.
        assertThat(sync(bobToken, includeLeave).getObject("rooms").orElseThrow().getObject("leave"))
                .hasValueSatisfying(leave -> assertThat(leave.has(room.id())).isTrue());
        get(bobToken, path + "/messages", Map.of("dir", "b"), 200);
        get(bobToken, event, Map.of(), 200);
        get(bobToken, path + "/members", Map.of(), 200);

        USERS.forget(bob, RoomId.parse(room.id()));
        assertThat(sync(bobToken, includeLeave).has("rooms")).isFalse();
        assertThat(get(bobToken, path + "/messages", Map.of("dir", "b"), 403).getString("errcode"))
                .contains("M_FORBIDDEN");
        assertThat(get(bobToken, event, Map.of(), 404).getString("errcode")).contains("M_NOT_FOUND");
        assertThat(get(bobToken, path + "/members", Map.of(), 403).getString("errcode"))
                .contains("M_FORBIDDEN");
    }

    // ---- /members and /joined_members ----

    @Test
    void membersForJoinedLeftInvitedAndStrangers() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        UserId carol = TestRoom.user("carol");
        UserId dave = TestRoom.user("dave");
        String aliceToken = USERS.login(alice, "ALICE");
        String bobToken = USERS.login(bob, "BOB");
        String carolToken = USERS.login(carol, "CAROL");
        String stranger = USERS.login(TestRoom.user("eve"), "EVE");
        TestRoom room = TestRoom.create(alice);
        room.state(
                alice,
                "m.room.member",
                alice.toString(),
                new JsonObjectBuilder()
                        .put("membership", "join")
                        .put("displayname", "Alice")
                        .put("avatar_url", "mxc://example.org/alice")
                        .build());
        room.member(bob, bob, "join");
        room.member(alice, carol, "invite");
        room.member(bob, bob, "leave");
        room.member(dave, dave, "join");
        publishAll(room.events());
        String members = "/_matrix/client/v3/rooms/" + room.id() + "/members";

        // Joined: the current members, in the client format with room_id.
        List<JsonObject> now = chunk(get(aliceToken, members, Map.of(), 200));
        assertThat(memberships(now))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        alice.toString(),
                        "join",
                        bob.toString(),
                        "leave",
                        carol.toString(),
                        "invite",
                        dave.toString(),
                        "join"));
        assertThat(now).allSatisfy(event -> {
            assertThat(event.getString("type")).contains("m.room.member");
            assertThat(event.getString("room_id")).contains(room.id());
            assertThat(event.members().keySet()).doesNotContain("auth_events", "signatures", "hashes");
        });
        assertThat(memberships(chunk(get(aliceToken, members, Map.of("membership", "join"), 200)))
                        .keySet())
                .containsExactlyInAnyOrder(alice.toString(), dave.toString());
        assertThat(memberships(chunk(get(aliceToken, members, Map.of("not_membership", "leave"), 200)))
                        .keySet())
                .containsExactlyInAnyOrder(alice.toString(), carol.toString(), dave.toString());
        assertThat(memberships(
                        chunk(get(aliceToken, members, Map.of("membership", "join", "not_membership", "join"), 200))))
                .isEmpty();
        assertThat(get(aliceToken, members, Map.of("membership", "joined"), 400).getString("errcode"))
                .contains("M_INVALID_PARAM");

        // Left: the members as of the leave (dave joined later and is not there).
        assertThat(memberships(chunk(get(bobToken, members, Map.of(), 200))))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(alice.toString(), "join", bob.toString(), "leave", carol.toString(), "invite"));

        // Invited, never in the room, or an unknown room: 403, as Synapse.
        assertThat(get(carolToken, members, Map.of(), 403).getString("errcode")).contains("M_FORBIDDEN");
        assertThat(get(stranger, members, Map.of(), 403).getString("errcode")).contains("M_FORBIDDEN");
        assertThat(get(
                                aliceToken,
                                "/_matrix/client/v3/rooms/!unknown" + UUID.randomUUID() + ":example.org/members",
                                Map.of(),
                                403)
                        .getString("errcode"))
                .contains("M_FORBIDDEN");

        // joined_members: current members only, with their profile from the member event.
        String joinedMembers = "/_matrix/client/v3/rooms/" + room.id() + "/joined_members";
        JsonObject joined = get(aliceToken, joinedMembers, Map.of(), 200)
                .getObject("joined")
                .orElseThrow();
        assertThat(joined.members().keySet()).containsExactlyInAnyOrder(alice.toString(), dave.toString());
        JsonObject aliceProfile = joined.getObject(alice.toString()).orElseThrow();
        assertThat(aliceProfile.getString("display_name")).contains("Alice");
        assertThat(aliceProfile.getString("avatar_url")).contains("mxc://example.org/alice");
        // A member whose member event has no profile has no keys: the spec's strings are never null.
        assertThat(joined.getObject(dave.toString()).orElseThrow().members()).isEmpty();
        assertThat(get(bobToken, joinedMembers, Map.of(), 403).getString("errcode"))
                .contains("M_FORBIDDEN");
        assertThat(get(carolToken, joinedMembers, Map.of(), 403).getString("errcode"))
                .contains("M_FORBIDDEN");
        assertThat(get(stranger, joinedMembers, Map.of(), 403).getString("errcode"))
                .contains("M_FORBIDDEN");
    }

    @Test
    void membersOfAWorldReadableRoomAreOpenToAll() throws Exception {
        UserId alice = TestRoom.user("alice");
        String stranger = USERS.login(TestRoom.user("eve"), "EVE");
        TestRoom room = TestRoom.create(alice);
        room.historyVisibility(alice, "world_readable");
        publishAll(room.events());
        assertThat(memberships(chunk(
                                get(stranger, "/_matrix/client/v3/rooms/" + room.id() + "/members", Map.of(), 200)))
                        .keySet())
                .containsExactly(alice.toString());
        assertThat(get(stranger, "/_matrix/client/v3/rooms/" + room.id() + "/joined_members", Map.of(), 200)
                        .getObject("joined")
                        .orElseThrow()
                        .members()
                        .keySet())
                .containsExactly(alice.toString());
    }

    @Test
    void membersAtASyncOrMessagesToken() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String aliceToken = USERS.login(alice, "ALICE");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        room.historyVisibility(alice, "joined");
        publishAll(room.events());
        String before = sync(aliceToken, Map.of()).getString("next_batch").orElseThrow();
        assertThat(before).matches("s\\d+(_\\d+)+");
        room.member(bob, bob, "join");
        room.message(alice, "hi bob");
        publishAll(room.events().subList(room.events().size() - 2, room.events().size()));
        String members = "/_matrix/client/v3/rooms/" + room.id() + "/members";

        // A /sync token: the members then; now: both.
        assertThat(memberships(chunk(get(aliceToken, members, Map.of("at", before), 200)))
                        .keySet())
                .containsExactly(alice.toString());
        assertThat(memberships(chunk(get(aliceToken, members, Map.of(), 200))).keySet())
                .containsExactlyInAnyOrder(alice.toString(), bob.toString());
        // A /messages token (end of a page going back from the newest event: just before "hi bob").
        JsonObject page = get(
                aliceToken,
                "/_matrix/client/v3/rooms/" + room.id() + "/messages",
                Map.of("dir", "b", "limit", "1"),
                200);
        assertThat(memberships(chunk(get(
                                aliceToken,
                                members,
                                Map.of("at", page.getString("end").orElseThrow(), "membership", "join"),
                                200)))
                        .keySet())
                .containsExactlyInAnyOrder(alice.toString(), bob.toString());
        // Bob was not in the room at the first token and history is "joined": not his to see.
        assertThat(get(bobToken, members, Map.of("at", before), 403).getString("errcode"))
                .contains("M_FORBIDDEN");
        // Before the room's first event (a prev_batch of a timeline that starts at m.room.create, or a token of a
        // sync before the room was created): the members as of the start of the room's timeline, which are none.
        assertThat(chunk(get(aliceToken, members, Map.of("at", "s0"), 200))).isEmpty();
        // A room without any event here is still not found.
        assertThat(get(aliceToken, "/_matrix/client/v3/rooms/!nowhere:example.org/members", Map.of("at", "s0"), 404)
                        .getString("errcode"))
                .contains("M_NOT_FOUND");
        assertThat(get(aliceToken, members, Map.of("at", "garbage"), 400).getString("errcode"))
                .contains("M_INVALID_PARAM");
    }

    @Test
    void aCompletedPartialStateAddsTheMembersItLackedToTheCurrentStateAndItsPast() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String aliceToken = USERS.login(alice, "PARTIAL");
        TestRoom room = TestRoom.create(alice);
        publishAll(room.events());
        // Bob joined before this server did; the partial state did not hold his join.
        NewRoomEvent bobJoin = room.member(bob, bob, "join");
        NewRoomEvent message = room.message(alice, "before the state is complete");
        publish(new PartialStateStarted(message.roomId(), message.eventId()));
        publishAll(List.of(message));
        String before = sync(aliceToken, Map.of()).getString("next_batch").orElseThrow();
        String members = "/_matrix/client/v3/rooms/" + room.id() + "/members";
        // A member list waits for the whole state (clients encrypt to whom it lists).
        CompletableFuture<HttpResponse<String>> waiting =
                HTTP.sendAsync(request(aliceToken, members, Map.of()), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1_000);
        assertThat(waiting)
                .as("/members answered while the member list was incomplete")
                .isNotDone();
        String messages = "/_matrix/client/v3/rooms/" + room.id() + "/messages";
        assertThat(get(aliceToken, messages, Map.of("dir", "b", "limit", "100"), 200)
                        .getString("end"))
                .as("a page of a partial room is answered at once, with an end token: its history is fetched meanwhile")
                .isPresent();

        PartialStateCompleted completed = new PartialStateCompleted(bobJoin.roomId(), List.of(bobJoin.eventId()));
        publish(new StateOutliers(
                bobJoin.roomId(),
                List.of(new NewRoomEvent(
                        bobJoin.roomId(),
                        bobJoin.roomVersion(),
                        bobJoin.eventId(),
                        bobJoin.pdu(),
                        List.of(),
                        List.of(),
                        null,
                        true,
                        true))));
        publish(completed);
        publish(completed); // a replay changes nothing, and is no poison that stops the room

        // No event came after the completion: what it added is read all the same (its position counts as the
        // events stream's newest).
        HttpResponse<String> answered = waiting.get(30, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(memberships(chunk(CanonicalJson.parseObject(answered.body()))))
                .containsExactlyInAnyOrderEntriesOf(Map.of(alice.toString(), "join", bob.toString(), "join"));
        assertThat(memberships(chunk(get(aliceToken, members, Map.of(), 200))))
                .containsExactlyInAnyOrderEntriesOf(Map.of(alice.toString(), "join", bob.toString(), "join"));
        assertThat(get(aliceToken, "/_matrix/client/v3/rooms/" + room.id() + "/joined_members", Map.of(), 200)
                        .getObject("joined")
                        .orElseThrow()
                        .members()
                        .keySet())
                .containsExactlyInAnyOrder(alice.toString(), bob.toString());
        assertThat(memberships(chunk(get(aliceToken, members, Map.of("at", before), 200)))
                        .keySet())
                .as("after the join and before the completion, the partial state stays what clients were shown")
                .containsExactly(alice.toString());
        assertThat(events(joinedRoom(sync(aliceToken, Map.of("since", before)), room.id()), "state"))
                .as("an incremental sync lists the members the partial state lacked")
                .extracting(e -> e.getString("state_key").orElseThrow())
                .contains(bob.toString());
        assertThat(get(aliceToken, messages, Map.of("dir", "b", "limit", "100"), 200)
                        .getString("end"))
                .as("complete again: a page that reached the start of what is held has no end")
                .isEmpty();
        publishAll(List.of(room.message(alice, "after")));
    }

    // ---- account data ----

    @Test
    void accountDataInInitialAndIncrementalSyncs() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        TestRoom room = TestRoom.create(alice);
        TestRoom other = TestRoom.create(alice);
        publishAll(room.events());
        publishAll(other.events());
        RoomId roomId = RoomId.parse(room.id());
        USERS.putAccountData(alice, Optional.empty(), "m.direct", "{\"@bob:example.org\":[\"!dm:example.org\"]}");
        USERS.putAccountData(alice, Optional.of(roomId), "m.tag", "{\"tags\":{\"u.work\":{}}}");

        // Initial: everything the client-api holds, even what was never announced.
        JsonObject initial = sync(token, Map.of());
        assertThat(accountData(initial)).containsOnlyKeys("m.direct");
        assertThat(accountData(initial).get("m.direct").getArray("@bob:example.org"))
                .isPresent();
        assertThat(roomAccountData(joinedRoom(initial, room.id()))).containsOnlyKeys("m.tag");
        assertThat(roomAccountData(joinedRoom(initial, other.id()))).isEmpty();
        String since = initial.getString("next_batch").orElseThrow();
        assertThat(since).matches("s\\d+(_\\d+)+");
        assertThat(sync(token, Map.of("since", since)).has("account_data")).isFalse();

        // Incremental: only what changed, with its current content; a quiet room is listed for its account data.
        AccountDataChanged direct = USERS.putAccountData(
                alice, Optional.empty(), "m.direct", "{\"@carol:example.org\":[\"!dm2:example.org\"]}");
        publish(direct);
        JsonObject changed = sync(token, Map.of("since", since, "timeout", "10000"));
        assertThat(accountData(changed)).containsOnlyKeys("m.direct");
        assertThat(accountData(changed).get("m.direct").members().keySet()).containsExactly("@carol:example.org");
        assertThat(changed.has("rooms")).isFalse();
        since = changed.getString("next_batch").orElseThrow();

        AccountDataChanged tag =
                USERS.putAccountData(alice, Optional.of(roomId), "m.tag", "{\"tags\":{\"m.favourite\":{}}}");
        publish(tag);
        JsonObject perRoom = sync(token, Map.of("since", since, "timeout", "10000"));
        assertThat(perRoom.has("account_data")).isFalse();
        JsonObject section = joinedRoom(perRoom, room.id());
        assertThat(roomAccountData(section)
                        .get("m.tag")
                        .getObject("tags")
                        .orElseThrow()
                        .members()
                        .keySet())
                .containsExactly("m.favourite");
        assertThat(events(section, "timeline")).isEmpty();
        assertThat(perRoom.getObject("rooms")
                        .orElseThrow()
                        .getObject("join")
                        .orElseThrow()
                        .has(other.id()))
                .isFalse();
        since = perRoom.getString("next_batch").orElseThrow();

        // A replayed record (same stream_id) changes nothing: after a barrier, only the barrier shows.
        publish(tag);
        publish(USERS.putAccountData(alice, Optional.empty(), "org.example.barrier", "{}"));
        JsonObject afterReplay = sync(token, Map.of("since", since, "timeout", "10000"));
        assertThat(accountData(afterReplay)).containsOnlyKeys("org.example.barrier");
        assertThat(afterReplay.has("rooms")).isFalse();

        // full_state: everything again.
        JsonObject full = sync(token, Map.of("since", since, "full_state", "true"));
        assertThat(accountData(full)).containsOnlyKeys("m.direct", "org.example.barrier");
        assertThat(roomAccountData(joinedRoom(full, room.id()))).containsOnlyKeys("m.tag");

        // A token from before the account data stream (s<events>) still reads: every recorded change once.
        String eventsOnly = since.substring(0, since.indexOf('_'));
        assertThat(accountData(sync(token, Map.of("since", eventsOnly))))
                .containsOnlyKeys("m.direct", "org.example.barrier");
    }

    @Test
    void accountDataFilters() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        TestRoom room = TestRoom.create(alice);
        publishAll(room.events());
        USERS.putAccountData(alice, Optional.empty(), "m.direct", "{}");
        USERS.putAccountData(alice, Optional.empty(), "m.ignored_user_list", "{\"ignored_users\":{}}");
        USERS.putAccountData(alice, Optional.empty(), "org.example.custom", "{}");
        USERS.putAccountData(alice, Optional.of(RoomId.parse(room.id())), "m.tag", "{\"tags\":{}}");

        assertThat(accountData(sync(token, Map.of("filter", "{\"account_data\":{\"types\":[\"m.*\"]}}"))))
                .containsOnlyKeys("m.direct", "m.ignored_user_list");
        assertThat(accountData(sync(token, Map.of("filter", "{\"account_data\":{\"not_types\":[\"m.direct\"]}}"))))
                .containsOnlyKeys("m.ignored_user_list", "org.example.custom");
        JsonObject limited = sync(
                token,
                Map.of(
                        "filter",
                        "{\"account_data\":{\"limit\":1},\"room\":{\"account_data\":{\"not_types\":[\"m.tag\"]}}}"));
        assertThat(accountData(limited)).hasSize(1);
        assertThat(roomAccountData(joinedRoom(limited, room.id()))).isEmpty();
        assertThat(get(
                                token,
                                "/_matrix/client/v3/sync",
                                Map.of("filter", "{\"account_data\":{\"types\":\"m.direct\"}}"),
                                400)
                        .getString("errcode"))
                .contains("M_BAD_JSON");
    }

    @Test
    void longPollIsWokenByAccountData() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        String since = sync(token, Map.of()).getString("next_batch").orElseThrow();

        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(
                request(token, "/_matrix/client/v3/sync", Map.of("since", since, "timeout", "20000")),
                HttpResponse.BodyHandlers.ofString());
        awaitLongPoll(alice);
        assertThat(waiting).isNotDone();
        publish(USERS.putAccountData(alice, Optional.empty(), "m.direct", "{\"@bob:example.org\":[]}"));
        HttpResponse<String> response = waiting.get();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(accountData(CanonicalJson.parseObject(response.body()))).containsOnlyKeys("m.direct");
    }

    @Test
    void unknownClientApiRecordsAreSkippedAndPoisonIsParked() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "PHONE");
        String since = sync(token, Map.of()).getString("next_batch").orElseThrow();
        List<String> parked = new CopyOnWriteArrayList<>();
        bus.subscribe(
                "syncapi-it-parked-" + UUID.randomUUID(), List.of(Bus.parkedTopic(Topics.CLIENTAPI_OUTPUT)), record -> {
                    if (alice.toString().equals(record.key())) {
                        parked.add(new String(record.payload(), UTF_8));
                    }
                    return Mono.empty();
                });
        USERS.putAccountData(alice, Optional.empty(), "m.future", "{}");
        AccountDataChanged direct = USERS.putAccountData(alice, Optional.empty(), "m.direct", "{}");
        String user = alice.toString();
        publishRaw(user, "{\"type\":\"read_marker\",\"version\":1,\"user_id\":\"" + user + "\"}");
        publishRaw(
                user,
                "{\"type\":\"account_data\",\"version\":2,\"user_id\":\"" + user
                        + "\",\"data_type\":\"m.future\",\"stream_id\":1}");
        publishRaw(user, "not json");
        publish(direct);

        JsonObject sync = sync(token, Map.of("since", since, "timeout", "10000"));
        assertThat(accountData(sync)).containsOnlyKeys("m.direct");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (parked.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(parked).containsExactly("not json");
    }

    // ---- errors ----

    @Test
    void tokensAndParametersAreChecked() throws Exception {
        HttpResponse<String> missing = HTTP.send(
                HttpRequest.newBuilder(uri("/_matrix/client/v3/sync", Map.of())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).contains("M_MISSING_TOKEN");
        assertThat(get("not-a-token", "/_matrix/client/v3/sync", Map.of(), 401).getString("errcode"))
                .contains("M_UNKNOWN_TOKEN");
        String token = USERS.login(TestRoom.user("erin"), "ERIN");
        HttpResponse<String> byQuery = HTTP.send(
                HttpRequest.newBuilder(uri("/_matrix/client/v3/sync", Map.of("access_token", token)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(byQuery.statusCode()).isEqualTo(200);
        assertThat(get(token, "/_matrix/client/v3/sync", Map.of("since", "garbage"), 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(get(token, "/_matrix/client/v3/rooms/!r:example.org/messages", Map.of(), 400)
                        .getString("errcode"))
                .contains("M_MISSING_PARAM");
        assertThat(get(token, "/_matrix/client/v3/rooms/!r:example.org/messages", Map.of("dir", "x"), 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(get(
                                token,
                                "/_matrix/client/v3/rooms/!r:example.org/messages",
                                Map.of("dir", "b", "filter", "{\"limit\":-1}"),
                                400)
                        .getString("errcode"))
                .contains("M_BAD_JSON");
        assertThat(get(
                                token,
                                "/_matrix/client/v3/rooms/!r:example.org/messages",
                                Map.of("dir", "b", "filter", "{\"lazy_load_members\":1}"),
                                400)
                        .getString("errcode"))
                .contains("M_BAD_JSON");
    }

    // ---- helpers ----

    private static void publish(AccountDataChanged record) {
        bus.publish(Topics.CLIENTAPI_OUTPUT, record.userId().toString(), CLIENTAPI_OUTPUT.writeValueAsBytes(record))
                .block();
    }

    private static void publishRaw(String user, String payload) {
        bus.publish(Topics.CLIENTAPI_OUTPUT, user, payload.getBytes(UTF_8)).block();
    }

    /** The global account data events by type. */
    private static Map<String, JsonObject> accountData(JsonObject sync) {
        return sync.getObject("account_data").map(SyncApiIT::byType).orElse(Map.of());
    }

    private static Map<String, JsonObject> roomAccountData(JsonObject room) {
        return room.getObject("account_data").map(SyncApiIT::byType).orElse(Map.of());
    }

    private static Map<String, JsonObject> byType(JsonObject section) {
        Map<String, JsonObject> out = new HashMap<>();
        section.getArray("events").orElseThrow().values().forEach(value -> {
            JsonObject event = (JsonObject) value;
            assertThat(event.members().keySet()).containsExactlyInAnyOrder("type", "content");
            out.put(
                    event.getString("type").orElseThrow(),
                    event.getObject("content").orElseThrow());
        });
        return out;
    }

    /** Member events' memberships by state key. */
    private static Map<String, String> memberships(List<JsonObject> members) {
        Map<String, String> out = new HashMap<>();
        members.forEach(event -> out.put(
                event.getString("state_key").orElseThrow(),
                event.getObject("content").orElseThrow().getString("membership").orElseThrow()));
        return out;
    }

    private static void publish(OutputRoomEvent record) {
        bus.publish(Topics.ROOMSERVER_OUTPUT, record.roomId().value(), BusJson.encode(record))
                .block();
    }

    /** Publishes the events and waits until the last one is stored. */
    private static void publishAll(List<? extends OutputRoomEvent> records) throws InterruptedException {
        records.forEach(SyncApiIT::publish);
        awaitStored((NewRoomEvent) records.getLast());
    }

    private static void awaitStored(NewRoomEvent event) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (database.event(event.eventId().value()).block().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(event.eventId() + " was not consumed within 30 s");
            }
            Thread.sleep(50);
        }
    }

    private static JsonObject sync(String token, Map<String, String> query) throws Exception {
        return get(token, "/_matrix/client/v3/sync", query, 200);
    }

    private static JsonObject get(String token, String path, Map<String, String> query, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(request(token, path, query), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return CanonicalJson.parseObject(response.body());
    }

    private static HttpRequest request(String token, String path, Map<String, String> query) {
        return HttpRequest.newBuilder(uri(path, query))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60))
                .build();
    }

    private static URI uri(String path, Map<String, String> query) {
        StringBuilder uri = new StringBuilder("http://127.0.0.1:" + port + path.replace("!", "%21"));
        char separator = '?';
        for (var parameter : query.entrySet()) {
            uri.append(separator)
                    .append(parameter.getKey())
                    .append('=')
                    .append(URLEncoder.encode(parameter.getValue(), UTF_8));
            separator = '&';
        }
        return URI.create(uri.toString());
    }

    /** The joined room's section, if the response lists it. */
    private static Optional<JsonObject> listedJoinedRoom(JsonObject sync, String roomId) {
        return sync.getObject("rooms")
                .flatMap(rooms -> rooms.getObject("join"))
                .flatMap(join -> join.getObject(roomId));
    }

    private static JsonObject joinedRoom(JsonObject sync, String roomId) {
        return sync.getObject("rooms")
                .orElseThrow(() -> new AssertionError("no rooms in " + sync))
                .getObject("join")
                .orElseThrow(() -> new AssertionError("no joined rooms in " + sync))
                .getObject(roomId)
                .orElseThrow(() -> new AssertionError(roomId + " not joined in " + sync));
    }

    private static List<JsonObject> events(JsonObject room, String section) {
        return room.getObject(section).orElseThrow().getArray("events").orElseThrow().values().stream()
                .map(JsonObject.class::cast)
                .toList();
    }

    private static List<JsonObject> chunk(JsonObject page) {
        return page.getArray("chunk").orElseThrow().values().stream()
                .map(JsonObject.class::cast)
                .toList();
    }

    private static String body(CanonicalJsonValue event) {
        return ((JsonObject) event)
                .getObject("content")
                .flatMap(c -> c.getString("body"))
                .orElse("");
    }

    /** Waits until a /sync of the user is parked on the notifier, so what is published next must wake it. */
    private static void awaitLongPoll(UserId user) throws InterruptedException {
        SyncNotifier notifier = context.getBean(SyncNotifier.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (notifier.waiting(user.value()) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no /sync of " + user + " waited within 30 s");
            }
            Thread.sleep(10);
        }
    }

    // ---- to-device messages ----

    @Test
    void toDeviceMessagesAreDeliveredUntilAcknowledgedAndSentOncePerTransaction() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String aliceToken = USERS.login(alice, "ALICE");
        String phone = USERS.login(bob, "PHONE");
        String laptop = USERS.login(bob, "LAPTOP");
        String since = sync(phone, Map.of()).getString("next_batch").orElseThrow();

        String path = "/_matrix/client/v3/sendToDevice/m.test/";
        String toPhone = "{\"messages\": {\"" + bob + "\": {\"PHONE\": {\"n\": 1}}}}";
        assertThat(put(aliceToken, path + "t1", toPhone, 200).members()).isEmpty();
        put(aliceToken, path + "t1", toPhone, 200); // a retry of the transaction sends nothing again
        put(aliceToken, path + "t2", "{\"messages\": {\"" + bob + "\": {\"*\": {\"n\": 2}}}}", 200);

        JsonObject first = sync(phone, Map.of("since", since));
        assertThat(toDevice(first))
                .containsExactly(
                        "{\"content\":{\"n\":1},\"sender\":\"" + alice + "\",\"type\":\"m.test\"}",
                        "{\"content\":{\"n\":2},\"sender\":\"" + alice + "\",\"type\":\"m.test\"}");
        // Not acknowledged yet: the same since gets them again.
        assertThat(toDevice(sync(phone, Map.of("since", since)))).hasSize(2);
        // The next since acknowledges them: they are gone, also for a client going back to the old since.
        String next = first.getString("next_batch").orElseThrow();
        assertThat(toDevice(sync(phone, Map.of("since", next)))).isEmpty();
        assertThat(toDevice(sync(phone, Map.of("since", since)))).isEmpty();
        // A message after that comes from the already acknowledged since too, and goes once acknowledged in turn.
        put(aliceToken, path + "t6", "{\"messages\": {\"" + bob + "\": {\"PHONE\": {\"n\": 3}}}}", 200);
        assertThat(toDevice(sync(phone, Map.of("since", next)))).hasSize(1);
        JsonObject third = sync(phone, Map.of("since", next));
        assertThat(toDevice(third)).hasSize(1);
        assertThat(toDevice(sync(
                        phone, Map.of("since", third.getString("next_batch").orElseThrow()))))
                .isEmpty();
        assertThat(toDevice(sync(phone, Map.of("since", next)))).isEmpty();
        // "*" reached every device of bob; the laptop has not acknowledged, so every initial sync repeats it.
        assertThat(toDevice(sync(laptop, Map.of()))).hasSize(1);
        assertThat(toDevice(sync(laptop, Map.of()))).hasSize(1);

        assertThat(put(aliceToken, path + "t3", "{\"messages\": []}", 400).getString("errcode"))
                .contains("M_BAD_JSON");
        assertThat(put(aliceToken, path + "t4", "{}", 400).getString("errcode")).contains("M_MISSING_PARAM");
        assertThat(put(aliceToken, path + "t5", "{\"messages\": {\"bob\": {}}}", 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
    }

    @Test
    void longPollIsWokenByAToDeviceMessage() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String aliceToken = USERS.login(alice, "ALICE");
        String phone = USERS.login(bob, "PHONE");
        String since = sync(phone, Map.of()).getString("next_batch").orElseThrow();
        CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(
                request(phone, "/_matrix/client/v3/sync", Map.of("since", since, "timeout", "20000")),
                HttpResponse.BodyHandlers.ofString());
        awaitLongPoll(bob);
        assertThat(waiting).isNotDone();
        put(
                aliceToken,
                "/_matrix/client/v3/sendToDevice/m.test/wake",
                "{\"messages\": {\"" + bob + "\": {\"PHONE\": {\"wake\": true}}}}",
                200);
        assertThat(toDevice(CanonicalJson.parseObject(waiting.get().body()))).hasSize(1);
    }

    // ---- typing ----

    @Test
    void typingIsSeenByTheOtherMemberUntilStoppedOrExpired() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String aliceToken = USERS.login(alice, "ALICE");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        publishAll(room.events());
        String since = sync(bobToken, Map.of()).getString("next_batch").orElseThrow();
        String path = "/_matrix/client/v3/rooms/" + room.id() + "/typing/";

        CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(
                request(bobToken, "/_matrix/client/v3/sync", Map.of("since", since, "timeout", "20000")),
                HttpResponse.BodyHandlers.ofString());
        awaitLongPoll(bob);
        put(aliceToken, path + alice, "{\"typing\": true, \"timeout\": 30000}", 200);
        JsonObject typing = CanonicalJson.parseObject(waiting.get().body());
        assertThat(typingUsers(typing, room.id())).containsExactly(alice.toString());
        // An initial sync shows who types now.
        assertThat(typingUsers(sync(bobToken, Map.of()), room.id())).containsExactly(alice.toString());

        since = typing.getString("next_batch").orElseThrow();
        put(aliceToken, path + alice, "{\"typing\": false}", 200);
        JsonObject stopped = syncUntil(bobToken, since, sync -> hasTyping(sync, room.id()));
        assertThat(typingUsers(stopped, room.id())).isEmpty();

        // A short timeout expires on the server without another request.
        since = stopped.getString("next_batch").orElseThrow();
        put(aliceToken, path + alice, "{\"typing\": true, \"timeout\": 500}", 200);
        JsonObject started =
                syncUntil(bobToken, since, sync -> !typingUsers(sync, room.id()).isEmpty());
        JsonObject expired =
                syncUntil(bobToken, started.getString("next_batch").orElseThrow(), sync -> hasTyping(sync, room.id()));
        assertThat(typingUsers(expired, room.id())).isEmpty();
    }

    @Test
    void typingIsOnlyForOneselfInAJoinedRoomWithAValidBody() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String aliceToken = USERS.login(alice, "ALICE");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        publishAll(room.events());
        String path = "/_matrix/client/v3/rooms/" + room.id() + "/typing/";
        assertThat(put(aliceToken, path + bob, "{\"typing\": true}", 403).getString("errcode"))
                .contains("M_FORBIDDEN");
        assertThat(put(bobToken, path + bob, "{\"typing\": true}", 403).getString("errcode"))
                .contains("M_FORBIDDEN");
        assertThat(put(aliceToken, path + alice, "{}", 400).getString("errcode"))
                .contains("M_MISSING_PARAM");
        assertThat(put(aliceToken, path + alice, "{\"typing\": \"yes\"}", 400).getString("errcode"))
                .contains("M_BAD_JSON");
        assertThat(put(aliceToken, path + alice, "{\"typing\": true, \"timeout\": -1}", 400)
                        .getString("errcode"))
                .contains("M_BAD_JSON");
        assertThat(put(aliceToken, path + alice, "{\"typing\": true, \"timeout\": 9007199254740992}", 400)
                        .getString("errcode"))
                .contains("M_BAD_JSON");
        assertThat(typingUsers(sync(aliceToken, Map.of()), room.id())).isEmpty();
    }

    // ---- receipts ----

    @Test
    void receiptsReachTheRoomOncePrivateOnesOnlyTheirOwner() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String aliceToken = USERS.login(alice, "ALICE");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        NewRoomEvent hello = room.message(alice, "hello");
        publishAll(room.events());
        String since = sync(aliceToken, Map.of()).getString("next_batch").orElseThrow();

        CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(
                request(aliceToken, "/_matrix/client/v3/sync", Map.of("since", since, "timeout", "20000")),
                HttpResponse.BodyHandlers.ofString());
        awaitLongPoll(alice);
        ReceiptUpdate read =
                ReceiptUpdate.of(RoomId.parse(room.id()), bob, "m.read", hello.eventId(), Optional.empty(), 1_000);
        publishReceipt(read);
        JsonObject woken = CanonicalJson.parseObject(waiting.get().body());
        String expected = "{\"content\":{\"" + hello.eventId() + "\":{\"m.read\":{\"" + bob
                + "\":{\"ts\":1000}}}},\"type\":\"m.receipt\"}";
        assertThat(receipts(woken, room.id())).containsExactly(expected);

        // A replay changes nothing: the next incremental sync has no receipt.
        since = woken.getString("next_batch").orElseThrow();
        publishReceipt(read);
        ReceiptUpdate threadedPrivate = ReceiptUpdate.of(
                RoomId.parse(room.id()), bob, "m.read.private", hello.eventId(), Optional.of("main"), 2_000);
        publishReceipt(threadedPrivate);
        JsonObject bobSees = syncUntil(
                bobToken, "s0", sync -> receipts(sync, room.id()).stream().anyMatch(r -> r.contains("m.read.private")));
        assertThat(receipts(bobSees, room.id()).getFirst()).contains("\"thread_id\":\"main\"");
        assertThat(receipts(sync(aliceToken, Map.of("since", since, "timeout", "500")), room.id()))
                .isEmpty();
        // An initial sync shows the room's receipts: alice sees bob's public one only.
        assertThat(receipts(sync(aliceToken, Map.of()), room.id())).containsExactly(expected);
    }

    private static void publishReceipt(ReceiptUpdate receipt) {
        bus.publish(Topics.EPHEMERAL_RECEIPTS, receipt.roomId().toString(), BusJson.encode(receipt))
                .block(Duration.ofSeconds(30));
    }

    private static List<String> receipts(JsonObject sync, String roomId) {
        return ephemeral(sync, roomId).stream()
                .filter(e -> e.getString("type").orElse("").equals("m.receipt"))
                .map(CanonicalJson::encodeToString)
                .toList();
    }

    // ---- device lists ----

    @Test
    void deviceListsTellExactlyTheUsersWhoShareARoom() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        UserId carol = TestRoom.user("carol");
        UserId dave = TestRoom.user("dave");
        String aliceToken = USERS.login(alice, "ALICE");
        String bobToken = USERS.login(bob, "BOB");
        String daveToken = USERS.login(dave, "DAVE");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        TestRoom daves = TestRoom.create(dave);
        publishAll(room.events());
        publishAll(daves.events());
        String aliceSince = sync(aliceToken, Map.of()).getString("next_batch").orElseThrow();
        String daveSince = sync(daveToken, Map.of()).getString("next_batch").orElseThrow();
        // Last: everyone's coming online (their first /sync) is before bob's since, so his long-poll waits.
        String bobSince = sync(bobToken, Map.of()).getString("next_batch").orElseThrow();

        // alice's keys change: bob (sharing a room) and alice (her other devices) hear it, dave does not.
        CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(
                request(bobToken, "/_matrix/client/v3/sync", Map.of("since", bobSince, "timeout", "20000")),
                HttpResponse.BodyHandlers.ofString());
        awaitLongPoll(bob);
        publishDeviceListChange(DeviceListChange.of(alice, Optional.of(DeviceId.parse("ALICE")), false));
        JsonObject woken = CanonicalJson.parseObject(waiting.get().body());
        assertThat(deviceLists(woken, "changed")).containsExactly(alice.toString());
        assertThat(deviceLists(woken, "left")).isEmpty();
        assertThat(deviceLists(sync(aliceToken, Map.of("since", aliceSince)), "changed"))
                .containsExactly(alice.toString());
        assertThat(sync(daveToken, Map.of("since", daveSince, "timeout", "300")).has("device_lists"))
                .isFalse();

        // carol joins: bob must fetch her keys; carol leaves: bob learns she is gone. /keys/changes agrees.
        bobSince = woken.getString("next_batch").orElseThrow();
        publish(room.member(carol, carol, "join"));
        awaitStored(room.events().getLast());
        JsonObject joined = sync(bobToken, Map.of("since", bobSince));
        assertThat(deviceLists(joined, "changed")).containsExactly(carol.toString());
        String afterJoin = joined.getString("next_batch").orElseThrow();
        publish(room.member(carol, carol, "leave"));
        awaitStored(room.events().getLast());
        JsonObject left = sync(bobToken, Map.of("since", afterJoin));
        assertThat(deviceLists(left, "left")).containsExactly(carol.toString());
        assertThat(deviceLists(left, "changed")).isEmpty();
        JsonObject changes = get(
                bobToken,
                "/_matrix/client/v3/keys/changes",
                Map.of("from", afterJoin, "to", left.getString("next_batch").orElseThrow()),
                200);
        assertThat(strings(changes, "left")).containsExactly(carol.toString());
        assertThat(strings(changes, "changed")).isEmpty();
        assertThat(get(bobToken, "/_matrix/client/v3/keys/changes", Map.of("from", afterJoin), 400)
                        .getString("errcode"))
                .contains("M_MISSING_PARAM");
        assertThat(get(bobToken, "/_matrix/client/v3/keys/changes", Map.of("from", "x", "to", afterJoin), 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
    }

    private static void publishDeviceListChange(DeviceListChange change) {
        bus.publish(Topics.KEYSERVER_OUTPUT, change.userId().toString(), BusJson.encode(change))
                .block(Duration.ofSeconds(30));
    }

    private static List<String> deviceLists(JsonObject sync, String key) {
        return sync.getObject("device_lists").map(lists -> strings(lists, key)).orElse(List.of());
    }

    private static List<String> strings(JsonObject object, String key) {
        return object.getArray(key)
                .map(array -> array.values().stream()
                        .map(v -> ((dev.lattice.protocol.json.JsonString) v).value())
                        .toList())
                .orElse(List.of());
    }

    // ---- relations ----

    @Test
    void editsThreadsAndReferencesAreBundledAndPaged() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        UserId eve = TestRoom.user("eve");
        String aliceToken = USERS.login(alice, "ALICE");
        String bobToken = USERS.login(bob, "BOB");
        String eveToken = USERS.login(eve, "EVE");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        UserId carol = TestRoom.user("carol");
        String carolToken = USERS.login(carol, "CAROL");
        room.member(carol, carol, "join");
        NewRoomEvent original = room.message(alice, "helo");
        NewRoomEvent edit = room.related(alice, "m.replace", original, "hello");
        // Newer, but not by the original's sender: not a valid edit, never bundled.
        room.related(bob, "m.replace", original, "not alice's edit");
        NewRoomEvent root = room.message(alice, "a thread");
        NewRoomEvent reply1 = room.related(bob, "m.thread", root, "reply 1");
        NewRoomEvent reply2 = room.related(alice, "m.thread", root, "reply 2");
        NewRoomEvent reference = room.related(bob, "m.reference", original, "see above");
        publishAll(room.events());

        JsonObject timelineOriginal = timelineEvent(
                sync(bobToken, Map.of()), room.id(), original.eventId().toString());
        JsonObject relations = timelineOriginal
                .getObject("unsigned")
                .orElseThrow()
                .getObject("m.relations")
                .orElseThrow();
        assertThat(relations.getObject("m.replace").orElseThrow().getString("event_id"))
                .contains(edit.eventId().toString());
        assertThat(CanonicalJson.encodeToString(
                        relations.getObject("m.reference").orElseThrow()))
                .isEqualTo("{\"chunk\":[{\"event_id\":\"" + reference.eventId() + "\"}]}");
        // The original content stays as sent (spec v1.7): clients apply the edit.
        assertThat(body(timelineOriginal)).isEqualTo("helo");

        JsonObject thread = timelineEvent(
                        sync(bobToken, Map.of()), room.id(), root.eventId().toString())
                .getObject("unsigned")
                .orElseThrow()
                .getObject("m.relations")
                .orElseThrow()
                .getObject("m.thread")
                .orElseThrow();
        assertThat(thread.getInteger("count")).contains(2L);
        assertThat(thread.getBool("current_user_participated")).contains(true);
        assertThat(thread.getObject("latest_event").orElseThrow().getString("event_id"))
                .contains(reply2.eventId().toString());

        // /relations pages the thread newest first; /threads lists the root; /context surrounds an event.
        String relationsPath = "/_matrix/client/v1/rooms/" + room.id() + "/relations/" + root.eventId() + "/m.thread";
        JsonObject first = get(bobToken, relationsPath, Map.of("limit", "1"), 200);
        assertThat(chunk(first))
                .extracting(e -> e.getString("event_id").orElseThrow())
                .containsExactly(reply2.eventId().toString());
        JsonObject second = get(
                bobToken,
                relationsPath,
                Map.of("limit", "1", "from", first.getString("next_batch").orElseThrow()),
                200);
        assertThat(chunk(second))
                .extracting(e -> e.getString("event_id").orElseThrow())
                .containsExactly(reply1.eventId().toString());
        JsonObject forwards = get(bobToken, relationsPath, Map.of("dir", "f"), 200);
        assertThat(chunk(forwards))
                .extracting(e -> e.getString("event_id").orElseThrow())
                .containsExactly(reply1.eventId().toString(), reply2.eventId().toString());

        JsonObject threads = get(bobToken, "/_matrix/client/v1/rooms/" + room.id() + "/threads", Map.of(), 200);
        assertThat(chunk(threads))
                .extracting(e -> e.getString("event_id").orElseThrow())
                .containsExactly(root.eventId().toString());
        String threadsPath = "/_matrix/client/v1/rooms/" + room.id() + "/threads";
        assertThat(chunk(get(bobToken, threadsPath, Map.of("include", "participated"), 200)))
                .hasSize(1);
        assertThat(chunk(get(carolToken, threadsPath, Map.of("include", "participated"), 200)))
                .isEmpty();
        assertThat(chunk(get(carolToken, threadsPath, Map.of(), 200))).hasSize(1);

        JsonObject context = get(
                aliceToken,
                "/_matrix/client/v3/rooms/" + room.id() + "/context/" + root.eventId(),
                Map.of("limit", "2"),
                200);
        assertThat(context.getObject("event").orElseThrow().getString("event_id"))
                .contains(root.eventId().toString());
        assertThat(context.getArray("events_before").orElseThrow().values()).hasSize(1);
        assertThat(context.getArray("events_after").orElseThrow().values()).hasSize(1);
        assertThat(context.getArray("state").orElseThrow().values()).isNotEmpty();

        // Nothing for someone who may not see the event.
        assertThat(get(eveToken, relationsPath, Map.of(), 404).getString("errcode"))
                .contains("M_NOT_FOUND");
        assertThat(get(eveToken, "/_matrix/client/v3/rooms/" + room.id() + "/context/" + root.eventId(), Map.of(), 404)
                        .getString("errcode"))
                .contains("M_NOT_FOUND");
        assertThat(get(eveToken, "/_matrix/client/v1/rooms/" + room.id() + "/threads", Map.of(), 403)
                        .getString("errcode"))
                .contains("M_FORBIDDEN");
        assertThat(get(bobToken, relationsPath, Map.of("dir", "x"), 400).getString("errcode"))
                .contains("M_INVALID_PARAM");
    }

    private static JsonObject timelineEvent(JsonObject sync, String roomId, String eventId) {
        return events(joinedRoom(sync, roomId), "timeline").stream()
                .filter(e -> e.getString("event_id").orElse("").equals(eventId))
                .findFirst()
                .orElseThrow(() -> new AssertionError(eventId + " not in the timeline of " + sync));
    }

    // ---- user directory ----

    @Test
    void userDirectoryFindsRoomMatesAndPublicRoomMembersOnly() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob" + tag);
        UserId carol = TestRoom.user("carol" + tag);
        UserId dave = TestRoom.user("dave" + tag);
        String aliceToken = USERS.login(alice, "ALICE");
        TestRoom shared = TestRoom.create(alice);
        shared.state(
                bob,
                "m.room.member",
                bob.toString(),
                new JsonObjectBuilder()
                        .put("membership", "join")
                        .put("displayname", "Bobby " + tag)
                        .build());
        TestRoom open = TestRoom.create(carol);
        open.state(
                carol,
                "m.room.join_rules",
                "",
                new JsonObjectBuilder().put("join_rule", "public").build());
        TestRoom closed = TestRoom.create(dave);
        publishAll(shared.events());
        publishAll(open.events());
        publishAll(closed.events());
        String path = "/_matrix/client/v3/user_directory/search";

        assertThat(userIds(post(aliceToken, path, "{\"search_term\": \"bob" + tag + "\"}", 200)))
                .containsExactly(bob.toString());
        JsonObject byName = post(aliceToken, path, "{\"search_term\": \"BOBBY " + tag + "\"}", 200);
        assertThat(userIds(byName)).containsExactly(bob.toString());
        assertThat(CanonicalJson.encodeToString(
                        byName.getArray("results").orElseThrow().values().getFirst()))
                .contains("\"display_name\":\"Bobby " + tag + "\"");
        assertThat(userIds(post(aliceToken, path, "{\"search_term\": \"carol" + tag + "\"}", 200)))
                .containsExactly(carol.toString());
        assertThat(userIds(post(aliceToken, path, "{\"search_term\": \"dave" + tag + "\"}", 200)))
                .isEmpty();
        JsonObject limited = post(aliceToken, path, "{\"search_term\": \"" + tag + "\", \"limit\": 1}", 200);
        assertThat(userIds(limited)).hasSize(1);
        assertThat(limited.getBool("limited")).contains(true);
        // LIKE wildcards in the term are literal characters.
        assertThat(userIds(post(aliceToken, path, "{\"search_term\": \"%\"}", 200)))
                .isEmpty();
        assertThat(post(aliceToken, path, "{}", 400).getString("errcode")).contains("M_MISSING_PARAM");
        assertThat(post(aliceToken, path, "{\"search_term\": 1}", 400).getString("errcode"))
                .contains("M_BAD_JSON");
        assertThat(post(aliceToken, path, "{\"search_term\": \"x\", \"limit\": -1}", 400)
                        .getString("errcode"))
                .contains("M_BAD_JSON");
    }

    private static List<String> userIds(JsonObject results) {
        return results.getArray("results").orElseThrow().values().stream()
                .map(v -> ((JsonObject) v).getString("user_id").orElseThrow())
                .toList();
    }

    private static JsonObject post(String token, String path, String body, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri(path, Map.of()))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return CanonicalJson.parseObject(response.body());
    }

    // ---- presence ----

    @Test
    void presenceIsSharedWithRoomMatesOnly() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        UserId eve = TestRoom.user("eve");
        String aliceToken = USERS.login(alice, "ALICE");
        String bobToken = USERS.login(bob, "BOB");
        String eveToken = USERS.login(eve, "EVE");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        publishAll(room.events());
        String since = sync(bobToken, Map.of("set_presence", "offline"))
                .getString("next_batch")
                .orElseThrow();
        String path = "/_matrix/client/v3/presence/" + alice + "/status";

        CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(
                request(
                        bobToken,
                        "/_matrix/client/v3/sync",
                        Map.of("since", since, "timeout", "20000", "set_presence", "offline")),
                HttpResponse.BodyHandlers.ofString());
        awaitLongPoll(bob);
        put(aliceToken, path, "{\"presence\": \"unavailable\", \"status_msg\": \"lunch\"}", 200);
        JsonObject woken = CanonicalJson.parseObject(waiting.get().body());
        JsonObject event = presenceEvents(woken).stream()
                .filter(e -> e.getString("sender").orElse("").equals(alice.toString()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no presence of alice in " + woken));
        JsonObject content = event.getObject("content").orElseThrow();
        assertThat(content.getString("presence")).contains("unavailable");
        assertThat(content.getString("status_msg")).contains("lunch");
        assertThat(content.getBool("currently_active")).contains(false);

        JsonObject seen = get(bobToken, path, Map.of(), 200);
        assertThat(seen.getString("presence")).contains("unavailable");
        assertThat(seen.getString("status_msg")).contains("lunch");
        // A /sync sets its user online: alice's next sync makes her online again.
        sync(aliceToken, Map.of());
        assertThat(get(bobToken, path, Map.of(), 200).getString("presence")).contains("online");
        // Strangers see nothing; nobody sets another's presence; bad input changes nothing.
        assertThat(get(eveToken, path, Map.of(), 403).getString("errcode")).contains("M_FORBIDDEN");
        assertThat(put(bobToken, path, "{\"presence\": \"offline\"}", 403).getString("errcode"))
                .contains("M_FORBIDDEN");
        assertThat(put(aliceToken, path, "{\"presence\": \"away\"}", 400).getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(put(aliceToken, path, "{}", 400).getString("errcode")).contains("M_MISSING_PARAM");
        assertThat(put(aliceToken, path, "{\"presence\": \"online\", \"status_msg\": 3}", 400)
                        .getString("errcode"))
                .contains("M_BAD_JSON");
        assertThat(get(aliceToken, "/_matrix/client/v3/sync", Map.of("set_presence", "away"), 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(get(bobToken, path, Map.of(), 200).getString("presence")).contains("online");
        // A filter that leaves presence out gets none.
        assertThat(sync(bobToken, Map.of("filter", "{\"presence\":{\"not_types\":[\"*\"]}}"))
                        .has("presence"))
                .isFalse();
    }

    @Test
    void lazyLoadingMembersGivesOnlyTheTimelinesSendersAndTheUserInState() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        UserId carol = TestRoom.user("carol");
        UserId dave = TestRoom.user("dave");
        String aliceToken = USERS.login(alice, "ALICE");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        room.member(carol, carol, "join");
        room.member(dave, dave, "join");
        // Named: no heroes' member events are needed to name it (an unnamed room's are tested below).
        room.state(alice, "m.room.name", "", JsonObject.EMPTY.with("name", JsonString.of("named")));
        room.message(bob, "the last word");
        publishAll(room.events());

        String lazy = "{\"room\":{\"rooms\":[\"" + room.id()
                + "\"],\"timeline\":{\"limit\":1},\"state\":{\"lazy_load_members\":true}}}";
        JsonObject joined = sync(aliceToken, Map.of("filter", lazy))
                .getObject("rooms")
                .flatMap(rooms -> rooms.getObject("join"))
                .flatMap(join -> join.getObject(room.id()))
                .orElseThrow();
        assertThat(memberStateKeys(joined)).containsExactlyInAnyOrder(alice.value(), bob.value());
        assertThat(joined.getObject("summary").flatMap(summary -> summary.getInteger("m.joined_member_count")))
                .contains(4L);
        String full = lazy.replace("true", "false");
        JsonObject everyone = sync(aliceToken, Map.of("filter", full))
                .getObject("rooms")
                .flatMap(rooms -> rooms.getObject("join"))
                .flatMap(join -> join.getObject(room.id()))
                .orElseThrow();
        assertThat(memberStateKeys(everyone))
                .containsExactlyInAnyOrder(alice.value(), bob.value(), carol.value(), dave.value());
    }

    @Test
    void lazyLoadingSendsTheHeroesMemberEventsOfAnUnnamedRoom() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        UserId carol = TestRoom.user("carol");
        String aliceToken = USERS.login(alice, "ALICE");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        room.member(carol, carol, "join");
        room.message(alice, "the last word");
        publishAll(room.events());

        String lazy = "{\"room\":{\"rooms\":[\"" + room.id()
                + "\"],\"timeline\":{\"limit\":1},\"state\":{\"lazy_load_members\":true}}}";
        JsonObject joined = joinedRoom(sync(aliceToken, Map.of("filter", lazy)), room.id());
        // Neither bob nor carol sent the timeline's event, but the client names the room after them.
        assertThat(joined.getObject("summary").flatMap(summary -> summary.getArray("m.heroes")))
                .map(JsonArray::size)
                .contains(2);
        assertThat(memberStateKeys(joined)).containsExactlyInAnyOrder(alice.value(), bob.value(), carol.value());
    }

    @Test
    void lazyLoadingLeavesOutMemberEventsTheDeviceWasAlreadySentUnlessIncludeRedundantMembers() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String aliceToken = USERS.login(alice, "ALICE");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        // Named: bob is no hero whose member event comes whatever the timeline holds.
        room.state(alice, "m.room.name", "", JsonObject.EMPTY.with("name", JsonString.of("named")));
        room.message(alice, "welcome");
        publishAll(room.events());
        String lazy = "{\"room\":{\"rooms\":[\"" + room.id()
                + "\"],\"timeline\":{\"limit\":1},\"state\":{\"lazy_load_members\":true}}}";
        String redundant = lazy.replace("true}", "true,\"include_redundant_members\":true}");
        JsonObject initial = sync(aliceToken, Map.of("filter", lazy));
        assertThat(memberStateKeys(joinedRoom(initial, room.id()))).containsExactly(alice.value());
        String since = initial.getString("next_batch").orElseThrow();

        // bob speaks: his member event, unchanged since the last sync but never sent, comes in state...
        publishAll(List.of(room.message(bob, "one")));
        JsonObject first = sync(aliceToken, Map.of("filter", lazy, "since", since));
        assertThat(memberStateKeys(joinedRoom(first, room.id()))).containsExactly(bob.value());
        since = first.getString("next_batch").orElseThrow();
        // ... once: this device has it. include_redundant_members sends it again all the same.
        publishAll(List.of(room.message(bob, "two")));
        JsonObject again = sync(aliceToken, Map.of("filter", redundant, "since", since));
        assertThat(memberStateKeys(joinedRoom(again, room.id()))).containsExactly(bob.value());
        JsonObject second = sync(aliceToken, Map.of("filter", lazy, "since", since));
        assertThat(events(joinedRoom(second, room.id()), "timeline")).hasSize(1);
        assertThat(memberStateKeys(joinedRoom(second, room.id()))).isEmpty();
        since = second.getString("next_batch").orElseThrow();

        // A new display name is a new member event: sent, then not again.
        NewRoomEvent renamed = room.state(
                bob,
                "m.room.member",
                bob.value(),
                new JsonObjectBuilder()
                        .put("membership", "join")
                        .put("displayname", "Bobby")
                        .build());
        publishAll(List.of(renamed, room.message(bob, "three")));
        JsonObject changed = sync(aliceToken, Map.of("filter", lazy, "since", since));
        List<JsonObject> changedState = events(joinedRoom(changed, room.id()), "state");
        assertThat(changedState)
                .extracting(event -> event.getString("event_id").orElseThrow())
                .containsExactly(renamed.eventId().value());
        since = changed.getString("next_batch").orElseThrow();
        publishAll(List.of(room.message(bob, "four")));
        JsonObject quiet = sync(aliceToken, Map.of("filter", lazy, "since", since));
        assertThat(memberStateKeys(joinedRoom(quiet, room.id()))).isEmpty();

        // An initial sync starts afresh: what the device had before counts no more.
        publishAll(List.of(room.message(alice, "anyone?")));
        JsonObject restart = sync(aliceToken, Map.of("filter", lazy));
        assertThat(memberStateKeys(joinedRoom(restart, room.id()))).containsExactly(alice.value());
        publishAll(List.of(room.message(bob, "five")));
        JsonObject afterRestart = sync(
                aliceToken,
                Map.of("filter", lazy, "since", restart.getString("next_batch").orElseThrow()));
        assertThat(events(joinedRoom(afterRestart, room.id()), "state"))
                .extracting(event -> event.getString("event_id").orElseThrow())
                .containsExactly(renamed.eventId().value());
    }

    private static List<String> memberStateKeys(JsonObject joinedRoom) {
        return joinedRoom.getObject("state").flatMap(state -> state.getArray("events")).orElseThrow().values().stream()
                .map(JsonObject.class::cast)
                .filter(event -> event.getString("type").orElse("").equals("m.room.member"))
                .map(event -> event.getString("state_key").orElseThrow())
                .toList();
    }

    @Test
    void anotherServersUsersPresenceFromTheBusWakesRoomMatesAndNoTimerOfOursTouchesIt() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId rita = UserId.parse("@rita" + UUID.randomUUID().toString().substring(0, 8) + ":remote.test");
        String aliceToken = USERS.login(alice, "ALICE");
        TestRoom room = TestRoom.create(alice);
        room.member(rita, rita, "join");
        publishAll(room.events());
        String since = sync(aliceToken, Map.of("set_presence", "offline"))
                .getString("next_batch")
                .orElseThrow();

        CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(
                request(
                        aliceToken,
                        "/_matrix/client/v3/sync",
                        Map.of("since", since, "timeout", "20000", "set_presence", "offline")),
                HttpResponse.BodyHandlers.ofString());
        awaitLongPoll(alice);
        PresenceUpdate update = PresenceUpdate.of(rita, "unavailable", "on a train", 30_000, false);
        bus.publish(Topics.EPHEMERAL_PRESENCE, rita.value(), BusJson.encode(update))
                .block();
        JsonObject woken = CanonicalJson.parseObject(waiting.get().body());
        JsonObject content = presenceEvents(woken).stream()
                .filter(e -> e.getString("sender").orElse("").equals(rita.toString()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no presence of rita in " + woken))
                .getObject("content")
                .orElseThrow();
        assertThat(content.getString("presence")).contains("unavailable");
        assertThat(content.getString("status_msg")).contains("on a train");
        assertThat(content.getInteger("last_active_ago"))
                .hasValueSatisfying(ago -> assertThat(ago).isGreaterThanOrEqualTo(30_000L));
        JsonObject seen = get(aliceToken, "/_matrix/client/v3/presence/" + rita + "/status", Map.of(), 200);
        assertThat(seen.getString("presence")).contains("unavailable");

        assertThat(database.expirePresence(Long.MAX_VALUE, Long.MAX_VALUE).block())
                .as("her server keeps her presence: our idle and offline timers skip her")
                .extracting(Map.Entry::getKey)
                .doesNotContain(rita.value());
        assertThat(database.presence(rita.value()).block().orElseThrow().state())
                .isEqualTo("unavailable");
    }

    private static List<JsonObject> presenceEvents(JsonObject sync) {
        return sync.getObject("presence")
                .flatMap(p -> p.getArray("events"))
                .map(events ->
                        events.values().stream().map(JsonObject.class::cast).toList())
                .orElse(List.of());
    }

    @Test
    void storedFiltersAreReadByTheirId() throws Exception {
        UserId alice = TestRoom.user("alice");
        String token = USERS.login(alice, "ALICE");
        TestRoom room = TestRoom.create(alice);
        room.message(alice, "one");
        room.message(alice, "two");
        publishAll(room.events());
        String filterId = USERS.putFilter(alice, "{\"room\":{\"timeline\":{\"limit\":1}}}");
        assertThat(events(joinedRoom(sync(token, Map.of("filter", filterId)), room.id()), "timeline"))
                .extracting(SyncApiIT::body)
                .containsExactly("two");
        assertThat(get(token, "/_matrix/client/v3/sync", Map.of("filter", "999999"), 404)
                        .getString("errcode"))
                .contains("M_NOT_FOUND");
    }

    // ---- spaces ----

    @Test
    void hierarchyWalksTheVisibleRoomsOfASpace() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        UserId dave = TestRoom.user("dave");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom space = TestRoom.create(alice);
        TestRoom open = TestRoom.create(alice);
        TestRoom closed = TestRoom.create(dave);
        JsonObject publicRule =
                new JsonObjectBuilder().put("join_rule", "public").build();
        space.state(alice, "m.room.join_rules", "", publicRule);
        space.state(
                alice,
                "m.room.name",
                "",
                new JsonObjectBuilder().put("name", "Space").build());
        open.state(alice, "m.room.join_rules", "", publicRule);
        open.state(
                alice,
                "m.room.name",
                "",
                new JsonObjectBuilder().put("name", "Open").build());
        for (String child : List.of(open.id(), closed.id(), "!elsewhere:other.example")) {
            space.state(
                    alice,
                    "m.space.child",
                    child,
                    new JsonObjectBuilder()
                            .putStrings("via", List.of("example.org"))
                            .put("suggested", child.equals(open.id()))
                            .build());
        }
        publishAll(space.events());
        publishAll(open.events());
        publishAll(closed.events());
        String path = "/_matrix/client/v1/rooms/" + space.id() + "/hierarchy";

        JsonObject all = get(bobToken, path, Map.of(), 200);
        assertThat(roomIds(all)).containsExactly(space.id(), open.id());
        JsonObject root =
                (JsonObject) all.getArray("rooms").orElseThrow().values().getFirst();
        assertThat(root.getString("name")).contains("Space");
        assertThat(root.getString("join_rule")).contains("public");
        assertThat(root.getArray("children_state").orElseThrow().values()).hasSize(3);
        assertThat(roomIds(get(bobToken, path, Map.of("suggested_only", "true"), 200)))
                .containsExactly(space.id(), open.id());
        assertThat(roomIds(get(bobToken, path, Map.of("max_depth", "0"), 200))).containsExactly(space.id());
        JsonObject first = get(bobToken, path, Map.of("limit", "1"), 200);
        assertThat(roomIds(first)).containsExactly(space.id());
        assertThat(roomIds(get(
                        bobToken,
                        path,
                        Map.of(
                                "limit",
                                "1",
                                "from",
                                first.getString("next_batch").orElseThrow()),
                        200)))
                .containsExactly(open.id());
        assertThat(get(bobToken, "/_matrix/client/v1/rooms/" + closed.id() + "/hierarchy", Map.of(), 403)
                        .getString("errcode"))
                .contains("M_FORBIDDEN");
        assertThat(get(bobToken, path, Map.of("limit", "0"), 400).getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(get(bobToken, path, Map.of("from", "nonsense"), 400).getString("errcode"))
                .contains("M_INVALID_PARAM");
    }

    private static List<String> roomIds(JsonObject hierarchy) {
        return hierarchy.getArray("rooms").orElseThrow().values().stream()
                .map(v -> ((JsonObject) v).getString("room_id").orElseThrow())
                .toList();
    }

    // ---- unread counts ----

    @Test
    void aMessageNamingAMembersDisplayNameHighlightsItForThem() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        room.state(
                bob,
                "m.room.member",
                bob.value(),
                new JsonObjectBuilder()
                        .put("membership", "join")
                        .put("displayname", "Robert")
                        .build());
        room.message(alice, "over to you, Robert");
        publishAll(room.events());

        JsonObject counts = unread(sync(bobToken, Map.of()), room.id());
        assertThat(counts.getInteger("notification_count")).contains(1L);
        assertThat(counts.getInteger("highlight_count")).contains(1L);
    }

    @Test
    void unreadCountsFollowThePushRulesAndTheReadReceipt() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        UserId carol = TestRoom.user("carol");
        String aliceToken = USERS.login(alice, "ALICE");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        room.member(carol, carol, "join");
        room.message(alice, "hello all");
        room.state(
                alice,
                "m.room.message",
                null,
                new JsonObjectBuilder()
                        .put("msgtype", "m.notice")
                        .put("body", "a bot notice")
                        .build());
        NewRoomEvent mention = room.message(alice, "hey " + bob.localpart() + ", look");
        publishAll(room.events());

        JsonObject counts = unread(sync(bobToken, Map.of()), room.id());
        assertThat(counts.getInteger("notification_count")).contains(2L);
        assertThat(counts.getInteger("highlight_count")).contains(1L);
        // The sender is not notified of their own messages.
        assertThat(unread(sync(aliceToken, Map.of()), room.id()).getInteger("notification_count"))
                .contains(0L);

        // Bob reads up to the mention: nothing unread once the receipt is stored.
        publishReceipt(
                ReceiptUpdate.of(RoomId.parse(room.id()), bob, "m.read", mention.eventId(), Optional.empty(), 5_000));
        JsonObject read = syncUntil(
                bobToken,
                "s0",
                sync -> listedJoinedRoom(sync, room.id())
                                .flatMap(r -> r.getObject("unread_notifications"))
                                .flatMap(u -> u.getInteger("notification_count"))
                                .orElse(-1L)
                        == 0L);
        assertThat(unread(read, room.id()).getInteger("highlight_count")).contains(0L);
    }

    @Test
    void anIncrementalSyncCountsTheNewMessagesWithTheirTimelineAndARoomListedForAReceiptAlone() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        room.message(alice, "before");
        publishAll(room.events());
        JsonObject first = sync(bobToken, Map.of());
        assertThat(unread(first, room.id()).getInteger("notification_count")).contains(1L);

        // New messages: the room's section, read with its counts, carries them.
        room.message(alice, "hello");
        NewRoomEvent mention = room.message(alice, "hey " + bob.localpart() + ", look");
        publishAll(List.of(room.events().get(room.events().size() - 2), mention));
        String since = first.getString("next_batch").orElseThrow();
        JsonObject next = syncUntil(
                bobToken,
                since,
                sync -> listedJoinedRoom(sync, room.id())
                        .map(joined -> events(joined, "timeline").size() == 2)
                        .orElse(false));
        assertThat(unread(next, room.id()).getInteger("notification_count")).contains(3L);
        assertThat(unread(next, room.id()).getInteger("highlight_count")).contains(1L);

        // Bob's receipt, and no new event: the room is listed for the receipt, and its counts are read apart.
        publishReceipt(
                ReceiptUpdate.of(RoomId.parse(room.id()), bob, "m.read", mention.eventId(), Optional.empty(), 5_000));
        JsonObject read = syncUntil(
                bobToken,
                next.getString("next_batch").orElseThrow(),
                sync -> listedJoinedRoom(sync, room.id())
                        .flatMap(r -> r.getObject("unread_notifications"))
                        .isPresent());
        assertThat(events(joinedRoom(read, room.id()), "timeline")).isEmpty();
        assertThat(unread(read, room.id()).getInteger("notification_count")).contains(0L);
        assertThat(unread(read, room.id()).getInteger("highlight_count")).contains(0L);
    }

    private static JsonObject unread(JsonObject sync, String roomId) {
        return joinedRoom(sync, roomId).getObject("unread_notifications").orElseThrow();
    }

    // ---- search ----

    @Test
    void searchFindsMessagesInTheUsersRoomsOnly() throws Exception {
        String word = "zq" + UUID.randomUUID().toString().substring(0, 6);
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        room.message(alice, "the quick " + word + " jumps");
        room.message(alice, "nothing to see");
        NewRoomEvent latest = room.message(bob, word + " again");
        TestRoom elsewhere = TestRoom.create(alice);
        elsewhere.message(alice, "a private " + word);
        publishAll(room.events());
        publishAll(elsewhere.events());
        String path = "/_matrix/client/v3/search";
        String query = "{\"search_categories\":{\"room_events\":{\"search_term\":\"" + word + "\"";

        JsonObject found = roomEvents(post(bobToken, path, query + ",\"order_by\":\"recent\"}}}", 200));
        assertThat(found.getInteger("count")).contains(2L);
        assertThat(searchResults(found))
                .containsExactly(
                        latest.eventId().toString(), searchResults(found).get(1));
        assertThat(found.getArray("highlights").orElseThrow().values()).containsExactly(JsonString.of(word));

        JsonObject first = roomEvents(post(bobToken, path, query + ",\"filter\":{\"limit\":1}}}}", 200));
        assertThat(searchResults(first)).hasSize(1);
        String next = first.getString("next_batch").orElseThrow();
        JsonObject second =
                roomEvents(post(bobToken, path + "?next_batch=" + next, query + ",\"filter\":{\"limit\":1}}}}", 200));
        assertThat(searchResults(second)).hasSize(1).doesNotContainAnyElementsOf(searchResults(first));

        JsonObject withContext = roomEvents(post(
                bobToken,
                path,
                query + ",\"order_by\":\"recent\",\"event_context\":{\"before_limit\":1,\"after_limit\":1}}}}",
                200));
        JsonObject context = ((JsonObject)
                        withContext.getArray("results").orElseThrow().values().getFirst())
                .getObject("context")
                .orElseThrow();
        assertThat(context.getArray("events_before").orElseThrow().values()).hasSize(1);

        assertThat(post(bobToken, path, "{\"search_categories\":{\"room_events\":{}}}", 400)
                        .getString("errcode"))
                .contains("M_MISSING_PARAM");
        assertThat(post(bobToken, path, query + ",\"order_by\":\"oldest\"}}}", 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(post(bobToken, path, query + ",\"keys\":[\"content.secret\"]}}}", 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
    }

    private static JsonObject roomEvents(JsonObject search) {
        return search.getObject("search_categories")
                .orElseThrow()
                .getObject("room_events")
                .orElseThrow();
    }

    private static List<String> searchResults(JsonObject roomEvents) {
        return roomEvents.getArray("results").orElseThrow().values().stream()
                .map(v -> ((JsonObject) v)
                        .getObject("result")
                        .orElseThrow()
                        .getString("event_id")
                        .orElseThrow())
                .toList();
    }

    // ---- pushers ----

    @Test
    void notificationsArePushedToTheMembersGatewayRetryingAfterAFailure() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/_matrix/push/v1/notify", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            // The first push fails: the server must retry it.
            int status = calls.incrementAndGet() == 1 ? 503 : 200;
            if (status == 200) {
                bodies.add(body);
            }
            byte[] answer = "{\"rejected\":[]}".getBytes(UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        gateway.start();
        try {
            UserId alice = TestRoom.user("alice");
            UserId bob = TestRoom.user("bob");
            UserId carol = TestRoom.user("carol");
            USERS.setPushers(
                    bob,
                    List.of(new dev.lattice.api.clientapi.Pusher(
                            "org.example.app",
                            "bob-pushkey",
                            "http",
                            "Example",
                            "Bob's phone",
                            Optional.empty(),
                            "en",
                            "{\"url\":\"http://127.0.0.1:"
                                    + gateway.getAddress().getPort() + "/_matrix/push/v1/notify\"}")));
            TestRoom room = TestRoom.create(alice);
            room.member(bob, bob, "join");
            room.member(carol, carol, "join");
            NewRoomEvent message = room.message(alice, "pushed to bob's phone");
            publishAll(room.events());

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (bodies.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(calls.get()).as("a failed push is retried").isGreaterThanOrEqualTo(2);
            JsonObject notification = CanonicalJson.parseObject(bodies.getFirst())
                    .getObject("notification")
                    .orElseThrow();
            assertThat(notification.getString("event_id"))
                    .contains(message.eventId().toString());
            assertThat(notification.getString("room_id")).contains(room.id());
            assertThat(notification.getString("prio")).contains("low");
            assertThat(notification.getObject("counts").orElseThrow().getInteger("unread"))
                    .contains(1L);
            assertThat(notification.getObject("content").orElseThrow().getString("body"))
                    .contains("pushed to bob's phone");
            JsonObject device = (JsonObject)
                    notification.getArray("devices").orElseThrow().values().getFirst();
            assertThat(device.getString("pushkey")).contains("bob-pushkey");
            assertThat(device.getObject("data").orElseThrow().has("url")).isFalse();
        } finally {
            gateway.stop(0);
        }
    }

    @Test
    void threadedUnreadCountsWhenTheFilterAsksAndThreadedReceiptsClearTheirThread() throws Exception {
        UserId alice = TestRoom.user("alice");
        UserId bob = TestRoom.user("bob");
        UserId carol = TestRoom.user("carol");
        String bobToken = USERS.login(bob, "BOB");
        TestRoom room = TestRoom.create(alice);
        room.member(bob, bob, "join");
        room.member(carol, carol, "join");
        NewRoomEvent root = room.message(alice, "a thread");
        room.related(alice, "m.thread", root, "in the thread");
        NewRoomEvent reply = room.related(alice, "m.thread", root, "more in the thread");
        publishAll(room.events());
        String threaded = "{\"room\":{\"timeline\":{\"unread_thread_notifications\":true}}}";

        JsonObject all = unread(sync(bobToken, Map.of()), room.id());
        assertThat(all.getInteger("notification_count")).contains(3L);
        JsonObject split = joinedRoom(sync(bobToken, Map.of("filter", threaded)), room.id());
        assertThat(split.getObject("unread_notifications").orElseThrow().getInteger("notification_count"))
                .contains(1L);
        assertThat(split.getObject("unread_thread_notifications")
                        .orElseThrow()
                        .getObject(root.eventId().toString())
                        .orElseThrow()
                        .getInteger("notification_count"))
                .contains(2L);

        // A receipt in the thread clears the thread only.
        publishReceipt(ReceiptUpdate.of(
                RoomId.parse(room.id()),
                bob,
                "m.read",
                reply.eventId(),
                Optional.of(root.eventId().toString()),
                7_000));
        JsonObject after = sync(bobToken, Map.of("filter", threaded));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (joinedRoom(after, room.id()).has("unread_thread_notifications") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            after = sync(bobToken, Map.of("filter", threaded));
        }
        assertThat(joinedRoom(after, room.id()).has("unread_thread_notifications"))
                .isFalse();
        assertThat(unread(after, room.id()).getInteger("notification_count")).contains(1L);
    }

    /** Long-polls from {@code since} until a response satisfies {@code done}, following next_batch. */
    private static JsonObject syncUntil(String token, String since, java.util.function.Predicate<JsonObject> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject sync = sync(token, Map.of("since", since, "timeout", "5000"));
            if (done.test(sync)) {
                return sync;
            }
            since = sync.getString("next_batch").orElseThrow();
        }
        throw new AssertionError("no matching /sync within 30 s");
    }

    private static boolean hasTyping(JsonObject sync, String roomId) {
        return ephemeral(sync, roomId).stream()
                .anyMatch(e -> e.getString("type").orElse("").equals("m.typing"));
    }

    /** The user IDs of the room's m.typing event in the response; empty when there is none. */
    private static List<String> typingUsers(JsonObject sync, String roomId) {
        return ephemeral(sync, roomId).stream()
                .filter(e -> e.getString("type").orElse("").equals("m.typing"))
                .flatMap(e -> e.getObject("content").orElseThrow().getArray("user_ids").orElseThrow().values().stream())
                .map(v -> ((dev.lattice.protocol.json.JsonString) v).value())
                .toList();
    }

    private static List<JsonObject> ephemeral(JsonObject sync, String roomId) {
        return sync.getObject("rooms")
                .flatMap(rooms -> rooms.getObject("join"))
                .flatMap(join -> join.getObject(roomId))
                .flatMap(room -> room.getObject("ephemeral"))
                .flatMap(e -> e.getArray("events"))
                .map(events ->
                        events.values().stream().map(JsonObject.class::cast).toList())
                .orElse(List.of());
    }

    private static List<String> toDevice(JsonObject sync) {
        return sync.getObject("to_device")
                .flatMap(section -> section.getArray("events"))
                .map(events -> events.values().stream()
                        .map(CanonicalJson::encodeToString)
                        .toList())
                .orElse(List.of());
    }

    private static JsonObject put(String token, String path, String body, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri(path, Map.of()))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return CanonicalJson.parseObject(response.body());
    }
}
