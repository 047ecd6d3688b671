package dev.lattice.protocol.stateres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.StateKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatePartitionTest {
    private static final StateKey CREATE = StateKey.of("m.room.create", "");
    private static final StateKey NAME = StateKey.of("m.room.name", "");
    private static final StateKey ALICE = StateKey.of("m.room.member", "@alice:a.test");
    private static final StateKey BOB = StateKey.of("m.room.member", "@bob:b.test");

    @Test
    void onlyTheEntriesTheSetsDisagreeOnAreConflictedAndAnEntryOneSetLacksIsOne() {
        Map<StateKey, String> one = Map.of(CREATE, "$create", ALICE, "$alice", NAME, "$name1");
        Map<StateKey, String> two = Map.of(CREATE, "$create", ALICE, "$alice", NAME, "$name2", BOB, "$bob");

        assertThat(StatePartition.of(List.of(one, two)).conflicted())
                .containsExactlyInAnyOrder("$name1", "$name2", "$bob");
        assertThat(StatePartition.of(List.of(two, one)).conflicted())
                .containsExactlyInAnyOrder("$name1", "$name2", "$bob");
        assertThat(StatePartition.of(List.of(one, two)).unconflicted())
                .isEqualTo(Map.of(CREATE, "$create", ALICE, "$alice"));
        assertThat(StatePartition.of(List.of(one, one)).conflicted()).isEmpty();
    }
}
