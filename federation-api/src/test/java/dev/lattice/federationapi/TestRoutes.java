package dev.lattice.federationapi;

import dev.lattice.federationapi.routing.FederationAuthFilter;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Sinks;

/**
 * Authenticated federation routes for tests, until real ones exist: {@code whoami} answers the authenticated origin,
 * {@code echo} also the body it received, and counts how often it ran; {@code hold} answers only once {@link #held}
 * completes. Registered as an extra source, not scanned.
 */
class TestRoutes {
    static final AtomicInteger echoes = new AtomicInteger();
    /** {@code hold} answers once this completes; how many it has started to hold. */
    static final AtomicReference<Sinks.Empty<Void>> held = new AtomicReference<>(Sinks.empty());

    static final AtomicInteger holding = new AtomicInteger();

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
                .GET("/_matrix/federation/v1/test/hold", request -> {
                    holding.incrementAndGet();
                    return held.get()
                            .asMono()
                            .then(ServerResponse.ok()
                                    .contentType(MediaType.APPLICATION_JSON)
                                    .bodyValue(Map.of("held", true)));
                })
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
