package dev.lattice.syncapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.testing.TestInfra;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

class OutputRoomEventsTableIT {
    private static DatabaseClient client;
    private static OutputRoomEventsTable table;
    private static RoomStateTable state;

    @BeforeAll
    static void migrate() {
        client = TestInfra.migrated("syncapi").client();
        table = new OutputRoomEventsTable(client);
        state = new RoomStateTable(client);
    }

    /** A message from {@code @a:example.org}, neither an outlier nor with relations. */
    static OutputRoomEventsTable.NewRow row(
            String roomId, String eventId, boolean historical, Optional<SendTransaction> transaction) {
        return row(roomId, eventId, "@a:example.org", historical, transaction);
    }

    static OutputRoomEventsTable.NewRow row(
            String roomId, String eventId, String sender, boolean historical, Optional<SendTransaction> transaction) {
        JsonObject event = new JsonObjectBuilder()
                .put("type", "m.room.message")
                .put("sender", sender)
                .put("room_id", roomId)
                .put("origin_server_ts", 5L)
                .put("content", new JsonObjectBuilder().put("body", eventId).build())
                .build();
        return new OutputRoomEventsTable.NewRow(
                eventId,
                roomId,
                RoomVersionId.V10,
                "m.room.message",
                sender,
                Optional.empty(),
                event,
                transaction,
                historical,
                false);
    }

    /** A live state event of {@code @a:example.org}. */
    private static OutputRoomEventsTable.NewRow stateRow(
            String roomId, String eventId, String type, String stateKey, JsonObject content) {
        JsonObject event = new JsonObjectBuilder()
                .put("type", type)
                .put("state_key", stateKey)
                .put("sender", "@a:example.org")
                .put("room_id", roomId)
                .put("origin_server_ts", 5L)
                .put("content", content)
                .build();
        return new OutputRoomEventsTable.NewRow(
                eventId,
                roomId,
                RoomVersionId.V10,
                type,
                "@a:example.org",
                Optional.of(stateKey),
                event,
                Optional.empty(),
                false,
                false);
    }

    /** Stores {@code row} live and makes it the room's current state at its key. */
    private static long current(OutputRoomEventsTable.NewRow row) {
        long position = table.insert(row).block().getAsLong();
        state.closeCurrent(
                        row.roomId(),
                        List.of(StateKey.of(row.type(), row.stateKey().orElseThrow())),
                        position)
                .then(state.insert(
                        row.roomId(),
                        List.of(new RoomStateTable.NewEntry(
                                row.type(), row.stateKey().orElseThrow(), row.eventId(), Optional.empty(), position))))
                .block();
        return position;
    }

    private static StoredEvent stored(String eventId) {
        return table.selectByIds(List.of(eventId)).block().getFirst();
    }

    @Test
    void aLiveEventsInsertStoresWhomItNotifiesAndItsSearchEntryWithItAndNothingForAReplay() {
        String room = fresh("!");
        String event = fresh("$");
        String withPusher = fresh("@");
        String mentioned = fresh("@");
        var rows = new SyncApiDatabase.PushActionRows(
                "",
                List.of(withPusher, mentioned),
                List.of(false, true),
                List.of("[\"notify\"]", "[\"notify\"]"),
                List.of(true, false),
                1000);
        var search = EventSearchTable.Entry.of("m.room.message", Optional.of("hello"))
                .orElseThrow();
        OptionalLong position = table.insertLive(
                        row(room, event, false, Optional.empty()), Optional.of(search), Optional.of(rows))
                .block();
        assertThat(position).isPresent();
        var pushActions = new PushActionsTable(client);
        assertThat(pushActions
                        .counts(withPusher, List.of(room))
                        .block()
                        .get(room)
                        .total())
                .isEqualTo(new PushActionsTable.Counts(1, 0));
        assertThat(pushActions
                        .counts(mentioned, List.of(room))
                        .block()
                        .get(room)
                        .total())
                .isEqualTo(new PushActionsTable.Counts(1, 1));
        assertThat(usersOf("syncapi.pending_pushes", event)).containsExactly(withPusher);
        assertThat(usersOf("syncapi.event_push_actions", event)).containsExactlyInAnyOrder(withPusher, mentioned);
        assertThat(client.sql("SELECT position FROM syncapi.event_search WHERE event_id = :event_id")
                        .bind("event_id", event)
                        .map(row -> row.get("position", Long.class))
                        .one()
                        .block())
                .isEqualTo(position.getAsLong());

        // A replay inserts nothing, so stores whom it notifies for nobody else.
        String other = fresh("@");
        var again = new SyncApiDatabase.PushActionRows(
                "", List.of(other), List.of(false), List.of("[\"notify\"]"), List.of(true), 2000);
        assertThat(table.insertLive(row(room, event, false, Optional.empty()), Optional.empty(), Optional.of(again))
                        .block())
                .isEmpty();
        assertThat(usersOf("syncapi.event_push_actions", event)).containsExactlyInAnyOrder(withPusher, mentioned);
        assertThat(usersOf("syncapi.pending_pushes", event)).containsExactly(withPusher);
    }

    private static List<String> usersOf(String table, String eventId) {
        return client.sql("SELECT user_id FROM " + table + " WHERE event_id = :event_id")
                .bind("event_id", eventId)
                .map(row -> row.get("user_id", String.class))
                .all()
                .collectList()
                .block();
    }

    @Test
    void theInsertReadsTheHistoryVisibilityBeforeTheEventAndTheStateEventItReplaces() {
        String room = fresh("!");
        String message = fresh("$");
        table.insert(row(room, message, false, Optional.empty())).block();
        assertThat(stored(message).historyVisibility()).isEqualTo("shared"); // none set
        JsonObject joined =
                new JsonObjectBuilder().put("history_visibility", "joined").build();
        String visibility = fresh("$");
        current(stateRow(room, visibility, "m.room.history_visibility", "", joined));
        assertThat(stored(visibility).historyVisibility()).isEqualTo("shared"); // in effect before it
        assertThat(stored(visibility).replacesState()).isEmpty();

        JsonObject firstName = new JsonObjectBuilder().put("name", "first").build();
        String name = fresh("$");
        current(stateRow(room, name, "m.room.name", "", firstName));
        String rename = fresh("$");
        current(stateRow(
                room,
                rename,
                "m.room.name",
                "",
                new JsonObjectBuilder().put("name", "second").build()));
        assertThat(stored(rename).historyVisibility()).isEqualTo("joined");
        assertThat(stored(rename).replacesState()).contains(name);
        assertThat(stored(rename).prevContent()).contains(firstName);
        String later = fresh("$");
        table.insert(row(room, later, false, Optional.empty())).block();
        assertThat(stored(later).historyVisibility()).isEqualTo("joined");
        assertThat(stored(later).prevContent()).isEmpty();

        // A visibility that is no string counts as none.
        current(stateRow(
                room,
                fresh("$"),
                "m.room.history_visibility",
                "",
                new JsonObjectBuilder().put("history_visibility", 5L).build()));
        String afterBad = fresh("$");
        table.insert(row(room, afterBad, false, Optional.empty())).block();
        assertThat(stored(afterBad).historyVisibility()).isEqualTo("shared");
    }

    private static String fresh(String sigil) {
        return sigil + UUID.randomUUID() + ":example.org";
    }

    @Test
    void positionsIncreaseAndAReplayGetsNone() {
        String room = fresh("!");
        String first = fresh("$");
        long a = table.insert(row(room, first, false, Optional.empty())).block().getAsLong();
        long b = table.insert(row(room, fresh("$"), false, Optional.empty()))
                .block()
                .getAsLong();
        assertThat(b).isGreaterThan(a).isPositive();
        assertThat(table.insert(row(room, first, false, Optional.empty())).block())
                .isEqualTo(OptionalLong.empty());
        assertThat(table.selectMaxPosition().block()).isGreaterThanOrEqualTo(b);
        assertThat(table.selectRoomRange(room, Long.MIN_VALUE, Long.MAX_VALUE, 10, false)
                        .block())
                .hasSize(2);
    }

    @Test
    void backfilledEventsSortBeforeEverythingByDepthWhateverOrderTheyArrivedIn() {
        String room = fresh("!");
        long live = insert(row(room, fresh("$"), false, Optional.empty()));
        // Backfill decides each batch oldest first and reaches further back with each batch.
        long depth7 = insert(withDepth(row(room, fresh("$"), true, Optional.empty()), 7));
        long depth8 = insert(withDepth(row(room, fresh("$"), true, Optional.empty()), 8));
        long depth3 = insert(withDepth(row(room, fresh("$"), true, Optional.empty()), 3));
        long depth5 = insert(withDepth(row(room, fresh("$"), true, Optional.empty()), 5));
        long depth5Later = insert(withDepth(row(room, fresh("$"), true, Optional.empty()), 5));

        assertThat(table.selectRoomRange(room, Long.MIN_VALUE, live, 10, true).block())
                .extracting(StoredEvent::position)
                .containsExactly(live, depth8, depth7, depth5, depth5Later, depth3);
        assertThat(depth3).isNegative();
        assertThat(table.selectMaxPosition().block()).isGreaterThanOrEqualTo(live);
    }

    @Test
    void aBackfilledOutlierTakesItsPlaceInTheTimelineOnce() {
        String room = fresh("!");
        String state = fresh("$");
        long live = insert(row(room, fresh("$"), false, Optional.empty()));
        long outlier = insert(withOutlier(withDepth(row(room, state, true, Optional.empty()), 4)));
        long older = insert(withDepth(row(room, fresh("$"), true, Optional.empty()), 3));
        assertThat(outlier).isLessThan(older);

        long backfilled = insert(withDepth(row(room, state, true, Optional.empty()), 4));
        assertThat(table.insert(withDepth(row(room, state, true, Optional.empty()), 4))
                        .block())
                .as("a replay")
                .isEmpty();

        assertThat(table.selectRoomRange(room, Long.MIN_VALUE, live, 10, true).block())
                .extracting(StoredEvent::position)
                .containsExactly(live, backfilled, older);
        assertThat(table.countTimelineEvents(List.of(state)).block()).isEqualTo(1);
    }

    private static long insert(OutputRoomEventsTable.NewRow row) {
        return table.insert(row).block().getAsLong();
    }

    @Test
    void outliersAreFoundByIdButNeverInATimeline() {
        String room = fresh("!");
        String stateOnly = fresh("$");
        long live = table.insert(row(room, fresh("$"), false, Optional.empty()))
                .block()
                .getAsLong();
        long outlier = table.insert(withOutlier(row(room, stateOnly, true, Optional.empty())))
                .block()
                .getAsLong();
        assertThat(outlier).isNegative();
        assertThat(table.selectByIds(List.of(stateOnly)).block())
                .extracting(StoredEvent::eventId)
                .containsExactly(stateOnly);
        assertThat(table.selectRoomRange(room, Long.MIN_VALUE, live, 10, true).block())
                .extracting(StoredEvent::position)
                .containsExactly(live);
        assertThat(table.selectRoomsWithEvents(List.of(room), Long.MIN_VALUE, live - 1)
                        .block())
                .isEmpty();
    }

    @Test
    void manyOutliersGoInInOneStatementAsEachAlone() {
        String room = fresh("!");
        String storedBefore = fresh("$");
        long before = table.insert(withOutlier(row(room, storedBefore, true, Optional.empty())))
                .block()
                .getAsLong();
        JsonObject invited = new JsonObjectBuilder().put("membership", "invite").build();
        String invite = fresh("$");
        current(stateRow(room, invite, "m.room.member", "@b:example.org", invited));
        OutputRoomEventsTable.NewRow join = stateRow(
                room,
                fresh("$"),
                "m.room.member",
                "@b:example.org",
                new JsonObjectBuilder().put("membership", "join").build());
        OutputRoomEventsTable.NewRow member = new OutputRoomEventsTable.NewRow(
                join.eventId(),
                room,
                join.roomVersion(),
                join.type(),
                join.sender(),
                join.stateKey(),
                join.event(),
                Optional.empty(),
                true,
                true);
        OutputRoomEventsTable.NewRow plain = withOutlier(row(room, fresh("$"), true, Optional.empty()));
        table.insertOutliers(List.of(member, withOutlier(row(room, storedBefore, true, Optional.empty())), plain))
                .block();

        List<StoredEvent> stored = table.selectByIds(List.of(member.eventId(), plain.eventId(), storedBefore))
                .block();
        assertThat(stored)
                .hasSize(3)
                .allSatisfy(event -> assertThat(event.position()).isLessThan(OutputRoomEventsTable.HISTORY_FLOOR));
        StoredEvent storedMember = stored.stream()
                .filter(e -> e.eventId().equals(member.eventId()))
                .findFirst()
                .orElseThrow();
        assertThat(storedMember.stateKey()).contains("@b:example.org");
        // What it would replace, read by the insert as for one event.
        assertThat(storedMember.prevContent()).contains(invited);
        assertThat(storedMember.replacesState()).contains(invite);
        // The one stored before kept its place.
        assertThat(stored.stream().filter(e -> e.eventId().equals(storedBefore)))
                .extracting(StoredEvent::position)
                .containsExactly(before);
        // No outlier in the timeline: only the live invite.
        assertThat(table.selectRoomRange(room, Long.MIN_VALUE, Long.MAX_VALUE, 10, false)
                        .block())
                .extracting(StoredEvent::eventId)
                .containsExactly(invite);
    }

    private static OutputRoomEventsTable.NewRow withOutlier(OutputRoomEventsTable.NewRow row) {
        return copy(row, row.event(), true);
    }

    private static OutputRoomEventsTable.NewRow withDepth(OutputRoomEventsTable.NewRow row, long depth) {
        return copy(row, row.event().with("depth", JsonInteger.of(depth)), row.outlier());
    }

    private static OutputRoomEventsTable.NewRow copy(
            OutputRoomEventsTable.NewRow row, JsonObject event, boolean outlier) {
        return new OutputRoomEventsTable.NewRow(
                row.eventId(),
                row.roomId(),
                row.roomVersion(),
                row.type(),
                row.sender(),
                row.stateKey(),
                event,
                row.transaction(),
                row.historical(),
                outlier);
    }

    @Test
    void rangesAreHalfOpenAndLimited() {
        String room = fresh("!");
        long[] positions = new long[5];
        for (int i = 0; i < 5; i++) {
            positions[i] = table.insert(row(room, fresh("$"), false, Optional.empty()))
                    .block()
                    .getAsLong();
        }
        assertThat(table.selectRoomRange(room, positions[0], positions[3], 10, false)
                        .block())
                .extracting(StoredEvent::position)
                .containsExactly(positions[1], positions[2], positions[3]);
        assertThat(table.selectRoomRange(room, positions[0], positions[4], 2, true)
                        .block())
                .extracting(StoredEvent::position)
                .containsExactly(positions[4], positions[3]);
        assertThat(table.selectRoomRange(room, positions[0], positions[4], 0, true)
                        .block())
                .isEmpty();
        String quiet = fresh("!");
        assertThat(table.selectRoomsWithEvents(List.of(room, quiet), positions[3], positions[4])
                        .block())
                .containsExactly(room);
        assertThat(table.selectRoomsWithEvents(List.of(room), positions[4], Long.MAX_VALUE)
                        .block())
                .isEmpty();
    }

    @Test
    void keepsTheTransactionAndReadsBackById() {
        String room = fresh("!");
        String id = fresh("$");
        SendTransaction txn = new SendTransaction(UserId.parse("@a:example.org"), DeviceId.parse("DEV"), "t-1");
        table.insert(row(room, id, false, Optional.of(txn))).block();
        StoredEvent stored = table.selectByIds(List.of(id, fresh("$"))).block().getFirst();
        assertThat(stored.transaction()).contains(txn);
        assertThat(stored.content().getString("body")).contains(id);
        assertThat(stored.roomVersion()).isEqualTo(RoomVersionId.V10);
        assertThat(table.selectByIds(List.of()).block()).isEmpty();
    }

    @Test
    void redactsOnce() {
        String room = fresh("!");
        String id = fresh("$");
        table.insert(row(room, id, false, Optional.empty())).block();
        JsonObject redacted = new JsonObjectBuilder()
                .put("type", "m.room.message")
                .put("sender", "@a:example.org")
                .put("room_id", room)
                .put("origin_server_ts", 5L)
                .put("content", JsonObject.EMPTY)
                .build();
        JsonObject because = new JsonObjectBuilder().put("event_id", "$r").build();
        assertThat(table.updateRedacted(id, redacted, because).block()).isTrue();
        assertThat(table.updateRedacted(id, redacted, because).block()).isFalse();
        assertThat(table.updateRedacted(fresh("$"), redacted, because).block()).isFalse();
        StoredEvent stored = table.selectByIds(List.of(id)).block().getFirst();
        assertThat(stored.content()).isEqualTo(JsonObject.EMPTY);
        assertThat(stored.redactedBecause()).contains(because);
    }
}
