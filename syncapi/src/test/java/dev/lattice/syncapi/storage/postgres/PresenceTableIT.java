package dev.lattice.syncapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.syncapi.storage.StoredPresence;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.testing.TestInfra;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code syncapi.presence} through {@link SyncApiDatabase}, against a real PostgreSQL. */
class PresenceTableIT {
    private static SyncApiDatabase database;

    @BeforeAll
    static void migrate() {
        database = new PostgresSyncApiDatabase(TestInfra.migrated("syncapi"));
    }

    @Test
    void aTouchKeepsTheUserSeenInTheStateTheyAreInAndChangesNothingElse() {
        String user = "@u" + UUID.randomUUID().toString().substring(0, 8) + ":example.org";
        // Nobody to touch yet: the full write must make the row.
        assertThat(database.touchPresence(user, "online", 1_000).block()).isFalse();
        assertThat(database.presence(user).block()).isEmpty();

        long online = database.setPresence(user, "online", Optional.empty(), 1_000)
                .block()
                .orElseThrow();
        assertThat(database.touchPresence(user, "online", 5_000).block()).isTrue();
        assertThat(stored(user).lastActiveTs()).isEqualTo(5_000);
        assertThat(stored(user).position()).as("nothing others see changed").isEqualTo(online);

        long unavailable = database.setPresence(user, "unavailable", Optional.of(Optional.of("lunch")), 6_000)
                .block()
                .orElseThrow();
        assertThat(unavailable).isGreaterThan(online);
        // Another state: not touched, so the caller sets it with a new position.
        assertThat(database.touchPresence(user, "online", 7_000).block()).isFalse();
        assertThat(stored(user).state()).isEqualTo("unavailable");
        // The same state: seen, but not active (only online is).
        assertThat(database.touchPresence(user, "unavailable", 8_000).block()).isTrue();
        StoredPresence after = stored(user);
        assertThat(after.lastActiveTs()).isEqualTo(5_000);
        assertThat(after.statusMsg()).contains("lunch");
        assertThat(after.position()).isEqualTo(unavailable);
    }

    private static StoredPresence stored(String user) {
        return database.presence(user).block().orElseThrow();
    }
}
