package dev.lattice.runtime.http;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies the way the spec asks: a body that is not JSON, or not UTF-8, is {@code 400 M_NOT_JSON}; JSON of the wrong
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

    /**
     * The body as a canonical JSON object, for endpoints whose input is signed, stored or relayed byte-exact: not
     * JSON (or no body) is {@code M_NOT_JSON}; not an object, floats, integers out of range, duplicate keys are
     * {@code M_BAD_JSON}.
     */
    public Mono<JsonObject> readCanonicalObject(ServerRequest request) {
        return canonicalObject(request)
                .switchIfEmpty(Mono.error(() -> new MatrixException(ErrorCode.NOT_JSON, "Request body is empty")));
    }

    /** As {@link #readCanonicalObject}, but no body (or an empty one) is the empty object. */
    public Mono<JsonObject> readCanonicalObjectOrEmpty(ServerRequest request) {
        return canonicalObject(request).defaultIfEmpty(JsonObject.EMPTY);
    }

    private Mono<JsonObject> canonicalObject(ServerRequest request) {
        return request.bodyToMono(byte[].class)
                .filter(bytes -> bytes.length > 0)
                .map(bytes -> {
                    if (!decode(bytes, JsonNode.class).isObject()) {
                        throw new MatrixException(ErrorCode.BAD_JSON, "Request body must be a JSON object");
                    }
                    try {
                        return CanonicalJson.parseObject(bytes);
                    } catch (CanonicalJsonException e) {
                        throw new MatrixException(
                                ErrorCode.BAD_JSON, "Request body is not canonical JSON: " + e.getMessage());
                    }
                });
    }

    /** Decodes {@code bytes} as {@code type} with the same error mapping as {@link #read}. */
    public <T> T decode(byte[] bytes, Class<T> type) {
        String text = strictUtf8(bytes);
        try {
            T value = mapper.readValue(text, type);
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

    /**
     * The body as text, refusing anything that is not well-formed UTF-8. JSON between systems must be UTF-8
     * (RFC 8259 §8.1) and Synapse decodes bodies strictly ({@code M_NOT_JSON} otherwise). Jackson's own byte
     * decoder is lenient: it reads an overlong {@code C0 AF} as {@code /} and code points above U+10FFFF, and guesses
     * UTF-16 from the first bytes; two servers reading the same bytes as different text must not happen, so the
     * bytes are checked here first (Java's decoder refuses overlong forms, surrogates and anything beyond U+10FFFF).
     */
    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            throw new MatrixException(ErrorCode.NOT_JSON, "Request body is not valid UTF-8");
        }
    }
}
