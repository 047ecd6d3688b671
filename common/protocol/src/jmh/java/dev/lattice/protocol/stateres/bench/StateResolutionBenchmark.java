package dev.lattice.protocol.stateres.bench;

import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.stateres.EventLookup;
import dev.lattice.protocol.stateres.LargeRoom;
import dev.lattice.protocol.stateres.StateResolution;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.protocol.version.RoomVersions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * State resolution of two forks of a 10,000-member room with 1,000 conflicting state keys (see {@link LargeRoom}).
 * Run (from the repository root, after {@code ./mvnw -pl common/protocol test-compile}):
 *
 * <pre>
 * java -cp common/protocol/target/test-classes:common/protocol/target/classes:$(cat cp.txt) \
 *     org.openjdk.jmh.Main StateResolutionBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StateResolutionBenchmark {

    /** Room version 10 resolves with state res v2, room version 12 with v2.1. */
    @Param({"10", "12"})
    public String roomVersion;

    private LargeRoom room;
    private EventLookup lookup;
    private List<Map<StateKey, String>> states;

    @Setup
    public void setUp() {
        room = LargeRoom.build(RoomVersions.rules(RoomVersionId.of(roomVersion)).orElseThrow(), 10_000, 1_000);
        lookup = room.lookup();
        states = List.of(room.forkA, room.forkB);
    }

    @Benchmark
    public Map<StateKey, String> resolveTwoForks() {
        return StateResolution.resolve(room.stateRes, room.rules, states, lookup, AuthVerifiers.NO_THIRD_PARTY_INVITES);
    }
}
