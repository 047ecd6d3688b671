package dev.lattice.clientapi.storage.postgres;

import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.testing.TestInfra;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The {@code clientapi} schema, migrated, on the test PostgreSQL, and row fixtures with fresh keys, so that the
 * table tests share one database without seeing each other's rows.
 */
final class TestingDatabase {
    static final DatabaseClient CLIENT = migrate();

    private static DatabaseClient migrate() {
        LatticeProperties.Database db = TestInfra.postgres();
        var connections = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(db.host())
                .port(db.port())
                .database(db.name())
                .username(db.user())
                .password(db.password())
                .build());
        return new Database(db, List.of(new ServiceSchema("clientapi")), DatabaseClient.create(connections)).client();
    }

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
