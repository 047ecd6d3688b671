package dev.lattice.clientapi;

import dev.lattice.runtime.LatticeApplication;
import dev.lattice.testing.TestInfra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The client-api as its own process would run it (ClientApiApplication), against the test PostgreSQL and Kafka, on
 * a free port, driven over real HTTP. Each server gets its own topic prefix, so its records are its own.
 */
final class TestServer implements AutoCloseable {
    static final String SERVER_NAME = "test.lattice";

    final ConfigurableApplicationContext context;
    final WebTestClient client;

    private TestServer(ConfigurableApplicationContext context) {
        this.context = context;
        String port = context.getEnvironment().getProperty("local.server.port");
        this.client = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Starts a server with the test defaults overridden by {@code overrides}. */
    static TestServer start(Map<String, Object> overrides) {
        return start(ClientApiApplication.class, overrides);
    }

    /** Starts {@code application} (the client-api alone, or with other services) with the test defaults. */
    static TestServer start(Class<?> application, Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(TestInfra.latticeProperties());
        properties.put("lattice.server-name", SERVER_NAME);
        properties.put("lattice.client.port", 0);
        properties.put("lattice.client.bind-address", "127.0.0.1");
        properties.put("lattice.metrics.port", 0);
        properties.put("lattice.federation.enabled", false);
        properties.put("lattice.kafka.topic-prefix", "test-" + UUID.randomUUID() + ".");
        properties.put("lattice.kafka.partitions", 1);
        properties.put("lattice.client-api.bcrypt-cost", 4);
        properties.put("lattice.client-api.rate-limits.login.per-second", 1000);
        properties.put("lattice.client-api.rate-limits.login.burst", 1000);
        properties.put("lattice.client-api.rate-limits.registration.per-second", 1000);
        properties.put("lattice.client-api.rate-limits.registration.burst", 1000);
        try {
            properties.put(
                    "lattice.data-dir",
                    Files.createTempDirectory("lattice-client-api-it").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        properties.putAll(overrides);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
                .properties(LatticeApplication.defaults())
                .properties(properties)
                .run();
        return new TestServer(context);
    }

    @Override
    public void close() {
        context.close();
    }
}
