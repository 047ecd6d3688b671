package dev.lattice.clientapi.routing;

import static dev.lattice.clientapi.internal.Rooms.MembershipAction.BAN;
import static dev.lattice.clientapi.internal.Rooms.MembershipAction.INVITE;
import static dev.lattice.clientapi.internal.Rooms.MembershipAction.KICK;
import static dev.lattice.clientapi.internal.Rooms.MembershipAction.UNBAN;

import dev.lattice.clientapi.internal.RoomCreation;
import dev.lattice.clientapi.internal.RoomUpgrades;
import dev.lattice.clientapi.internal.Rooms;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Rooms: creation, events, state and membership; access token.
 * <ul>
 *   <li>{@code POST /_matrix/client/v3/createRoom} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3createroom">spec</a></li>
 *   <li>{@code PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid">spec</a></li>
 *   <li>{@code PUT/GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidstateeventtypestatekey">spec</a></li>
 *   <li>{@code GET /_matrix/client/v3/rooms/{roomId}/state} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidstate">spec</a></li>
 *   <li>{@code GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidtimestamp_to_event">spec</a></li>
 *   <li>{@code GET /_matrix/client/v3/joined_rooms} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3joined_rooms">spec</a></li>
 *   <li>{@code POST /_matrix/client/v3/rooms/{roomId}/join}, {@code POST /_matrix/client/v3/join/{roomIdOrAlias}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3joinroomidoralias">spec</a></li>
 *   <li>{@code POST /_matrix/client/v3/rooms/{roomId}/forget} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidforget">spec</a></li>
 *   <li>{@code POST /_matrix/client/v3/rooms/{roomId}/leave|invite|kick|ban|unban} — <a href="https://spec.matrix.org/v1.19/client-server-api/#room-membership">spec</a></li>
 *   <li>{@code PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidredacteventidtxnid">spec</a></li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class RoomRoutes {
    private static final String ROOM = "/_matrix/client/v3/rooms/{roomId}";

    @Bean
    RouterFunction<ServerResponse> roomRouter(
            MatrixRouter router,
            JsonBodies bodies,
            AccessTokens accessTokens,
            RoomCreation creation,
            Rooms rooms,
            RoomUpgrades upgrades) {
        return router.builder()
                .POST(
                        "/_matrix/client/v3/createRoom",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device ->
                                        object(bodies, request, true).flatMap(body -> creation.create(device, body)))
                                .flatMap(Responses::ok))
                .PUT(
                        ROOM + "/send/{eventType}/{txnId}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> object(bodies, request, true)
                                        .flatMap(content -> rooms.send(
                                                device,
                                                request.pathVariable("roomId"),
                                                request.pathVariable("eventType"),
                                                request.pathVariable("txnId"),
                                                content)))
                                .flatMap(Responses::ok))
                .PUT(
                        ROOM + "/state/{eventType}/{stateKey}",
                        request -> putState(bodies, accessTokens, rooms, request, request.pathVariable("stateKey")))
                .PUT(ROOM + "/state/{eventType}", request -> putState(bodies, accessTokens, rooms, request, ""))
                .PUT(ROOM + "/state/{eventType}/", request -> putState(bodies, accessTokens, rooms, request, ""))
                .GET(
                        ROOM + "/state/{eventType}/{stateKey}",
                        request -> getState(accessTokens, rooms, request, request.pathVariable("stateKey")))
                .GET(ROOM + "/state/{eventType}", request -> getState(accessTokens, rooms, request, ""))
                .GET(ROOM + "/state/{eventType}/", request -> getState(accessTokens, rooms, request, ""))
                .GET(
                        ROOM + "/state",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> rooms.state(device, request.pathVariable("roomId")))
                                .flatMap(Responses::okRaw))
                .GET(
                        "/_matrix/client/v1/rooms/{roomId}/timestamp_to_event",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> rooms.timestampToEvent(
                                        device,
                                        request.pathVariable("roomId"),
                                        request.queryParam("ts"),
                                        request.queryParam("dir")))
                                .flatMap(Responses::ok))
                .GET(
                        "/_matrix/client/v3/joined_rooms",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(rooms::joinedRooms)
                                .flatMap(Responses::ok))
                .POST(ROOM + "/join", request -> join(bodies, accessTokens, rooms, request, "roomId"))
                .POST(
                        "/_matrix/client/v3/join/{roomIdOrAlias}",
                        request -> join(bodies, accessTokens, rooms, request, "roomIdOrAlias"))
                .POST(
                        ROOM + "/upgrade",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> object(bodies, request, true)
                                        .flatMap(
                                                body -> upgrades.upgrade(device, request.pathVariable("roomId"), body)))
                                .flatMap(Responses::ok))
                .POST(
                        "/_matrix/client/v3/knock/{roomIdOrAlias}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> object(bodies, request, false)
                                        .flatMap(body -> rooms.knock(
                                                device, request.pathVariable("roomIdOrAlias"), body, via(request))))
                                .flatMap(Responses::ok))
                .POST(
                        ROOM + "/leave",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> object(bodies, request, false)
                                        .flatMap(body -> rooms.leave(device, request.pathVariable("roomId"), body)))
                                .flatMap(Responses::ok))
                .POST(
                        ROOM + "/forget",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> rooms.forget(device, request.pathVariable("roomId")))
                                .flatMap(Responses::ok))
                .POST(ROOM + "/invite", request -> membership(bodies, accessTokens, rooms, request, INVITE))
                .POST(ROOM + "/kick", request -> membership(bodies, accessTokens, rooms, request, KICK))
                .POST(ROOM + "/ban", request -> membership(bodies, accessTokens, rooms, request, BAN))
                .POST(ROOM + "/unban", request -> membership(bodies, accessTokens, rooms, request, UNBAN))
                .PUT(
                        ROOM + "/redact/{eventId}/{txnId}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> object(bodies, request, false)
                                        .flatMap(content -> rooms.redact(
                                                device,
                                                request.pathVariable("roomId"),
                                                request.pathVariable("eventId"),
                                                request.pathVariable("txnId"),
                                                content)))
                                .flatMap(Responses::ok))
                .build();
    }

    private static Mono<ServerResponse> putState(
            JsonBodies bodies, AccessTokens accessTokens, Rooms rooms, ServerRequest request, String stateKey) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> object(bodies, request, true)
                        .flatMap(content -> rooms.putState(
                                device,
                                request.pathVariable("roomId"),
                                request.pathVariable("eventType"),
                                stateKey,
                                content)))
                .flatMap(Responses::ok);
    }

    private static Mono<ServerResponse> getState(
            AccessTokens accessTokens, Rooms rooms, ServerRequest request, String stateKey) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> rooms.stateEvent(
                        device,
                        request.pathVariable("roomId"),
                        request.pathVariable("eventType"),
                        stateKey,
                        request.queryParam("format").orElse("content")))
                .flatMap(Responses::okRaw);
    }

    private static Mono<ServerResponse> join(
            JsonBodies bodies, AccessTokens accessTokens, Rooms rooms, ServerRequest request, String variable) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> object(bodies, request, false)
                        .flatMap(body -> rooms.join(device, request.pathVariable(variable), body, via(request))))
                .flatMap(Responses::ok);
    }

    /**
     * The servers to join through: {@code via} (spec v1.12) and the deprecated {@code server_name}, which clients still
     * send; malformed names are a 400 {@code M_INVALID_PARAM}.
     */
    static List<ServerName> via(ServerRequest request) {
        List<String> names = new ArrayList<>(request.queryParams().getOrDefault("via", List.of()));
        names.addAll(request.queryParams().getOrDefault("server_name", List.of()));
        List<ServerName> servers = new ArrayList<>();
        for (String name : names) {
            try {
                servers.add(ServerName.parse(name));
            } catch (InvalidIdException e) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid server name in via: " + name);
            }
        }
        return servers;
    }

    private static Mono<ServerResponse> membership(
            JsonBodies bodies,
            AccessTokens accessTokens,
            Rooms rooms,
            ServerRequest request,
            Rooms.MembershipAction action) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> object(bodies, request, true)
                        .flatMap(body -> rooms.changeMembership(
                                device, request.pathVariable("roomId"), Rooms.target(body), action, body)))
                .flatMap(Responses::ok);
    }

    /** The body as a canonical JSON object ({@link JsonBodies#readCanonicalObject}); optional bodies read as {}. */
    static Mono<JsonObject> object(JsonBodies bodies, ServerRequest request, boolean required) {
        return required ? bodies.readCanonicalObject(request) : bodies.readCanonicalObjectOrEmpty(request);
    }
}
