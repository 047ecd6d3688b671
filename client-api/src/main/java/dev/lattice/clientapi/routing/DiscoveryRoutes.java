package dev.lattice.clientapi.routing;

import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** How clients and servers find this homeserver and what it speaks. */
@Configuration(proxyBeanMethods = false)
public class DiscoveryRoutes {

    /**
     * The spec versions we serve. All of v1.1–v1.19 use the {@code /v3/} paths this server implements; the legacy
     * {@code r0} paths are not served, so no {@code r0.x} version is claimed.
     */
    static final List<String> SUPPORTED_VERSIONS = List.of(
            "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10", "v1.11", "v1.12", "v1.13",
            "v1.14", "v1.15", "v1.16", "v1.17", "v1.18", "v1.19");

    /**
     * The unstable features served: Simplified Sliding Sync (MSC4186), which the matrix-rust-sdk (Element X) looks
     * for here before it uses it.
     */
    static final Map<String, Boolean> UNSTABLE_FEATURES = Map.of("org.matrix.simplified_msc3575", true);

    @Bean
    RouterFunction<ServerResponse> discoveryRouter(MatrixRouter router, LatticeProperties properties) {
        return router.builder()
                .GET("/_matrix/client/versions", request -> versions())
                .GET("/.well-known/matrix/client", request -> wellKnownClient(properties))
                .GET("/.well-known/matrix/server", request -> wellKnownServer(properties))
                .build();
    }

    /**
     * {@code GET /_matrix/client/versions}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientversions">spec</a>
     */
    private static Mono<ServerResponse> versions() {
        return json(Map.of("versions", SUPPORTED_VERSIONS, "unstable_features", UNSTABLE_FEATURES));
    }

    /**
     * {@code GET /.well-known/matrix/client}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#getwell-knownmatrixclient">spec</a>
     */
    private static Mono<ServerResponse> wellKnownClient(LatticeProperties properties) {
        Map<String, Object> homeserver = new LinkedHashMap<>();
        homeserver.put("base_url", clientBaseUrl(properties));
        return json(Map.of("m.homeserver", homeserver));
    }

    /**
     * {@code GET /.well-known/matrix/server}
     *
     * @see <a href="https://spec.matrix.org/v1.19/server-server-api/#getwell-knownmatrixserver">spec</a>
     */
    private static Mono<ServerResponse> wellKnownServer(LatticeProperties properties) {
        return json(Map.of("m.server", delegatedServer(properties)));
    }

    /** The configured public URL, or one derived from the server name and client port. */
    static String clientBaseUrl(LatticeProperties properties) {
        String configured = properties.client().publicBaseUrl();
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String host = ServerName.parse(properties.serverName()).host();
        return host.equals("localhost") || host.startsWith("127.")
                ? "http://" + host + ":" + properties.client().port()
                : "https://" + host;
    }

    /** The configured delegation, or the server name's host with the federation port. */
    static String delegatedServer(LatticeProperties properties) {
        String configured = properties.federation().delegatedServer();
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return ServerName.parse(properties.serverName()).host() + ":"
                + properties.federation().port();
    }

    private static Mono<ServerResponse> json(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }
}
