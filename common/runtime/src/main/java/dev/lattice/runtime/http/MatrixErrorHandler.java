package dev.lattice.runtime.http;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Renders every failure as the spec's {@code {"errcode": ..., "error": ...}} body. Domain code throws
 * {@link MatrixException}; framework failures (no route, body too large, undecodable body) are mapped here once,
 * including the spec's answers for what no route matched: {@code 405 M_UNRECOGNIZED} for a path served with other
 * methods (known from {@link KnownRoutes}), {@code 404 M_UNRECOGNIZED} otherwise. Handlers hold no error mapping of
 * their own. Anything else is a bug: logged, and answered {@code 500 M_UNKNOWN}
 * without internals.
 */
public final class MatrixErrorHandler implements WebExceptionHandler, Ordered {
    private static final Logger log = LoggerFactory.getLogger(MatrixErrorHandler.class);

    private final KnownRoutes knownRoutes;

    public MatrixErrorHandler(KnownRoutes knownRoutes) {
        this.knownRoutes = requireNonNull(knownRoutes, "knownRoutes is null");
    }

    /** Before Spring Boot's and WebFlux's own handlers, so every error gets the Matrix body. */
    @Override
    public int getOrder() {
        return -2;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        MatrixException error = isNoRoute(failure) ? unrecognized(exchange) : toMatrixException(failure);
        if (error.httpStatus() >= 500) {
            log.error(
                    "{} {} failed",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    failure);
        }
        byte[] bytes = CanonicalJson.encode(error.toJson());
        response.setStatusCode(HttpStatus.valueOf(error.httpStatus()));
        error.retryAfterMs()
                .ifPresent(ms -> response.getHeaders().set("Retry-After", Long.toString((ms + 999) / 1000)));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(bytes.length);
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }

    /** WebFlux found no handler for the request. */
    private static boolean isNoRoute(Throwable failure) {
        return failure instanceof ResponseStatusException status
                && status.getStatusCode().value() == 404;
    }

    /**
     * No route matched: {@code 405 M_UNRECOGNIZED} with an {@code Allow} header when the path is served with other
     * methods, else {@code 404 M_UNRECOGNIZED}.
     */
    private MatrixException unrecognized(ServerWebExchange exchange) {
        // The error handler sees the request as it came: a legacy r0 path is looked up as the v3 path it aliases.
        String aliased = exchange.getAttribute(LegacyPrefixFilter.ALIASED_PATH);
        List<HttpMethod> allowed = knownRoutes.methodsAt(
                aliased != null
                        ? PathContainer.parsePath(aliased)
                        : exchange.getRequest().getPath().pathWithinApplication());
        if (allowed.isEmpty()) {
            return new MatrixException(ErrorCode.UNRECOGNIZED, "Unrecognized request");
        }
        exchange.getResponse().getHeaders().setAllow(new LinkedHashSet<>(allowed));
        return new MatrixException(
                        ErrorCode.UNRECOGNIZED,
                        exchange.getRequest().getMethod() + " is not allowed here; allowed: " + allowed)
                .withHttpStatus(405);
    }

    static MatrixException toMatrixException(Throwable failure) {
        return switch (failure) {
            case MatrixException matrix -> matrix;
            case DataBufferLimitException tooLarge ->
                new MatrixException(ErrorCode.TOO_LARGE, "Request body is too large");
            case DecodingException notJson -> new MatrixException(ErrorCode.NOT_JSON, "Request body is not JSON");
            case ResponseStatusException status -> fromStatus(status);
            default ->
                failure.getCause() instanceof DataBufferLimitException
                        ? new MatrixException(ErrorCode.TOO_LARGE, "Request body is too large")
                        : new MatrixException(ErrorCode.UNKNOWN, "Internal server error").withHttpStatus(500);
        };
    }

    private static MatrixException fromStatus(ResponseStatusException status) {
        int code = status.getStatusCode().value();
        return switch (code) {
            case 405 -> new MatrixException(ErrorCode.UNRECOGNIZED, "Method not allowed").withHttpStatus(405);
            case 413 -> new MatrixException(ErrorCode.TOO_LARGE, "Request body is too large");
            case 415 -> new MatrixException(ErrorCode.NOT_JSON, "Request body is not JSON").withHttpStatus(400);
            default ->
                code >= 500
                        ? new MatrixException(ErrorCode.UNKNOWN, "Internal server error").withHttpStatus(code)
                        : new MatrixException(ErrorCode.UNKNOWN, reason(status)).withHttpStatus(code);
        };
    }

    private static String reason(ResponseStatusException status) {
        String reason = status.getReason();
        return reason != null ? reason : status.getStatusCode().toString();
    }
}
