package dev.lattice.clientapi.storage.postgres;

import dev.lattice.testing.TestInfra;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The {@code clientapi} schema, migrated, on the test PostgreSQL, and row fixtures with fresh keys, so that the
 * table tests share one database without seeing each other's rows.
 */
final class TestingDatabase {
    static final DatabaseClient CLIENT = TestInfra.migrated("clientapi").client();

    /** A localpart no other test uses. */
    static String localpart() {
        return "t" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** A localpart with an account row, for the tables that reference {@code accounts}. */
    static String account() {
        String localpart = localpart();
        new AccountsTable(CLIENT).insert(localpart, "$2b$hash", false, 1).block();
        return localpart;
    }

    /** An account with one device, for the token tables that reference {@code devices}. */
    static String accountWithDevice(String deviceId) {
        String localpart = account();
        new DevicesTable(CLIENT).upsert(localpart, deviceId, null, null, 1).block();
        return localpart;
    }

    /** A token hash no other test uses. */
    static byte[] hash() {
        return UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
    }

    static String roomId() {
        return "!" + UUID.randomUUID().toString().substring(0, 12) + ":test.lattice";
    }

    private TestingDatabase() {}
}
