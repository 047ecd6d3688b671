package dev.lattice.mediaapi.storage.postgres;

import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.testing.TestInfra;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;

/** The migrated {@code mediaapi} schema on the test PostgreSQL. Tests use fresh media and user IDs to stay apart. */
public final class TestDatabase {

    public static synchronized Database migrated() {
        LatticeProperties.Database db = TestInfra.postgres();
        DatabaseClient client =
                DatabaseClient.create(new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                        .host(db.host())
                        .port(db.port())
                        .database(db.name())
                        .username(db.user())
                        .password(db.password())
                        .build()));
        return new Database(db, List.of(new ServiceSchema("mediaapi")), client);
    }

    private TestDatabase() {}
}
