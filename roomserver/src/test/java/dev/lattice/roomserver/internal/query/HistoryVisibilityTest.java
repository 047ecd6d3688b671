package dev.lattice.roomserver.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.StateLookup;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HistoryVisibilityTest {
    private static final String BOB = "@bob:test.lattice";

    private record Event(String type, Optional<String> stateKey, JsonObject content) implements RoomEvent {
        public String eventId() {
            return "$" + type + stateKey.orElse("");
        }

        public String roomId() {
            return "!r:test.lattice";
        }

        public String sender() {
            return "@alice:test.lattice";
        }

        public List<String> prevEvents() {
            return List.of();
        }

        public List<String> authEvents() {
            return List.of();
        }

        public long originServerTs() {
            return 0;
        }

        public long depth() {
            return 1;
        }

        public Optional<String> redacts() {
            return Optional.empty();
        }
    }

    private static final Event MESSAGE = new Event("m.room.message", Optional.empty(), JsonObject.EMPTY);

    private static Event state(String type, String key, String json) {
        return new Event(type, Optional.of(key), CanonicalJson.parseObject(json));
    }

    private static StateLookup state(String visibility, String bobMembership) {
        Map<StateKey, RoomEvent> state = new HashMap<>();
        if (visibility != null) {
            state.put(
                    StateKey.of(HistoryVisibility.TYPE, ""),
                    state(HistoryVisibility.TYPE, "", "{\"history_visibility\":\"" + visibility + "\"}"));
        }
        if (bobMembership != null) {
            state.put(
                    StateKey.of("m.room.member", BOB),
                    state("m.room.member", BOB, "{\"membership\":\"" + bobMembership + "\"}"));
        }
        return StateLookup.of(state);
    }

    private static boolean visible(StateLookup at, boolean joinedLater) {
        return HistoryVisibility.visible(BOB, MESSAGE, at, at, joinedLater);
    }

    @Test
    void followsTheSpecRulesInOrder() {
        assertThat(visible(state("world_readable", null), false)).isTrue();
        assertThat(visible(state("joined", "join"), false)).isTrue();
        assertThat(visible(state("joined", "invite"), true)).isFalse();
        assertThat(visible(state("shared", null), true)).isTrue();
        assertThat(visible(state("shared", null), false)).isFalse();
        assertThat(visible(state("invited", "invite"), false)).isTrue();
        assertThat(visible(state("invited", "leave"), false)).isFalse();
        assertThat(visible(state(null, null), true)).isTrue(); // no event: shared
    }

    @Test
    void boundaryEventsMayBeSeenIfEitherSideAllows() {
        Event bobJoin = state("m.room.member", BOB, "{\"membership\":\"join\"}");
        assertThat(HistoryVisibility.visible(BOB, bobJoin, state("joined", null), state("joined", "join"), false))
                .isTrue();
        assertThat(HistoryVisibility.visible(BOB, MESSAGE, state("joined", null), state("joined", "join"), false))
                .isFalse(); // an ordinary event is judged by the state at it
        Event opened = state(HistoryVisibility.TYPE, "", "{\"history_visibility\":\"world_readable\"}");
        assertThat(HistoryVisibility.visible(BOB, opened, state("joined", null), state("world_readable", null), false))
                .isTrue();
    }
}
