package dev.lattice.federationapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.testing.TestInfra;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReceivedTransactionsTableIT {
    private static ReceivedTransactionsTable table;

    @BeforeAll
    static void migrate() {
        table = new ReceivedTransactionsTable(
                TestInfra.migrated("federationapi").client());
    }

    @Test
    void keepsTheFirstAnswerPerOriginAndTransaction() {
        String origin = UUID.randomUUID() + ".example";
        assertThat(table.select(origin, "t1").block()).isEmpty();
        table.insert(origin, "t1", "{\"pdus\":{}}", 1).block();
        table.insert(origin, "t1", "{\"pdus\":{\"$x\":{}}}", 2).block();
        table.insert("other." + origin, "t1", "{\"other\":true}", 3).block();
        assertThat(table.select(origin, "t1").block()).contains("{\"pdus\":{}}");
        assertThat(table.select("other." + origin, "t1").block()).contains("{\"other\":true}");
        assertThat(table.select(origin, "t2").block()).isEmpty();
    }
}
