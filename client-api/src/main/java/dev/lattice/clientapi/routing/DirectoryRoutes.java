package dev.lattice.clientapi.routing;

import dev.lattice.api.federationapi.RemoteRoomsApi;
import dev.lattice.clientapi.internal.RoomDirectory;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Room aliases and the public room directory.
 * <ul>
 *   <li>{@code PUT/GET/DELETE /_matrix/client/v3/directory/room/{roomAlias}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3directoryroomroomalias">spec</a>; GET needs no access token</li>
 *   <li>{@code GET /_matrix/client/v3/rooms/{roomId}/aliases} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidaliases">spec</a></li>
 *   <li>{@code GET/PUT /_matrix/client/v3/directory/list/room/{roomId}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3directorylistroomroomid">spec</a>; GET needs no access token</li>
 *   <li>{@code GET/POST /_matrix/client/v3/publicRooms} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3publicrooms">spec</a>; GET needs no access token</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class DirectoryRoutes {
    private static final String ALIAS = "/_matrix/client/v3/directory/room/{roomAlias}";
    private static final String LIST = "/_matrix/client/v3/directory/list/room/{roomId}";
    private static final long DEFAULT_LIMIT = 100;

    @Bean
    RouterFunction<ServerResponse> directoryRouter(
            MatrixRouter router,
            JsonBodies bodies,
            AccessTokens accessTokens,
            RoomDirectory directory,
            ObjectProvider<RemoteRoomsApi> remote,
            LatticeProperties lattice) {
        return router.builder()
                .PUT(
                        ALIAS,
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> RoomRoutes.object(bodies, request, true)
                                        .flatMap(body ->
                                                directory.createAlias(device, request.pathVariable("roomAlias"), body)))
                                .flatMap(Responses::ok))
                .GET(
                        ALIAS,
                        request -> directory
                                .resolveAlias(request.pathVariable("roomAlias"))
                                .flatMap(Responses::ok))
                .DELETE(
                        ALIAS,
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> directory.deleteAlias(device, request.pathVariable("roomAlias")))
                                .flatMap(Responses::ok))
                .GET(
                        "/_matrix/client/v3/rooms/{roomId}/aliases",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> directory.aliases(device, request.pathVariable("roomId")))
                                .flatMap(Responses::ok))
                .GET(
                        LIST,
                        request -> directory
                                .visibility(request.pathVariable("roomId"))
                                .flatMap(Responses::ok))
                .PUT(
                        LIST,
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> RoomRoutes.object(bodies, request, false)
                                        .flatMap(body ->
                                                directory.setVisibility(device, request.pathVariable("roomId"), body)))
                                .flatMap(Responses::ok))
                .GET(
                        "/_matrix/client/v3/publicRooms",
                        request -> publicRooms(request, directory, remote, lattice, limit(request), null))
                .POST(
                        "/_matrix/client/v3/publicRooms",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> RoomRoutes.object(bodies, request, false))
                                .flatMap(body -> publicRooms(
                                        request,
                                        directory,
                                        remote,
                                        lattice,
                                        body.getInteger("limit")
                                                .filter(l -> l > 0)
                                                .orElse(DEFAULT_LIMIT),
                                        body.getObject("filter")
                                                .flatMap(f -> f.getString("generic_search_term"))
                                                .orElse(null))))
                .build();
    }

    /**
     * This server's directory, or with {@code ?server=} naming another server, that server's (federation
     * {@code /publicRooms}, answered as it was given).
     */
    private static Mono<ServerResponse> publicRooms(
            ServerRequest request,
            RoomDirectory directory,
            ObjectProvider<RemoteRoomsApi> remote,
            LatticeProperties lattice,
            long limit,
            String searchTerm) {
        Optional<String> server = request.queryParam("server").filter(name -> !name.equals(lattice.serverName()));
        if (server.isEmpty()) {
            return directory.publicRooms(limit, searchTerm).flatMap(Responses::ok);
        }
        ServerName other;
        try {
            other = ServerName.parse(server.get());
        } catch (InvalidIdException e) {
            return Mono.error(new MatrixException(ErrorCode.INVALID_PARAM, "Invalid server " + server.get()));
        }
        RemoteRoomsApi federation = remote.getIfAvailable();
        if (federation == null) {
            return Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "Other servers cannot be reached from here"));
        }
        return federation
                .queryRemotePublicRooms(other, limit, Optional.ofNullable(searchTerm))
                .flatMap(answer -> Responses.okRaw(CanonicalJson.encodeToString(answer)));
    }

    private static long limit(ServerRequest request) {
        return request.queryParam("limit")
                .flatMap(value -> {
                    try {
                        return java.util.Optional.of(Long.parseLong(value)).filter(l -> l > 0);
                    } catch (NumberFormatException e) {
                        return java.util.Optional.empty();
                    }
                })
                .orElse(DEFAULT_LIMIT);
    }
}
