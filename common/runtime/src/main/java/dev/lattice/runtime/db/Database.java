package dev.lattice.runtime.db;

import static java.util.Objects.requireNonNull;

import dev.lattice.runtime.config.LatticeProperties;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The migrated database. Constructing it runs each service schema's Flyway migrations over JDBC (once, at
 * start-up, before any query), so a storage class that holds a {@code Database} can never see an old schema. At
 * run time everything goes through R2DBC ({@link #client()}). Tables are always named with their schema
 * ({@code roomserver.events}), which lets one database hold every service's schema in the all-in-one process and
 * lets split deployments give each service its own database.
 */
public final class Database {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final DatabaseClient client;

    public Database(LatticeProperties.Database settings, List<ServiceSchema> schemas, DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
        for (ServiceSchema schema : schemas) {
            migrate(settings, schema);
        }
    }

    private static void migrate(LatticeProperties.Database settings, ServiceSchema schema) {
        var result = Flyway.configure()
                .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
                .schemas(schema.name())
                .createSchemas(true)
                .locations(schema.migrationsLocation())
                .failOnMissingLocations(false)
                .load()
                .migrate();
        log.info(
                "schema {} at version {} ({} migrations applied)",
                schema.name(),
                result.targetSchemaVersion != null ? result.targetSchemaVersion : "empty",
                result.migrationsExecuted);
    }

    /**
     * A table's comma-separated {@code columns}, each prefixed with {@code alias}: the select list of a statement that
     * joins tables sharing column names ({@code event_id}, {@code room_id}).
     */
    public static String qualified(String alias, String columns) {
        return Arrays.stream(columns.split(","))
                .map(c -> alias + "." + c.strip())
                .collect(Collectors.joining(", "));
    }

    /**
     * A new, unpooled R2DBC connection factory for {@code settings}. Results come in PostgreSQL's binary format
     * ({@code forceBinary}): in the text format every {@code bytea} (each event's PDU) arrives as hex that the driver
     * decodes with a regular expression, and every array as text it parses, which profiling showed as about a tenth
     * of the CPU of a burst of joins (bench/RESULTS.md).
     */
    public static ConnectionFactory connectionFactory(LatticeProperties.Database settings) {
        return new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(settings.host())
                .port(settings.port())
                .database(settings.name())
                .username(settings.user())
                .password(settings.password())
                .forceBinary(true)
                .build());
    }

    public DatabaseClient client() {
        return client;
    }
}
