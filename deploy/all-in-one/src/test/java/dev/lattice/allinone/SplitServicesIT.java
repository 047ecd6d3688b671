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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

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

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest
    @MethodSource("services")
    void startsAloneAndServesOnlyItsOwnRoutes(Service service) throws Exception {
        Map<String, Object> properties = new java.util.HashMap<>(LatticeApplication.defaults());
        properties.putAll(TestInfra.latticeProperties());
        properties.putAll(Map.of(
                "spring.application.name",
                service.application().getSimpleName(),
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
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(service.application())
                .properties(properties)
                .run()) {
            int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
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

    private int get(int port, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
