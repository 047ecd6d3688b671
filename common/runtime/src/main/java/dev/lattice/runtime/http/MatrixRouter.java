package dev.lattice.runtime.http;

import static java.util.Objects.requireNonNull;

import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Builds a service's route table and records each route in {@link KnownRoutes}, so unknown methods and paths get
 * the spec's {@code M_UNRECOGNIZED} answers. Each service's {@code XxxRoutes} uses it:
 *
 * <pre>{@code
 * return router.builder()
 *     .GET("/_matrix/client/versions", versions::get)
 *     .build();
 * }</pre>
 */
public final class MatrixRouter {
    private final KnownRoutes knownRoutes;

    public MatrixRouter(KnownRoutes knownRoutes) {
        this.knownRoutes = requireNonNull(knownRoutes, "knownRoutes is null");
    }

    public Builder builder() {
        return new Builder();
    }

    /** Accumulates routes; each method registers the route and returns this builder. */
    public final class Builder {
        private final RouterFunctions.Builder delegate = RouterFunctions.route();

        public Builder GET(String pattern, HandlerFunction<ServerResponse> handler) {
            return add(HttpMethod.GET, pattern, handler);
        }

        public Builder POST(String pattern, HandlerFunction<ServerResponse> handler) {
            return add(HttpMethod.POST, pattern, handler);
        }

        public Builder PUT(String pattern, HandlerFunction<ServerResponse> handler) {
            return add(HttpMethod.PUT, pattern, handler);
        }

        public Builder DELETE(String pattern, HandlerFunction<ServerResponse> handler) {
            return add(HttpMethod.DELETE, pattern, handler);
        }

        private Builder add(HttpMethod method, String pattern, HandlerFunction<ServerResponse> handler) {
            knownRoutes.add(method, PathPatternParser.defaultInstance.parse(pattern));
            delegate.route(RequestPredicates.method(method).and(RequestPredicates.path(pattern)), handler);
            return this;
        }

        public RouterFunction<ServerResponse> build() {
            return delegate.build();
        }
    }
}
