package dev.lattice.syncapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.testing.TestInfra;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OutputRoomEventsTableIT {
    private static OutputRoomEventsTable table;

    @BeforeAll
    static void migrate() {
        table = new OutputRoomEventsTable(TestInfra.migrated("syncapi").client());
    }

    private static OutputRoomEventsTable.NewRow row(
            String roomId, String eventId, boolean historical, Optional<SendTransaction> transaction) {
        JsonObject event = new JsonObjectBuilder()
                .put("type", "m.room.message")
                .put("sender", "@a:example.org")
                .put("room_id", roomId)
                .put("origin_server_ts", 5L)
                .put("content", new JsonObjectBuilder().put("body", eventId).build())
                .build();
        return new OutputRoomEventsTable.NewRow(
                eventId,
                roomId,
                RoomVersionId.V10,
                "m.room.message",
                "@a:example.org",
                Optional.empty(),
                event,
                "shared",
                Optional.empty(),
                Optional.empty(),
                transaction,
                historical,
                false);
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
    void backfilledEventsSortBeforeEverything() {
        String room = fresh("!");
        long live = table.insert(row(room, fresh("$"), false, Optional.empty()))
                .block()
                .getAsLong();
        long old = table.insert(row(room, fresh("$"), true, Optional.empty()))
                .block()
                .getAsLong();
        long older = table.insert(row(room, fresh("$"), true, Optional.empty()))
                .block()
                .getAsLong();
        assertThat(old).isNegative();
        assertThat(older).isLessThan(old);
        assertThat(table.selectRoomRange(room, Long.MIN_VALUE, live, 10, true).block())
                .extracting(StoredEvent::position)
                .containsExactly(live, old, older);
        assertThat(table.selectMaxPosition().block()).isGreaterThanOrEqualTo(live);
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

    private static OutputRoomEventsTable.NewRow withOutlier(OutputRoomEventsTable.NewRow row) {
        return new OutputRoomEventsTable.NewRow(
                row.eventId(),
                row.roomId(),
                row.roomVersion(),
                row.type(),
                row.sender(),
                row.stateKey(),
                row.event(),
                row.historyVisibility(),
                row.prevContent(),
                row.replacesState(),
                row.transaction(),
                row.historical(),
                true);
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
