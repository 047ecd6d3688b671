package dev.lattice.keyserver.routing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.keyserver.internal.CrossSigning;
import dev.lattice.keyserver.internal.Keys;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The keyserver's client endpoints. Each handler decodes the request, makes one call, and encodes the answer.
 *
 * <ul>
 *   <li>{@code POST /_matrix/client/v3/keys/upload} — <a
 *       href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysupload">spec</a>
 *   <li>{@code POST /_matrix/client/v3/keys/query} — <a
 *       href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysquery">spec</a>
 *   <li>{@code POST /_matrix/client/v3/keys/signatures/upload} — <a
 *       href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keyssignaturesupload">spec</a>
 *   <li>{@code POST /_matrix/client/v3/keys/claim} — <a
 *       href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysclaim">spec</a>
 * </ul>
 */
public final class KeyRoutes {
    private final AccessTokens accessTokens;
    private final JsonBodies bodies;
    private final Keys keys;
    private final CrossSigning crossSigning;

    public KeyRoutes(AccessTokens accessTokens, JsonBodies bodies, Keys keys, CrossSigning crossSigning) {
        this.accessTokens = requireNonNull(accessTokens, "accessTokens is null");
        this.bodies = requireNonNull(bodies, "bodies is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.crossSigning = requireNonNull(crossSigning, "crossSigning is null");
    }

    public RouterFunction<ServerResponse> routes(MatrixRouter router) {
        return router.builder()
                .POST(
                        "/_matrix/client/v3/keys/upload",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device ->
                                        bodies.readCanonicalObject(request).flatMap(body -> keys.upload(device, body)))
                                .flatMap(KeyRoutes::ok))
                .POST(
                        "/_matrix/client/v3/keys/query",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.readCanonicalObject(request)
                                        .flatMap(body -> keys.query(device.userId(), body)))
                                .map(CanonicalJson::encodeToString)
                                .flatMap(KeyRoutes::ok))
                .POST(
                        "/_matrix/client/v3/keys/signatures/upload",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.readCanonicalObject(request)
                                        .flatMap(body -> crossSigning.uploadSignatures(device.userId(), body)))
                                .map(CanonicalJson::encodeToString)
                                .flatMap(KeyRoutes::ok))
                .POST(
                        "/_matrix/client/v3/keys/claim",
                        request -> accessTokens
                                .authenticate(request)
                                .then(bodies.readCanonicalObject(request))
                                .flatMap(keys::claim)
                                .map(CanonicalJson::encodeToString)
                                .flatMap(KeyRoutes::ok))
                .build();
    }

    private static Mono<ServerResponse> ok(String json) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json.getBytes(UTF_8));
    }
}
