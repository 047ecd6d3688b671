package dev.lattice.runtime.http;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The last route of every process: what no other route matched is {@code 405 M_UNRECOGNIZED} when the path is
 * served with other methods, and {@code 404 M_UNRECOGNIZED} otherwise.
 *
 * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#common-error-codes">Common error codes</a>
 */
public final class UnrecognizedRoutes {
    private final KnownRoutes knownRoutes;

    public UnrecognizedRoutes(KnownRoutes knownRoutes) {
        this.knownRoutes = requireNonNull(knownRoutes, "knownRoutes is null");
    }

    public RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route(RequestPredicates.all(), this::unrecognized);
    }

    private Mono<ServerResponse> unrecognized(ServerRequest request) {
        List<HttpMethod> allowed = knownRoutes.methodsAt(request.requestPath().pathWithinApplication());
        if (allowed.isEmpty()) {
            return Mono.error(new MatrixException(ErrorCode.UNRECOGNIZED, "Unrecognized request"));
        }
        return Mono.error(new MatrixException(ErrorCode.UNRECOGNIZED,
                request.method() + " is not allowed here; allowed: " + allowed).withHttpStatus(405));
    }
}
