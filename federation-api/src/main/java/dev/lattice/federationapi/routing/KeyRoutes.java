package dev.lattice.federationapi.routing;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.internal.KeyRing;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The notary endpoints: other servers' keys as we know them, co-signed by us. Unauthenticated, as the spec has them. */
final class KeyRoutes {
    /** A bound on one key query body; a query naming every server on the network is still far smaller. */
    static final int MAX_QUERY_BYTES = 1024 * 1024;

    private final KeyRing keyRing;
    private final Clock clock;

    KeyRoutes(KeyRing keyRing, Clock clock) {
        this.keyRing = requireNonNull(keyRing, "keyRing is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * {@code GET /_matrix/key/v2/query/{serverName}}
     *
     * @see <a href="https://spec.matrix.org/v1.19/server-server-api/#get_matrixkeyv2queryservername">spec</a>
     */
    Mono<ServerResponse> queryOne(ServerRequest request) {
        ServerName server = serverName(request.pathVariable("serverName"));
        long minimum = request.queryParam("minimum_valid_until_ts")
                .map(KeyRoutes::timestamp)
                .orElseGet(clock::millis);
        return keyRing.keyResponse(server, minimum)
                .map(found -> found.map(List::of).orElseGet(List::of))
                .flatMap(this::answer);
    }

    /**
     * {@code POST /_matrix/key/v2/query}
     *
     * @see <a href="https://spec.matrix.org/v1.19/server-server-api/#post_matrixkeyv2query">spec</a>
     */
    Mono<ServerResponse> queryMany(ServerRequest request) {
        return request.bodyToMono(byte[].class)
                .switchIfEmpty(Mono.error(() -> new MatrixException(ErrorCode.NOT_JSON, "Request body is empty")))
                .map(this::criteria)
                .flatMap(keyRing::keyResponses)
                .flatMap(this::answer);
    }

    /** Each queried server with the latest {@code minimum_valid_until_ts} asked for any of its keys (else now). */
    private Map<ServerName, Long> criteria(byte[] body) {
        CanonicalJsonValue parsed;
        try {
            parsed = CanonicalJson.parse(body, MAX_QUERY_BYTES);
        } catch (CanonicalJsonException e) {
            throw new MatrixException(
                    switch (e.reason()) {
                        case SYNTAX, INVALID_UTF8, TRAILING_DATA -> ErrorCode.NOT_JSON;
                        case TOO_LARGE -> ErrorCode.TOO_LARGE;
                        case FLOAT, EXPONENT, NEGATIVE_ZERO, INTEGER_OUT_OF_RANGE, DUPLICATE_KEY, TOO_DEEP ->
                            ErrorCode.BAD_JSON;
                    },
                    "Request body is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof JsonObject query)) {
            throw new MatrixException(ErrorCode.BAD_JSON, "Request body must be a JSON object");
        }
        JsonObject servers = query.getObject("server_keys")
                .orElseThrow(() -> new MatrixException(ErrorCode.BAD_JSON, "server_keys must be an object"));
        long now = clock.millis();
        Map<ServerName, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, CanonicalJsonValue> server : servers.members().entrySet()) {
            if (!(server.getValue() instanceof JsonObject keyIds)) {
                throw new MatrixException(ErrorCode.BAD_JSON, "server_keys." + server.getKey() + " must be an object");
            }
            long minimum = now;
            for (Map.Entry<String, CanonicalJsonValue> keyId : keyIds.members().entrySet()) {
                if (!(keyId.getValue() instanceof JsonObject criteria)) {
                    throw new MatrixException(ErrorCode.BAD_JSON, "query criteria must be objects");
                }
                Optional<CanonicalJsonValue> asked = criteria.get("minimum_valid_until_ts");
                if (asked.isPresent()) {
                    minimum = Math.max(
                            minimum,
                            criteria.getInteger("minimum_valid_until_ts")
                                    .orElseThrow(() -> new MatrixException(
                                            ErrorCode.BAD_JSON, "minimum_valid_until_ts must be an integer")));
                }
            }
            out.put(serverName(server.getKey()), minimum);
        }
        return out;
    }

    private Mono<ServerResponse> answer(List<JsonObject> responses) {
        return ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CanonicalJson.encode(keyRing.coSigned(responses)));
    }

    private static ServerName serverName(String value) {
        try {
            return ServerName.parse(value);
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Not a server name: " + value);
        }
    }

    private static long timestamp(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "minimum_valid_until_ts must be an integer");
        }
    }
}
