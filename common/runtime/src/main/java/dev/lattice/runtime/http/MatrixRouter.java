package dev.lattice.runtime.http;

import static java.util.Objects.requireNonNull;

import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.pattern.PathPattern;
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

        /**
         * A GET route, which serves HEAD too: RFC 9110 §9.1 asks general-purpose servers to support HEAD, answered
         * as GET without a body (WebFlux drops the body of a HEAD answer), as Synapse does; monitoring and link
         * checkers send HEAD, and a 405 there would be wrong.
         */
        public Builder GET(String pattern, HandlerFunction<ServerResponse> handler) {
            return add(pattern, handler, HttpMethod.GET, HttpMethod.HEAD);
        }

        public Builder POST(String pattern, HandlerFunction<ServerResponse> handler) {
            return add(pattern, handler, HttpMethod.POST);
        }

        public Builder PUT(String pattern, HandlerFunction<ServerResponse> handler) {
            return add(pattern, handler, HttpMethod.PUT);
        }

        public Builder DELETE(String pattern, HandlerFunction<ServerResponse> handler) {
            return add(pattern, handler, HttpMethod.DELETE);
        }

        private Builder add(String pattern, HandlerFunction<ServerResponse> handler, HttpMethod... methods) {
            PathPattern parsed = PathPatternParser.defaultInstance.parse(pattern);
            for (HttpMethod method : methods) {
                knownRoutes.add(method, parsed);
            }
            delegate.route(RequestPredicates.methods(methods).and(RequestPredicates.path(pattern)), handler);
            return this;
        }

        public RouterFunction<ServerResponse> build() {
            return delegate.build();
        }
    }
}
