package dev.lattice.protocol.stateres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.TestingRoomEvent;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared fixtures of {@code shared/fixtures/state-res} (see its README). */
class StateResolutionFixturesTest {

    enum Feeding {
        ONE_AT_A_TIME,
        FILE_BY_FILE,
        ALL_AT_ONCE_SHUFFLED
    }

    static Stream<Arguments> batchScenarios() {
        Map<String, List<String>> scenarios = new java.util.LinkedHashMap<>();
        scenarios.put("minimal_private_chat", List.of("bootstrap-private-chat"));
        scenarios.put("minimal_public_chat", List.of("bootstrap-public-chat"));
        scenarios.put(
                "ban_vs_power_levels",
                List.of("bootstrap-public-chat", "ban-vs-power-levels-alice", "ban-vs-power-levels-bob"));
        scenarios.put(
                "topic_vs_power_levels",
                List.of("bootstrap-public-chat", "topic-vs-power-levels-alice", "topic-vs-power-levels-bob"));
        scenarios.put(
                "power_levels_admin_vs_mod",
                List.of("bootstrap-public-chat", "power-levels-admin-vs-mod-alice", "power-levels-admin-vs-mod-bob"));
        scenarios.put(
                "topic_vs_ban",
                List.of("bootstrap-public-chat", "topic-vs-ban-common", "topic-vs-ban-alice", "topic-vs-ban-bob"));
        scenarios.put(
                "concurrent_joins",
                List.of("bootstrap-public-chat", "concurrent-joins-charlie", "concurrent-joins-ella"));
        List<Arguments> arguments = new ArrayList<>();
        scenarios.forEach((name, files) -> {
            for (Feeding feeding : Feeding.values()) {
                arguments.add(Arguments.of(name, files, feeding));
            }
        });
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("batchScenarios")
    void batchScenario(String name, List<String> files, Feeding feeding) {
        List<List<TestingRoomEvent>> perFile =
                files.stream().map(f -> Fixtures.pdus(f + ".json")).toList();
        TestingRoomDag dag = new TestingRoomDag(Fixtures.rulesOfCreate(perFile.getFirst()));
        switch (feeding) {
            case ONE_AT_A_TIME -> perFile.forEach(file -> file.forEach(event -> dag.add(List.of(event))));
            case FILE_BY_FILE -> perFile.forEach(dag::add);
            case ALL_AT_ONCE_SHUFFLED -> {
                List<TestingRoomEvent> all = new ArrayList<>();
                perFile.forEach(all::addAll);
                Collections.shuffle(all, new Random(name.hashCode()));
                dag.add(all);
            }
        }
        assertThat(dag.rejections())
                .as("events the fixtures expect to pass auth")
                .isEmpty();
        assertThat(dag.state()).isEqualTo(Fixtures.expected(name));
    }

    static Stream<Arguments> stateMapScenarios() {
        return Stream.of(
                Arguments.of("msc4297_problem_a_state_res_v2_0", "MSC4297-problem-A/pdus-v11.json"),
                Arguments.of("msc4297_problem_a_state_res_v2_1", "MSC4297-problem-A/pdus-v12.json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stateMapScenarios")
    void stateMapScenario(String name, String pdus) {
        List<TestingRoomEvent> events = Fixtures.pdus(pdus);
        Map<String, TestingRoomEvent> byId = new HashMap<>();
        events.forEach(e -> byId.put(e.eventId(), e));
        List<Map<StateKey, String>> stateSets = new ArrayList<>();
        for (String file : List.of("MSC4297-problem-A/state-bob.json", "MSC4297-problem-A/state-charlie.json")) {
            Map<StateKey, String> state = new HashMap<>();
            for (String id : Fixtures.eventIds(file)) {
                TestingRoomEvent event = byId.get(id);
                state.put(StateKey.of(event.type(), event.stateKey().orElseThrow()), id);
            }
            stateSets.add(state);
        }
        RoomVersionRules version = Fixtures.rulesOfCreate(events);
        Map<StateKey, String> resolved = StateResolution.resolve(
                version.stateRes(),
                version.authorization(),
                stateSets,
                EventLookup.of(byId),
                AuthVerifiers.NO_THIRD_PARTY_INVITES);
        assertThat(resolved).isEqualTo(Fixtures.expected(name));
        // Resolution does not depend on the order of the state sets.
        assertThat(StateResolution.resolve(
                        version.stateRes(),
                        version.authorization(),
                        stateSets.reversed(),
                        EventLookup.of(byId),
                        AuthVerifiers.NO_THIRD_PARTY_INVITES))
                .isEqualTo(resolved);
        if (version.stateRes() == dev.lattice.protocol.version.StateResVersion.V2_1) {
            // The same DAG under v2.0 resets the state: that is what v2.1 fixes.
            assertThat(StateResolution.resolve(
                            dev.lattice.protocol.version.StateResVersion.V2,
                            version.authorization(),
                            stateSets,
                            EventLookup.of(byId),
                            AuthVerifiers.NO_THIRD_PARTY_INVITES))
                    .isNotEqualTo(resolved);
        }
    }
}
