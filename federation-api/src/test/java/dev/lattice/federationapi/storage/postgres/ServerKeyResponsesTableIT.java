package dev.lattice.federationapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.federationapi.storage.StoredKeyResponse;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.testing.TestInfra;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerKeyResponsesTableIT {
    private static ServerKeyResponsesTable table;

    @BeforeAll
    static void migrate() {
        table = new ServerKeyResponsesTable(TestInfra.migrated("federationapi").client());
    }

    @Test
    void keepsTheResponseFetchedLast() {
        String server = UUID.randomUUID() + ".example";
        assertThat(table.select(server).block()).isEmpty();
        table.upsert(server, "{\"n\":1}", 1000, 100, server).block();
        table.upsert(server, "{\"n\":2}", 2000, 200, "notary.example").block();
        table.upsert(server, "{\"n\":3}", 3000, 150, server).block();
        assertThat(table.select(server).block())
                .contains(new StoredKeyResponse(CanonicalJson.parseObject("{\"n\":2}"), 2000, 200));
    }
}
