package dev.lattice.roomserver.internal.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.StateKey;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CurrentStatesTest {
    private static final Map<StateKey, String> STATE = Map.of(StateKey.of("m.room.create", ""), "$create");

    @Test
    void aHeldStateAnswersOnlyForTheExtremitiesItWasWrittenWith() {
        CurrentStates states = new CurrentStates();
        states.put("!a:x", Set.of("$e1"), STATE);

        assertThat(states.get("!a:x", Set.of("$e1"))).contains(STATE);
        assertThat(states.get("!a:x", Set.of("$e2")))
                .as("another writer moved the room on")
                .isEmpty();
        assertThat(states.get("!a:x", Set.of("$e1", "$e2"))).as("a fork since").isEmpty();
        assertThat(states.get("!b:x", Set.of("$e1"))).isEmpty();
    }

    @Test
    void theRoomWrittenLongestAgoIsDroppedFirst() {
        CurrentStates states = new CurrentStates();
        for (int i = 0; i <= CurrentStates.ROOMS; i++) {
            states.put("!r" + i + ":x", Set.of("$e"), STATE);
        }
        assertThat(states.get("!r0:x", Set.of("$e"))).isEmpty();
        assertThat(states.get("!r" + CurrentStates.ROOMS + ":x", Set.of("$e"))).contains(STATE);
    }
}
