package dev.lattice.runtime.http;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies the way the spec asks: a body that is not JSON is {@code 400 M_NOT_JSON}; JSON of the wrong
 * shape (missing or mistyped fields, excessive nesting, duplicate keys) is {@code 400 M_BAD_JSON}; an over-large
 * body is {@code 413 M_TOO_LARGE} (the codec limit). Handlers call this instead of {@code bodyToMono}.
 */
public final class JsonBodies {
    private final JsonMapper mapper;

    public JsonBodies(JsonMapper mapper) {
        this.mapper = requireNonNull(mapper, "mapper is null");
    }

    /** The body as {@code type}; an empty body is {@code M_NOT_JSON}. */
    public <T> Mono<T> read(ServerRequest request, Class<T> type) {
        return request.bodyToMono(byte[].class)
                .switchIfEmpty(Mono.error(() -> new MatrixException(ErrorCode.NOT_JSON, "Request body is empty")))
                .map(bytes -> decode(bytes, type));
    }

    /** Decodes {@code bytes} as {@code type} with the same error mapping as {@link #read}. */
    public <T> T decode(byte[] bytes, Class<T> type) {
        try {
            T value = mapper.readValue(bytes, type);
            if (value == null) {
                throw new MatrixException(ErrorCode.BAD_JSON, "Request body must be a JSON object, not null");
            }
            return value;
        } catch (StreamConstraintsException tooDeep) {
            throw new MatrixException(
                    ErrorCode.BAD_JSON, "Request body exceeds JSON limits: " + tooDeep.getOriginalMessage());
        } catch (StreamReadException notJson) {
            throw new MatrixException(
                    ErrorCode.NOT_JSON, "Request body is not valid JSON: " + notJson.getOriginalMessage());
        } catch (JacksonException badShape) {
            throw new MatrixException(
                    ErrorCode.BAD_JSON, "Request body has the wrong shape: " + badShape.getOriginalMessage());
        }
    }
}
