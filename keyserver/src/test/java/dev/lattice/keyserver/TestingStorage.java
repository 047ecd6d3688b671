package dev.lattice.keyserver;

import dev.lattice.keyserver.internal.CrossSigning;
import dev.lattice.keyserver.storage.postgres.PostgresCrossSigningDatabase;
import dev.lattice.keyserver.storage.postgres.PostgresKeyserverDatabase;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.outbox.Outbox;
import dev.lattice.testing.TestInfra;
import java.time.Clock;
import java.time.Duration;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The keyserver's storage on the shared test PostgreSQL (migrated), with an outbox that hands its records to
 * {@code publisher}.
 */
public record TestingStorage(PostgresKeyserverDatabase database, CrossSigning crossSigning) {

    public static TestingStorage migrated(Outbox.Publisher publisher) {
        Database migrated = TestInfra.migrated("keyserver");
        Outbox outbox = new Outbox(
                migrated.client(),
                TransactionalOperator.create(
                        new R2dbcTransactionManager(migrated.client().getConnectionFactory())),
                "keyserver",
                publisher,
                Duration.ofSeconds(1),
                100);
        // As in the all-in-one: the only keyserver process, which remembers the devices' key counts between writes.
        PostgresKeyserverDatabase database = new PostgresKeyserverDatabase(migrated, outbox, true);
        return new TestingStorage(
                database,
                new CrossSigning(new PostgresCrossSigningDatabase(migrated, outbox), database, Clock.systemUTC()));
    }
}
