package dev.lattice.keyserver.routing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.keyserver.internal.KeyBackups;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Server-side key backup, {@code /_matrix/client/v3/room_keys/**} (<a
 * href="https://spec.matrix.org/v1.19/client-server-api/#server-side-key-backups">spec</a>): versions
 * ({@code POST/GET /version}, {@code GET/PUT/DELETE /version/{version}}) and keys ({@code PUT/GET/DELETE} on
 * {@code /keys}, {@code /keys/{roomId}}, {@code /keys/{roomId}/{sessionId}}, each with {@code ?version=}).
 */
public final class RoomKeyRoutes {
    private static final String BASE = "/_matrix/client/v3/room_keys";

    private final AccessTokens accessTokens;
    private final JsonBodies bodies;
    private final KeyBackups backups;

    public RoomKeyRoutes(AccessTokens accessTokens, JsonBodies bodies, KeyBackups backups) {
        this.accessTokens = requireNonNull(accessTokens, "accessTokens is null");
        this.bodies = requireNonNull(bodies, "bodies is null");
        this.backups = requireNonNull(backups, "backups is null");
    }

    public RouterFunction<ServerResponse> routes(MatrixRouter router) {
        return router.builder()
                .POST(
                        BASE + "/version",
                        request -> withBody(request, (user, body) -> backups.createVersion(user, body)))
                .GET(BASE + "/version", request -> call(request, user -> backups.getVersion(user, Optional.empty())))
                .GET(
                        BASE + "/version/{version}",
                        request -> call(
                                request,
                                user -> backups.getVersion(user, Optional.of(request.pathVariable("version")))))
                .PUT(
                        BASE + "/version/{version}",
                        request -> withBody(
                                request,
                                (user, body) -> backups.updateVersion(user, request.pathVariable("version"), body)))
                .DELETE(
                        BASE + "/version/{version}",
                        request -> call(request, user -> backups.deleteVersion(user, request.pathVariable("version"))))
                .PUT(BASE + "/keys", this::putKeys)
                .PUT(BASE + "/keys/{roomId}", this::putKeys)
                .PUT(BASE + "/keys/{roomId}/{sessionId}", this::putKeys)
                .GET(BASE + "/keys", this::getKeys)
                .GET(BASE + "/keys/{roomId}", this::getKeys)
                .GET(BASE + "/keys/{roomId}/{sessionId}", this::getKeys)
                .DELETE(BASE + "/keys", this::deleteKeys)
                .DELETE(BASE + "/keys/{roomId}", this::deleteKeys)
                .DELETE(BASE + "/keys/{roomId}/{sessionId}", this::deleteKeys)
                .build();
    }

    private Mono<ServerResponse> putKeys(ServerRequest request) {
        return withBody(
                request,
                (user, body) -> backups.putKeys(user, version(request), room(request), session(request), body));
    }

    private Mono<ServerResponse> getKeys(ServerRequest request) {
        return call(request, user -> backups.getKeys(user, version(request), room(request), session(request)));
    }

    private Mono<ServerResponse> deleteKeys(ServerRequest request) {
        return call(request, user -> backups.deleteKeys(user, version(request), room(request), session(request)));
    }

    private interface UserCall {
        Mono<JsonObject> apply(UserId user);
    }

    private interface UserBodyCall {
        Mono<JsonObject> apply(UserId user, JsonObject body);
    }

    private Mono<ServerResponse> call(ServerRequest request, UserCall call) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> call.apply(device.userId()))
                .flatMap(RoomKeyRoutes::ok);
    }

    private Mono<ServerResponse> withBody(ServerRequest request, UserBodyCall call) {
        return accessTokens
                .authenticate(request)
                .flatMap(device ->
                        bodies.readCanonicalObject(request).flatMap(body -> call.apply(device.userId(), body)))
                .flatMap(RoomKeyRoutes::ok);
    }

    private static Optional<String> version(ServerRequest request) {
        return request.queryParam("version").filter(value -> !value.isEmpty());
    }

    private static Optional<String> room(ServerRequest request) {
        return Optional.ofNullable(request.pathVariables().get("roomId"));
    }

    private static Optional<String> session(ServerRequest request) {
        return Optional.ofNullable(request.pathVariables().get("sessionId"));
    }

    private static Mono<ServerResponse> ok(JsonObject body) {
        return ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CanonicalJson.encodeToString(body).getBytes(UTF_8));
    }
}
