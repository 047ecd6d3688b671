package dev.lattice.protocol.stateres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Two forks of a 10,000-member room with 1,000 conflicting keys: correct, and fast enough to run on every build. */
class LargeRoomStateResolutionTest {

    static Stream<Arguments> versions() {
        return Stream.of(Arguments.of(RoomVersionRules.V10), Arguments.of(RoomVersionRules.V12));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void resolvesBothForks(RoomVersionRules version) {
        LargeRoom room = LargeRoom.build(version, 10_000, 1_000);
        Map<StateKey, String> resolved = resolve(room, List.of(room.forkA, room.forkB));
        // How long this takes is measured by the JMH StateResolutionBenchmark (common/protocol/src/jmh), not here.
        Map<StateKey, String> reversed = resolve(room, List.of(room.forkB, room.forkA));

        assertThat(reversed).isEqualTo(resolved);
        assertThat(resolved).hasSize(10_000 + 4);
        assertThat(resolved.get(StateKey.of("m.room.power_levels", ""))).isEqualTo("$pl-1");
        for (int i = 0; i < 500; i++) {
            assertThat(resolved.get(StateKey.of("m.room.member", LargeRoom.user(i))))
                    .isEqualTo("$rename-" + i);
        }
        for (int i = 500; i < 1_000; i++) {
            assertThat(resolved.get(StateKey.of("m.room.member", LargeRoom.user(i))))
                    .isEqualTo("$leave-" + i);
        }
        assertThat(resolved.get(StateKey.of("m.room.member", LargeRoom.user(5_000))))
                .isEqualTo("$join-5000");
    }

    private static Map<StateKey, String> resolve(LargeRoom room, List<Map<StateKey, String>> states) {
        return StateResolution.resolve(
                room.stateRes, room.rules, states, room.lookup(), AuthVerifiers.NO_THIRD_PARTY_INVITES);
    }
}
