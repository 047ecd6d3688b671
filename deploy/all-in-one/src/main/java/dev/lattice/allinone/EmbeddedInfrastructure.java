package dev.lattice.allinone;

import dev.lattice.runtime.StartupException;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.embedded.EmbeddedKafka;
import dev.lattice.runtime.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    /**
     * Starts what the configuration leaves unset and points the configuration at it. PostgreSQL and Kafka start side
     * by side: together they are most of the all-in-one start-up time.
     */
    static EmbeddedInfrastructure startIfNeeded(ConfigurableEnvironment environment) {
        LatticeProperties properties = Binder.get(environment).bindOrCreate("lattice", LatticeProperties.class);
        // Threads of our own, created here, so they inherit the launcher's class loader (Kafka loads classes by name).
        ExecutorService starters = Executors.newFixedThreadPool(2);
        CompletableFuture<EmbeddedPostgres> postgres = properties.database().embedded()
                ? CompletableFuture.supplyAsync(() -> startPostgres(properties), starters)
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedKafka> kafka = properties.kafka().embedded()
                ? CompletableFuture.supplyAsync(() -> startKafka(properties), starters)
                : CompletableFuture.completedFuture(null);
        starters.shutdown();
        EmbeddedInfrastructure started = new EmbeddedInfrastructure(
                postgres.exceptionally(failed -> null).join(), kafka.exceptionally(failed -> null).join());
        for (CompletableFuture<?> server : List.of(postgres, kafka)) {
            if (server.isCompletedExceptionally()) {
                started.close();
                Throwable cause = server.handle((ok, failure) -> failure.getCause()).join();
                throw cause instanceof StartupException startup ? startup
                        : new StartupException("cannot start the embedded servers: " + cause, cause);
            }
        }
        Map<String, Object> addresses = new HashMap<>();
        if (started.postgres != null) {
            addresses.put("lattice.database.host", started.postgres.host());
            addresses.put("lattice.database.port", started.postgres.port());
        }
        if (started.kafka != null) {
            addresses.put("lattice.kafka.bootstrap-servers", started.kafka.bootstrapServers());
        }
        environment.getPropertySources().addFirst(new MapPropertySource("lattice-embedded", addresses));
        return started;
    }

    private static EmbeddedPostgres startPostgres(LatticeProperties properties) {
        LatticeProperties.Database db = properties.database();
        Path directory = properties.dataDir().resolve("postgres");
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder(directory)
                    .database(db.name()).user(db.user()).password(db.password())
                    .registerShutdownHook(false)
                    // not /tmp, which cleaners empty and other JVMs share
                    .binariesDirectory(properties.dataDir().resolve(".postgres-bin"))
                    .start();
            log.info("embedded PostgreSQL on {}:{} (data {})", postgres.host(), postgres.port(), directory);
            return postgres;
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new StartupException("cannot start the embedded PostgreSQL in "
                    + directory.toAbsolutePath().normalize() + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedKafka startKafka(LatticeProperties properties) {
        Path directory = properties.dataDir().resolve("kafka");
        try {
            EmbeddedKafka kafka = EmbeddedKafka.builder(directory).start();
            log.info("embedded Kafka on {} (data {})", kafka.bootstrapServers(), directory);
            return kafka;
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new StartupException("cannot start the embedded Kafka in "
                    + directory.toAbsolutePath().normalize() + ": " + e.getMessage(), e);
        }
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
