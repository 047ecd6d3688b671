package dev.lattice.runtime.http;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders every failure as the spec's {@code {"errcode": ..., "error": ...}} body. Domain code throws
 * {@link MatrixException}; framework failures (no route, body too large, undecodable body) are mapped here once,
 * so handlers hold no error mapping of their own. Anything else is a bug: logged, and answered {@code 500 M_UNKNOWN}
 * without internals.
 */
public final class MatrixErrorHandler implements WebExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(MatrixErrorHandler.class);

    private final JsonMapper mapper;

    public MatrixErrorHandler(JsonMapper mapper) {
        this.mapper = requireNonNull(mapper, "mapper is null");
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        MatrixException error = toMatrixException(failure);
        if (error.status() >= 500) {
            log.error("{} {} failed", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), failure);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errcode", error.code().code());
        body.put("error", error.getMessage());
        body.putAll(error.extraFields());
        byte[] bytes = mapper.writeValueAsBytes(body);
        response.setStatusCode(HttpStatus.valueOf(error.status()));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(bytes.length);
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }

    static MatrixException toMatrixException(Throwable failure) {
        return switch (failure) {
            case MatrixException matrix -> matrix;
            case DataBufferLimitException tooLarge ->
                    new MatrixException(ErrorCode.TOO_LARGE, "Request body is too large");
            case DecodingException notJson -> new MatrixException(ErrorCode.NOT_JSON, "Request body is not JSON");
            case ResponseStatusException status -> fromStatus(status);
            default -> failure.getCause() instanceof DataBufferLimitException
                    ? new MatrixException(ErrorCode.TOO_LARGE, "Request body is too large")
                    : new MatrixException(ErrorCode.UNKNOWN, 500, "Internal server error");
        };
    }

    private static MatrixException fromStatus(ResponseStatusException status) {
        int code = status.getStatusCode().value();
        return switch (code) {
            case 404 -> new MatrixException(ErrorCode.UNRECOGNIZED, "Unrecognized request");
            case 405 -> new MatrixException(ErrorCode.UNRECOGNIZED, 405, "Method not allowed");
            case 413 -> new MatrixException(ErrorCode.TOO_LARGE, "Request body is too large");
            case 415 -> new MatrixException(ErrorCode.NOT_JSON, 400, "Request body is not JSON");
            default -> code >= 500
                    ? new MatrixException(ErrorCode.UNKNOWN, code, "Internal server error")
                    : new MatrixException(ErrorCode.UNKNOWN, code, reason(status));
        };
    }

    private static String reason(ResponseStatusException status) {
        String reason = status.getReason();
        return reason != null ? reason : status.getStatusCode().toString();
    }
}
