package dev.lattice.mediaapi.routing;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.mediaapi.internal.MediaAdmin;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Synapse's media admin API, the paths and answers operators and their tools (synadm, the admin UIs) already use.
 * Every call needs the access token of a server administrator (else 403 {@code M_FORBIDDEN}).
 *
 * @see <a href="https://element-hq.github.io/synapse/latest/admin_api/media_admin_api.html">Synapse's media admin
 *     API</a>
 */
public final class MediaAdminRoutes {
    private static final String ADMIN = "/_synapse/admin/v1";

    private final AccessTokens accessTokens;
    private final Supplier<UserApi> users;
    private final MediaAdmin admin;

    public MediaAdminRoutes(AccessTokens accessTokens, Supplier<UserApi> users, MediaAdmin admin) {
        this.accessTokens = requireNonNull(accessTokens, "accessTokens is null");
        this.users = requireNonNull(users, "users is null");
        this.admin = requireNonNull(admin, "admin is null");
    }

    public RouterFunction<ServerResponse> routes(MatrixRouter router) {
        return router.builder()
                .POST(
                        ADMIN + "/media/quarantine/{serverName}/{mediaId}",
                        request -> asAdmin(
                                request,
                                by -> admin.setQuarantined(
                                                request.pathVariable("serverName"),
                                                request.pathVariable("mediaId"),
                                                Optional.of(by))
                                        .thenReturn(JsonObject.EMPTY)))
                .POST(
                        ADMIN + "/media/unquarantine/{serverName}/{mediaId}",
                        request -> asAdmin(
                                request,
                                by -> admin.setQuarantined(
                                                request.pathVariable("serverName"),
                                                request.pathVariable("mediaId"),
                                                Optional.empty())
                                        .thenReturn(JsonObject.EMPTY)))
                .POST(
                        ADMIN + "/user/{userId}/media/quarantine",
                        request -> asAdmin(
                                request,
                                by -> admin.quarantineMediaOf(user(request), by)
                                        .map(count -> new JsonObjectBuilder()
                                                .put("num_quarantined", count)
                                                .build())))
                .DELETE(
                        ADMIN + "/media/{serverName}/{mediaId}",
                        request -> asAdmin(
                                request,
                                by -> admin.delete(request.pathVariable("serverName"), request.pathVariable("mediaId"))
                                        .map(MediaAdminRoutes::deleted)))
                .DELETE(
                        ADMIN + "/users/{userId}/media",
                        request -> asAdmin(
                                request,
                                by -> admin.deleteMediaOf(user(request)).map(MediaAdminRoutes::deleted)))
                .POST(
                        ADMIN + "/purge_media_cache",
                        request -> asAdmin(
                                request,
                                by -> admin.purgeRemoteMediaBefore(beforeTs(request))
                                        .map(count -> new JsonObjectBuilder()
                                                .put("deleted", count)
                                                .build())))
                .build();
    }

    /** Runs {@code action} for a server administrator; 403 {@code M_FORBIDDEN} for anyone else. */
    private Mono<ServerResponse> asAdmin(ServerRequest request, Function<UserId, Mono<JsonObject>> action) {
        return accessTokens
                .authenticate(request)
                .map(AuthenticatedDevice::userId)
                .filterWhen(user -> users.get().queryIsAdmin(user))
                .switchIfEmpty(Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "You are not a server admin")))
                .flatMap(user -> Mono.defer(() -> action.apply(user)))
                .flatMap(body -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(CanonicalJson.encode(body)));
    }

    private static UserId user(ServerRequest request) {
        try {
            return UserId.parse(request.pathVariable("userId"));
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid user ID: " + e.getMessage());
        }
    }

    /** {@code before_ts}, required: milliseconds since the epoch. */
    private static long beforeTs(ServerRequest request) {
        String value = request.queryParam("before_ts")
                .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "before_ts is required"));
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "before_ts must be an integer");
        }
    }

    private static JsonObject deleted(List<String> mediaIds) {
        return new JsonObjectBuilder()
                .putStrings("deleted_media", mediaIds)
                .put("total", mediaIds.size())
                .build();
    }
}
