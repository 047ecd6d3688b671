package dev.lattice.protocol.stateres;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.TestJson;
import dev.lattice.protocol.auth.TestingRoomEvent;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared state-resolution fixtures, read in place (never copied into the repository). They live in the team's
 * {@code shared} directory, which sits beside a checkout ({@code <checkout>/../shared}): set
 * {@code -Dlattice.shared.dir=/path/to/shared}, or let this class find a {@code shared} directory in the working
 * directory or one of its ancestors.
 */
final class Fixtures {
    private Fixtures() {}

    static Path stateResDir() {
        String configured = System.getProperty("lattice.shared.dir");
        if (configured != null) {
            return Path.of(configured).resolve("fixtures/state-res");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/fixtures/state-res");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("The state-resolution fixtures (shared/fixtures/state-res) were not found in "
                + Path.of("").toAbsolutePath() + " or any directory above it. They are kept outside the repository, in"
                + " the team's shared directory: place it beside your checkout (<checkout>/../shared), or run the"
                + " tests with -Dlattice.shared.dir=/path/to/shared. See docs/contributing.md, \"Test data\".");
    }

    static List<TestingRoomEvent> pdus(String relativePath) {
        JsonArray array =
                (JsonArray) TestJson.read(stateResDir().resolve("fixtures").resolve(relativePath));
        List<TestingRoomEvent> events = new ArrayList<>();
        for (CanonicalJsonValue value : array.values()) {
            events.add(TestingRoomEvent.fromJson((JsonObject) value));
        }
        return events;
    }

    static List<String> eventIds(String relativePath) {
        JsonArray array =
                (JsonArray) TestJson.read(stateResDir().resolve("fixtures").resolve(relativePath));
        return array.values().stream().map(v -> ((JsonString) v).value()).toList();
    }

    static Map<StateKey, String> expected(String name) {
        JsonArray array =
                (JsonArray) TestJson.read(stateResDir().resolve("expected").resolve(name + ".json"));
        Map<StateKey, String> state = new HashMap<>();
        for (CanonicalJsonValue value : array.values()) {
            JsonObject entry = (JsonObject) value;
            state.put(
                    StateKey.of(
                            entry.getString("type").orElseThrow(),
                            entry.getString("state_key").orElseThrow()),
                    entry.getString("event_id").orElseThrow());
        }
        return state;
    }

    /** The rules of the room version named by the fixture's create event ({@code "1"} if it names none). */
    static RoomVersionRules rulesOfCreate(List<TestingRoomEvent> events) {
        String id = events.stream()
                .filter(e -> e.type().equals("m.room.create"))
                .findFirst()
                .orElseThrow()
                .content()
                .getString("room_version")
                .orElse("1");
        return RoomVersions.rules(RoomVersionId.of(id)).orElseThrow();
    }
}
