package dev.lattice.allinone;

import dev.lattice.runtime.StartupException;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.embedded.EmbeddedKafka;
import dev.lattice.runtime.embedded.EmbeddedPostgres;
import dev.lattice.runtime.embedded.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private final CompletableFuture<EmbeddedKafka> kafka;

    private EmbeddedInfrastructure(EmbeddedPostgres postgres, CompletableFuture<EmbeddedKafka> kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    /**
     * Starts what the configuration leaves unset and points the configuration at it. Start-up waits for PostgreSQL,
     * which the schema migrations need first; Kafka, the slower of the two, keeps starting on its own thread on a
     * port chosen here, while the services are built, and the bus waits for it when it first connects. If Kafka
     * cannot start, the process says so in one line and exits.
     */
    static EmbeddedInfrastructure startIfNeeded(ConfigurableEnvironment environment) {
        LatticeProperties properties = Binder.get(environment).bindOrCreate("lattice", LatticeProperties.class);
        Map<String, Object> addresses = new HashMap<>();
        // A thread of our own, created here, so it inherits the launcher's class loader (Kafka loads classes by name).
        ExecutorService starter = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "embedded-kafka"));
        CompletableFuture<EmbeddedKafka> kafka = CompletableFuture.completedFuture(null);
        // Kafka's two listeners and PostgreSQL start concurrently: their ports are chosen together, so they differ
        int[] ports = freePorts();
        if (properties.kafka().embedded()) {
            int port = ports[0];
            int controllerPort = ports[1];
            kafka = CompletableFuture.supplyAsync(() -> startKafka(properties, port, controllerPort), starter);
            kafka.whenComplete((started, failure) -> {
                if (failure != null) {
                    System.err.println("lattice: " + failure.getCause().getMessage());
                    System.exit(1);
                }
            });
            addresses.put("lattice.kafka.bootstrap-servers", "127.0.0.1:" + port);
            // The only process on its broker: static membership lets a restart (even after SIGKILL) resume consuming at
            // once instead of after the broker's session timeout.
            if (properties.kafka().groupInstanceId() == null) {
                addresses.put("lattice.kafka.group-instance-id", "all-in-one");
            }
            // And so the only syncapi: it stores every change and signals it here (SyncNotifier.hearsAllFrom).
            addresses.put("lattice.syncapi.only-process", "true");
            // And the only roomserver: its outbox publishes each commit's records without claiming them.
            addresses.put("lattice.roomserver.only-process", "true");
            // And the only federation-api: its consumer sees every room's events, so it remembers their servers.
            addresses.put("lattice.federationapi.only-process", "true");
            // And the only keyserver, the only writer of its keys: it remembers the devices' key counts between writes.
            addresses.put("lattice.keyserver.only-process", "true");
            // And the only client-api, the only writer of pushers: it remembers who has one between writes of pushers.
            addresses.put("lattice.clientapi.only-process", "true");
        }
        starter.shutdown();
        EmbeddedPostgres postgres = null;
        if (properties.database().embedded()) {
            try {
                postgres = startPostgres(properties, ports[2]);
            } catch (StartupException e) {
                new EmbeddedInfrastructure(null, kafka).close();
                throw e;
            }
            addresses.put("lattice.database.host", postgres.host());
            addresses.put("lattice.database.port", postgres.port());
        }
        environment.getPropertySources().addFirst(new MapPropertySource("lattice-embedded", addresses));
        return new EmbeddedInfrastructure(postgres, kafka);
    }

    private static int[] freePorts() {
        try {
            return LoopbackPorts.free(3);
        } catch (IOException e) {
            throw new StartupException("cannot find free ports for the embedded servers: " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres startPostgres(LatticeProperties properties, int port) {
        LatticeProperties.Database db = properties.database();
        Path directory = properties.dataDir().resolve("postgres");
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder(directory)
                    .database(db.name())
                    .user(db.user())
                    .password(db.password())
                    .port(port)
                    .registerShutdownHook(false)
                    // not /tmp, which cleaners empty and other JVMs share
                    .binariesDirectory(properties.dataDir().resolve(".postgres-bin"))
                    .start();
            log.info("embedded PostgreSQL on {}:{} (data {})", postgres.host(), postgres.port(), directory);
            return postgres;
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new StartupException(
                    "cannot start the embedded PostgreSQL in "
                            + directory.toAbsolutePath().normalize() + ": " + e.getMessage(),
                    e);
        }
    }

    private static EmbeddedKafka startKafka(LatticeProperties properties, int port, int controllerPort) {
        Path directory = properties.dataDir().resolve("kafka");
        try {
            EmbeddedKafka kafka = EmbeddedKafka.builder(directory)
                    .port(port)
                    .controllerPort(controllerPort)
                    .start();
            log.info("embedded Kafka on {} (data {})", kafka.bootstrapServers(), directory);
            return kafka;
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new StartupException(
                    "cannot start the embedded Kafka in "
                            + directory.toAbsolutePath().normalize() + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        try {
            EmbeddedKafka started = kafka.get(60, TimeUnit.SECONDS);
            if (started != null) {
                started.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException notStarted) {
            // nothing to stop
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
