package dev.lattice.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.appserviceapi.AppserviceApiApplication;
import dev.lattice.clientapi.ClientApiApplication;
import dev.lattice.federationapi.FederationApiApplication;
import dev.lattice.keyserver.KeyserverApplication;
import dev.lattice.mediaapi.MediaApiApplication;
import dev.lattice.roomserver.RoomserverApplication;
import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.http.FederationListener;
import dev.lattice.syncapi.SyncApiApplication;
import dev.lattice.testing.TestInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The split deployment: each service's own application class starts alone against external PostgreSQL and Kafka,
 * answers its health check, and serves its own routes and no other service's.
 */
class SplitServicesIT {
    record Service(Class<?> application, String ownPath, String foreignPath) {}

    static List<Service> services() {
        return List.of(
                new Service(ClientApiApplication.class, "/_matrix/client/versions", null),
                new Service(FederationApiApplication.class, null, "/_matrix/client/versions"),
                new Service(RoomserverApplication.class, null, "/_matrix/client/versions"),
                new Service(SyncApiApplication.class, null, "/_matrix/client/versions"),
                new Service(MediaApiApplication.class, null, "/_matrix/client/versions"),
                new Service(AppserviceApiApplication.class, null, "/_matrix/client/versions"),
                new Service(KeyserverApplication.class, null, "/_matrix/client/versions"));
    }

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest
    @MethodSource("services")
    void startsAloneAndServesOnlyItsOwnRoutes(Service service) throws Exception {
        try (ConfigurableApplicationContext context = start(service.application())) {
            int port = port(context);
            assertThat(get(port, "/_lattice/health")).isEqualTo(200);
            if (service.ownPath() != null) {
                assertThat(get(port, service.ownPath())).isEqualTo(200);
            }
            if (service.foreignPath() != null) {
                assertThat(get(port, service.foreignPath()))
                        .as("another service's route")
                        .isEqualTo(404);
            }
            boolean federationListener =
                    context.getBeanProvider(FederationListener.class).getIfAvailable() != null;
            assertThat(federationListener)
                    .as("only federation-api opens the federation listener")
                    .isEqualTo(service.application() == FederationApiApplication.class);
        }
    }

    /**
     * Two client-api instances, each with its cache of token lookups: a logout through one is refused at once there,
     * and by the other as soon as the revocation reaches it over the bus (it cached the token just before).
     */
    @Test
    void aTokenRevokedThroughOneClientApiInstanceIsRefusedByAnother() throws Exception {
        try (ConfigurableApplicationContext first = start(ClientApiApplication.class);
                ConfigurableApplicationContext second = start(ClientApiApplication.class)) {
            int one = port(first);
            int two = port(second);
            String body = "{\"username\": \"split-"
                    + UUID.randomUUID().toString().substring(0, 8) + "\", \"password\": \"a long enough password\"";
            HttpResponse<String> challenge = post(one, "/_matrix/client/v3/register", null, body + "}");
            String session = JSON.readTree(challenge.body()).get("session").asString();
            HttpResponse<String> registered = post(
                    one,
                    "/_matrix/client/v3/register",
                    null,
                    body + ", \"auth\": {\"type\": \"m.login.dummy\", \"session\": \"" + session + "\"}}");
            assertThat(registered.statusCode()).isEqualTo(200);
            String token = JSON.readTree(registered.body()).get("access_token").asString();
            assertThat(whoami(two, token)).isEqualTo(200);

            assertThat(post(one, "/_matrix/client/v3/logout", token, "{}").statusCode())
                    .isEqualTo(200);
            assertThat(whoami(one, token)).isEqualTo(401);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (whoami(two, token) != 401 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(whoami(two, token)).isEqualTo(401);
        }
    }

    private ConfigurableApplicationContext start(Class<?> application) {
        Map<String, Object> properties = new java.util.HashMap<>(LatticeApplication.defaults());
        properties.putAll(TestInfra.latticeProperties());
        properties.putAll(Map.of(
                "spring.application.name",
                application.getSimpleName(),
                "lattice.client.port",
                0,
                "lattice.client.bind-address",
                "127.0.0.1",
                "lattice.metrics.port",
                0,
                "lattice.federation.port",
                0,
                "lattice.federation.bind-address",
                "127.0.0.1",
                "lattice.data-dir",
                dataDir.toString()));
        return new SpringApplicationBuilder(application).properties(properties).run();
    }

    private static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    private int whoami(int port, String token) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/_matrix/client/v3/account/whoami"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private HttpResponse<String> post(int port, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int get(int port, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
