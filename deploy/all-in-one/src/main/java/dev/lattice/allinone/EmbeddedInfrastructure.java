package dev.lattice.allinone;

import dev.lattice.runtime.StartupException;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.embedded.EmbeddedKafka;
import dev.lattice.runtime.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The PostgreSQL and Kafka servers the all-in-one process runs itself when none are configured, under the data
 * directory. Started once the configuration is read and before any service starts; their addresses are put in
 * front of every other property source, so the services connect to them exactly as they would to external ones.
 */
final class EmbeddedInfrastructure implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

    private final EmbeddedPostgres postgres;
    private final EmbeddedKafka kafka;

    private EmbeddedInfrastructure(EmbeddedPostgres postgres, EmbeddedKafka kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    /** Starts what the configuration leaves unset and points the configuration at it. */
    static EmbeddedInfrastructure startIfNeeded(ConfigurableEnvironment environment) {
        LatticeProperties properties = Binder.get(environment).bindOrCreate("lattice", LatticeProperties.class);
        Map<String, Object> addresses = new HashMap<>();
        EmbeddedPostgres postgres = null;
        EmbeddedKafka kafka = null;
        try {
            if (properties.database().embedded()) {
                LatticeProperties.Database db = properties.database();
                postgres = EmbeddedPostgres.builder(properties.dataDir().resolve("postgres"))
                        .database(db.name()).user(db.user()).password(db.password())
                        .registerShutdownHook(false)
                        // not /tmp, which cleaners empty and other JVMs share
                        .binariesDirectory(properties.dataDir().resolve(".postgres-bin"))
                        .start();
                addresses.put("lattice.database.host", postgres.host());
                addresses.put("lattice.database.port", postgres.port());
                log.info("embedded PostgreSQL on {}:{} (data {})", postgres.host(), postgres.port(),
                        postgres.dataDirectory());
            }
            if (properties.kafka().embedded()) {
                kafka = EmbeddedKafka.builder(properties.dataDir().resolve("kafka")).start();
                addresses.put("lattice.kafka.bootstrap-servers", kafka.bootstrapServers());
                log.info("embedded Kafka on {} (data {})", kafka.bootstrapServers(), kafka.logDirectory());
            }
        } catch (IOException | RuntimeException e) {
            new EmbeddedInfrastructure(postgres, kafka).close();
            throw new StartupException("cannot start the embedded " + (postgres == null ? "PostgreSQL" : "Kafka")
                    + " under " + properties.dataDir().toAbsolutePath().normalize() + ": " + e.getMessage(), e);
        }
        environment.getPropertySources().addFirst(new MapPropertySource("lattice-embedded", addresses));
        return new EmbeddedInfrastructure(postgres, kafka);
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            }
        }
    }
}
