package dev.lattice.runtime.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /_lattice/health}: 200 when every dependency answers within two seconds, 503 otherwise, with one line per
 * dependency. Load balancers and Kubernetes probes use it; it is served on every listener.
 */
public final class HealthRoutes {
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final List<HealthCheck> checks;
    private final MatrixRouter router;

    public HealthRoutes(List<HealthCheck> checks, MatrixRouter router) {
        this.checks = List.copyOf(checks);
        this.router = requireNonNull(router, "router is null");
    }

    public RouterFunction<ServerResponse> routes() {
        return router.builder().GET("/_lattice/health", this::health).build();
    }

    private Mono<ServerResponse> health(ServerRequest request) {
        return Flux.fromIterable(checks)
                .flatMap(check -> check.check()
                        .timeout(CHECK_TIMEOUT)
                        .thenReturn(Map.entry(check.name(), "up"))
                        .onErrorResume(e -> Mono.just(Map.entry(check.name(), "down: " + e.getMessage()))))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
                .flatMap(results -> {
                    boolean up = results.values().stream().allMatch("up"::equals);
                    return ServerResponse.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                            .contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(Map.of("status", up ? "up" : "down", "checks", results));
                });
    }
}
