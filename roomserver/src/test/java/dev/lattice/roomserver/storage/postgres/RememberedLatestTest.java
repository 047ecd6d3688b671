package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.roomserver.storage.RoomserverDatabase.Extremity;
import dev.lattice.roomserver.storage.RoomserverDatabase.Latest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RememberedLatestTest {
    private static final String ROOM = "!room:test";
    private static final StateKey CREATE = StateKey.of("m.room.create", "");
    private static final StateKey POWER = StateKey.of("m.room.power_levels", "");
    private static final StateKey ALICE = StateKey.of("m.room.member", "@alice:test");
    private static final StateKey BOB = StateKey.of("m.room.member", "@bob:test");

    private final RememberedLatest remembered = new RememberedLatest(2);

    /** A read of the room at {@code keys} that found {@code latest}, overlapping no write. */
    private void read(String room, Set<StateKey> keys, Latest latest) {
        remembered.read(room, remembered.readStarts(), keys, latest);
    }

    private static Latest latest(List<Extremity> extremities, Map<StateKey, String> state) {
        return new Latest(extremities, state);
    }

    @Test
    void aReadIsAnsweredForTheKeysItReadOnly() {
        assertThat(remembered.get(ROOM, Set.of(CREATE))).isEmpty();
        // Bob has no member event: that the state lacks it is remembered too.
        read(ROOM, Set.of(CREATE, BOB), latest(List.of(new Extremity("$a", 3)), Map.of(CREATE, "$create")));
        assertThat(remembered.get(ROOM, Set.of(CREATE, BOB)))
                .contains(latest(List.of(new Extremity("$a", 3)), Map.of(CREATE, "$create")));
        assertThat(remembered.get(ROOM, Set.of(CREATE, POWER))).isEmpty();
        assertThat(remembered.get("!other:test", Set.of())).isEmpty();
    }

    @Test
    void aWriteAppliesItsChanges() {
        read(
                ROOM,
                Set.of(CREATE, POWER, ALICE),
                latest(
                        List.of(new Extremity("$b", 5), new Extremity("$a", 4)),
                        Map.of(CREATE, "$create", POWER, "$power", ALICE, "$alice")));
        remembered.writeStarts(ROOM);
        remembered.written(
                ROOM, List.of("$a", "$b"), Optional.of(new Extremity("$c", 6)), Map.of(BOB, "$bob"), List.of(POWER));
        assertThat(remembered.get(ROOM, Set.of(CREATE, POWER, ALICE, BOB)))
                .contains(latest(
                        List.of(new Extremity("$c", 6)), Map.of(CREATE, "$create", ALICE, "$alice", BOB, "$bob")));

        // A second extremity (a fork) joins the first, deepest first, ties by event ID.
        remembered.writeStarts(ROOM);
        remembered.written(ROOM, List.of(), Optional.of(new Extremity("$b2", 6)), Map.of(), List.of());
        remembered.writeStarts(ROOM);
        remembered.written(ROOM, List.of(), Optional.of(new Extremity("$d", 7)), Map.of(), List.of());
        assertThat(remembered.get(ROOM, Set.of()).orElseThrow().extremities())
                .containsExactly(new Extremity("$d", 7), new Extremity("$b2", 6), new Extremity("$c", 6));
    }

    @Test
    void aReadOverlappingAWriteIsNotRemembered() {
        long start = remembered.readStarts();
        remembered.writeStarts("!other:test");
        remembered.written("!other:test", List.of(), Optional.empty(), Map.of(), List.of());
        remembered.read(ROOM, start, Set.of(), latest(List.of(new Extremity("$a", 1)), Map.of()));
        assertThat(remembered.get(ROOM, Set.of())).isEmpty();

        // Begun while a write of the room was in flight: it may have read before the write's commit.
        remembered.writeStarts(ROOM);
        read(ROOM, Set.of(), latest(List.of(new Extremity("$a", 1)), Map.of()));
        assertThat(remembered.get(ROOM, Set.of())).isEmpty();
        remembered.written(ROOM, List.of("$a"), Optional.of(new Extremity("$b", 2)), Map.of(), List.of());
        // A write of a room not remembered stays unknown: the next read fills it.
        assertThat(remembered.get(ROOM, Set.of())).isEmpty();
        read(ROOM, Set.of(), latest(List.of(new Extremity("$b", 2)), Map.of()));
        assertThat(remembered.get(ROOM, Set.of())).isPresent();
    }

    @Test
    void aWriteThatEndsUnknownForgetsTheRoom() {
        read(ROOM, Set.of(CREATE), latest(List.of(new Extremity("$a", 1)), Map.of(CREATE, "$create")));
        remembered.writeStarts(ROOM);
        remembered.writtenUnknown(ROOM);
        assertThat(remembered.get(ROOM, Set.of(CREATE))).isEmpty();
        read(ROOM, Set.of(CREATE), latest(List.of(new Extremity("$a", 1)), Map.of(CREATE, "$create")));
        assertThat(remembered.get(ROOM, Set.of(CREATE))).isPresent();
    }

    @Test
    void theLeastRecentlyUsedRoomsGoFirst() {
        Latest any = latest(List.of(new Extremity("$a", 1)), Map.of());
        read("!one:test", Set.of(), any);
        read("!two:test", Set.of(), any);
        assertThat(remembered.get("!one:test", Set.of())).isPresent(); // used: two is now the eldest
        read("!three:test", Set.of(), any);
        assertThat(remembered.get("!two:test", Set.of())).isEmpty();
        assertThat(remembered.get("!one:test", Set.of())).isPresent();
        assertThat(remembered.get("!three:test", Set.of())).isPresent();
    }
}
