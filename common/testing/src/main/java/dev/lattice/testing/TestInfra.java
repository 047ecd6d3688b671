package dev.lattice.testing;

import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.embedded.EmbeddedKafka;
import dev.lattice.runtime.embedded.EmbeddedPostgres;
import io.r2dbc.spi.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.testcontainers.DockerClientFactory;

/**
 * Real PostgreSQL and Kafka for integration tests, one of each per test JVM, found in this order:
 * <ol>
 *   <li>environment variables ({@code LATTICE_TEST_PG_HOST}, {@code _PORT}, {@code _DB}, {@code _USER},
 *       {@code _PASSWORD}; {@code LATTICE_TEST_KAFKA_BOOTSTRAP}), for servers CI or a developer already runs;
 *   <li>Testcontainers, when a Docker engine answers;
 *   <li>otherwise embedded servers started in this JVM from Maven Central binaries.
 * </ol>
 * An integration test therefore always runs against the real thing; it never skips.
 */
public final class TestInfra {
    private static final Map<String, String> ENV = System.getenv();

    private static LatticeProperties.Database postgres;
    private static String kafka;

    /** The PostgreSQL connection settings, starting a server on first use. */
    public static synchronized LatticeProperties.Database postgres() {
        if (postgres == null) {
            postgres = ENV.containsKey("LATTICE_TEST_PG_HOST")
                    ? postgresFromEnvironment()
                    : docker() ? postgresFromTestcontainers() : embeddedPostgres();
        }
        return postgres;
    }

    /** The Kafka bootstrap servers, starting a broker on first use. */
    public static synchronized String kafkaBootstrap() {
        if (kafka == null) {
            kafka = ENV.containsKey("LATTICE_TEST_KAFKA_BOOTSTRAP")
                    ? ENV.get("LATTICE_TEST_KAFKA_BOOTSTRAP")
                    : docker() ? kafkaFromTestcontainers() : embeddedKafka();
        }
        return kafka;
    }

    /**
     * A new, unpooled R2DBC connection factory for the test PostgreSQL. Each factory is its own transaction scope: a
     * client on another factory never joins its transactions, so it sees only what they committed.
     */
    public static ConnectionFactory connectionFactory() {
        return Database.connectionFactory(postgres());
    }

    /**
     * A service's schema on the test PostgreSQL, migrated by its Flyway migrations (found on the test's classpath),
     * with a client on a new {@link #connectionFactory()}. Tests of one schema share it and keep apart by using fresh
     * IDs.
     */
    public static Database migrated(String schema) {
        return new Database(postgres(), List.of(new ServiceSchema(schema)), DatabaseClient.create(connectionFactory()));
    }

    /** Properties that point a Lattice process at the test PostgreSQL and Kafka. */
    public static Map<String, Object> latticeProperties() {
        LatticeProperties.Database db = postgres();
        return Map.of(
                "lattice.database.host", db.host(),
                "lattice.database.port", db.port(),
                "lattice.database.name", db.name(),
                "lattice.database.user", db.user(),
                "lattice.database.password", db.password(),
                "lattice.kafka.bootstrap-servers", kafkaBootstrap());
    }

    private static LatticeProperties.Database postgresFromEnvironment() {
        return database(
                ENV.get("LATTICE_TEST_PG_HOST"),
                Integer.parseInt(ENV.getOrDefault("LATTICE_TEST_PG_PORT", "5432")),
                ENV.getOrDefault("LATTICE_TEST_PG_DB", "lattice"),
                ENV.getOrDefault("LATTICE_TEST_PG_USER", "lattice"),
                ENV.getOrDefault("LATTICE_TEST_PG_PASSWORD", "lattice"));
    }

    @SuppressWarnings("resource") // lives as long as the test JVM; Testcontainers' reaper removes it
    private static LatticeProperties.Database postgresFromTestcontainers() {
        var container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:17-alpine");
        container.start();
        return database(
                container.getHost(),
                container.getMappedPort(5432),
                container.getDatabaseName(),
                container.getUsername(),
                container.getPassword());
    }

    @SuppressWarnings("resource")
    private static String kafkaFromTestcontainers() {
        var container = new org.testcontainers.kafka.KafkaContainer("apache/kafka-native:4.1.2");
        container.start();
        return container.getBootstrapServers();
    }

    private static LatticeProperties.Database embeddedPostgres() {
        try {
            EmbeddedPostgres server = EmbeddedPostgres.builder(temporaryDirectory("lattice-test-postgres"))
                    .durable(false)
                    .maxConnections(200)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is exiting anyway
                }
                deleteRecursively(server.dataDirectory());
            }));
            return database(server.host(), server.port(), server.database(), server.user(), server.password());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
        }
    }

    private static String embeddedKafka() {
        try {
            EmbeddedKafka broker = EmbeddedKafka.builder(temporaryDirectory("lattice-test-kafka"))
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                deleteRecursively(broker.logDirectory());
            }));
            return broker.bootstrapServers();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka for tests", e);
        }
    }

    private static LatticeProperties.Database database(
            String host, int port, String name, String user, String password) {
        return new LatticeProperties.Database(host, port, name, user, password, 10);
    }

    private static Path temporaryDirectory(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }

    private static void deleteRecursively(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }

    private static boolean docker() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable noDocker) {
            return false;
        }
    }

    private TestInfra() {}
}
