package dev.lattice.federationapi;

import dev.lattice.federationapi.routing.FederationAuthFilter;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Authenticated federation routes for tests, until real ones exist: {@code whoami} answers the authenticated origin,
 * {@code echo} also the body it received, and counts how often it ran. Registered as an extra source, not scanned.
 */
class TestRoutes {
    static final AtomicInteger echoes = new AtomicInteger();

    @Bean
    RouterFunction<ServerResponse> testFederationRoutes(MatrixRouter router, FederationAuthFilter authenticated) {
        return router.builder()
                .GET(
                        "/_matrix/federation/v1/test/whoami",
                        request -> ServerResponse.ok()
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(Map.of(
                                        "origin",
                                        FederationAuthFilter.origin(request).value())))
                .POST(
                        "/_matrix/federation/v1/test/echo",
                        request -> request.bodyToMono(String.class).flatMap(body -> {
                            echoes.incrementAndGet();
                            return ServerResponse.ok()
                                    .contentType(MediaType.APPLICATION_JSON)
                                    .bodyValue(Map.of(
                                            "origin",
                                            FederationAuthFilter.origin(request).value(),
                                            "body",
                                            body));
                        }))
                .build()
                .filter(authenticated);
    }
}
