package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code clientapi.uia_sessions} against a real PostgreSQL. */
class UiaSessionsTableIT {
    private final UiaSessionsTable table = new UiaSessionsTable(TestingDatabase.CLIENT);

    @Test
    void aSessionRecordsEachCompletedStageOnceAndExpires() {
        String session = "s-" + UUID.randomUUID();
        table.insert(session, "POST /register", null, 1_000).block();
        table.addCompleted(session, "m.login.dummy").block();
        table.addCompleted(session, "m.login.dummy").block();
        table.addCompleted(session, "m.login.registration_token").block();

        var stored = table.select(session, 0).block();
        assertThat(stored.operation()).isEqualTo("POST /register");
        assertThat(stored.localpart()).isNull();
        assertThat(stored.completed()).containsExactly("m.login.dummy", "m.login.registration_token");
        assertThat(table.select(session, 1_001).blockOptional()).isEmpty();
    }

    @Test
    void sessionsAreDeletedOneByOneOrWhenExpired() {
        String kept = "s-" + UUID.randomUUID();
        String deleted = "s-" + UUID.randomUUID();
        String expired = "s-" + UUID.randomUUID();
        long now = System.currentTimeMillis();
        table.insert(kept, "DELETE /devices", "alice", now).block();
        table.insert(deleted, "DELETE /devices", "alice", now).block();
        table.insert(expired, "DELETE /devices", "alice", 5).block();

        table.delete(deleted).block();
        assertThat(table.deleteExpired(10).block()).isGreaterThanOrEqualTo(1);
        assertThat(table.select(deleted, 0).blockOptional()).isEmpty();
        assertThat(table.select(expired, 0).blockOptional()).isEmpty();
        assertThat(table.select(kept, 0).block().localpart()).isEqualTo("alice");
    }
}
