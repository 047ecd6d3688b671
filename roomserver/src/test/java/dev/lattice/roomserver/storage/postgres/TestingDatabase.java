package dev.lattice.roomserver.storage.postgres;

import dev.lattice.api.roomserver.InputKind;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.outbox.Outbox;
import dev.lattice.testing.TestInfra;
import io.r2dbc.spi.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** The roomserver schema, migrated, on the test PostgreSQL; and row fixtures with fresh IDs. */
public final class TestingDatabase {
    public static final ConnectionFactory CONNECTIONS = TestInfra.connectionFactory();
    public static final DatabaseClient CLIENT = migrate();

    private static DatabaseClient migrate() {
        return new Database(
                        TestInfra.postgres(),
                        List.of(new ServiceSchema("roomserver")),
                        DatabaseClient.create(CONNECTIONS))
                .client();
    }

    /** A database whose outbox publishes nowhere: storage tests look at the tables, not at the bus. */
    public static PostgresRoomserverDatabase roomserverDatabase(int maxSnapshotChain) {
        return new PostgresRoomserverDatabase(CLIENT, outbox((topic, key, payload) -> Mono.empty()), maxSnapshotChain);
    }

    /** The roomserver schema's outbox publishing with {@code publisher}; its sweeper is not started. */
    public static Outbox outbox(Outbox.Publisher publisher) {
        return new Outbox(
                CLIENT,
                TransactionalOperator.create(new R2dbcTransactionManager(CONNECTIONS)),
                "roomserver",
                publisher,
                Duration.ofMillis(200),
                100);
    }

    public static String roomId() {
        return "!" + UUID.randomUUID().toString().substring(0, 12) + ":test.lattice";
    }

    public static String eventId() {
        return "$" + UUID.randomUUID().toString().replace("-", "");
    }

    public static EventRow event(String roomId, String type, String stateKey, String membership, EventStatus status) {
        return new EventRow(
                0,
                eventId(),
                roomId,
                type,
                stateKey,
                "@alice:test.lattice",
                3,
                1_000,
                membership,
                null,
                List.of(eventId()),
                List.of(eventId()),
                InputKind.NEW,
                status,
                null,
                null,
                null,
                null,
                "{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                null,
                null,
                2_000);
    }

    private TestingDatabase() {}
}
