package dev.lattice.federationapi.routing;

import dev.lattice.api.clientapi.PublicRoomsApi;
import dev.lattice.api.keyserver.LocalKeysApi;
import dev.lattice.federationapi.internal.InboundInvites;
import dev.lattice.federationapi.internal.InboundJoins;
import dev.lattice.federationapi.internal.InboundReads;
import dev.lattice.federationapi.internal.InboundTransactions;
import dev.lattice.federationapi.internal.ServerAcls;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The authenticated room traffic between servers: transactions, joins, and reads of rooms, profiles and aliases. */
@Configuration(proxyBeanMethods = false)
public class TransactionRoutes {

    /**
     * {@code PUT /_matrix/federation/v1/send/{txnId}}
     *
     * @see <a href="https://spec.matrix.org/v1.19/server-server-api/#put_matrixfederationv1sendtxnid">spec</a>
     */
    @Bean
    RouterFunction<ServerResponse> transactionRouter(
            MatrixRouter router,
            FederationAuthFilter auth,
            InboundTransactions transactions,
            InboundJoins joins,
            InboundReads reads,
            InboundInvites invites,
            ServerAcls acls,
            ObjectProvider<LocalKeysApi> keys,
            ObjectProvider<PublicRoomsApi> directory) {
        return router.builder()
                .PUT(
                        "/_matrix/federation/v1/send/{txnId}",
                        json(request -> transactions.receive(
                                FederationAuthFilter.origin(request),
                                request.pathVariable("txnId"),
                                FederationAuthFilter.content(request))))
                .GET(
                        "/_matrix/federation/v1/make_join/{roomId}/{userId}",
                        roomJson(
                                acls,
                                request -> joins.makeJoin(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "userId", UserId::parse),
                                        request.queryParams().getOrDefault("ver", List.of()))))
                .PUT(
                        "/_matrix/federation/v2/send_join/{roomId}/{eventId}",
                        roomJson(
                                acls,
                                request -> joins.sendJoin(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "eventId", EventId::parse),
                                        FederationAuthFilter.content(request),
                                        request.queryParam("omit_members")
                                                .filter("true"::equals)
                                                .isPresent())))
                .GET(
                        "/_matrix/federation/v1/make_leave/{roomId}/{userId}",
                        roomJson(
                                acls,
                                request -> joins.makeLeave(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "userId", UserId::parse))))
                .PUT(
                        "/_matrix/federation/v2/send_leave/{roomId}/{eventId}",
                        roomJson(
                                acls,
                                request -> joins.sendLeave(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "eventId", EventId::parse),
                                        FederationAuthFilter.content(request))))
                .GET(
                        "/_matrix/federation/v1/make_knock/{roomId}/{userId}",
                        roomJson(
                                acls,
                                request -> joins.makeKnock(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "userId", UserId::parse),
                                        request.queryParams().getOrDefault("ver", List.of()))))
                .PUT(
                        "/_matrix/federation/v1/send_knock/{roomId}/{eventId}",
                        roomJson(
                                acls,
                                request -> joins.sendKnock(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "eventId", EventId::parse),
                                        FederationAuthFilter.content(request))))
                .PUT(
                        "/_matrix/federation/v2/invite/{roomId}/{eventId}",
                        roomJson(
                                acls,
                                request -> invites.invite(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "eventId", EventId::parse),
                                        FederationAuthFilter.content(request))))
                .GET(
                        "/_matrix/federation/v1/event/{eventId}",
                        json(request -> reads.event(
                                FederationAuthFilter.origin(request), path(request, "eventId", EventId::parse))))
                .GET(
                        "/_matrix/federation/v1/state_ids/{roomId}",
                        roomJson(
                                acls,
                                request -> reads.stateIds(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        query(request, "event_id", EventId::parse))))
                .GET(
                        "/_matrix/federation/v1/state/{roomId}",
                        roomJson(
                                acls,
                                request -> reads.state(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        query(request, "event_id", EventId::parse))))
                .GET(
                        "/_matrix/federation/v1/event_auth/{roomId}/{eventId}",
                        roomJson(
                                acls,
                                request -> reads.eventAuth(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "eventId", EventId::parse))))
                .POST(
                        "/_matrix/federation/v1/get_missing_events/{roomId}",
                        roomJson(
                                acls,
                                request -> reads.missingEvents(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        FederationAuthFilter.content(request))))
                .GET(
                        "/_matrix/federation/v1/backfill/{roomId}",
                        roomJson(
                                acls,
                                request -> reads.backfill(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        request.queryParams().getOrDefault("v", List.of()),
                                        query(request, "limit", TransactionRoutes::positive))))
                .GET(
                        "/_matrix/federation/v1/timestamp_to_event/{roomId}",
                        roomJson(
                                acls,
                                request -> reads.timestampToEvent(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        query(request, "ts", Long::parseLong),
                                        query(request, "dir", TransactionRoutes::forwards))))
                .GET(
                        "/_matrix/federation/v1/query/profile",
                        json(request ->
                                reads.profile(query(request, "user_id", UserId::parse), request.queryParam("field"))))
                .GET(
                        "/_matrix/federation/v1/query/directory",
                        json(request -> reads.directory(query(request, "room_alias", RoomAliasId::parse))))
                .GET(
                        "/_matrix/federation/v1/publicRooms",
                        request -> directory
                                .getObject()
                                .queryPublicRooms(publicRoomsLimit(request.queryParam("limit")), Optional.empty())
                                .flatMap(TransactionRoutes::okMap))
                .POST(
                        "/_matrix/federation/v1/publicRooms",
                        request -> Mono.defer(() -> {
                                    JsonObject body = FederationAuthFilter.content(request);
                                    return directory
                                            .getObject()
                                            .queryPublicRooms(
                                                    body.getInteger("limit")
                                                            .filter(l -> l > 0)
                                                            .orElse(DEFAULT_PUBLIC_ROOMS),
                                                    body.getObject("filter")
                                                            .flatMap(f -> f.getString("generic_search_term")));
                                })
                                .flatMap(TransactionRoutes::okMap))
                .POST(
                        "/_matrix/federation/v1/user/keys/query",
                        json(request -> keys.getObject().queryLocalKeys(FederationAuthFilter.content(request))))
                .POST(
                        "/_matrix/federation/v1/user/keys/claim",
                        json(request -> keys.getObject().claimLocalKeys(FederationAuthFilter.content(request))))
                .GET(
                        "/_matrix/federation/v1/user/devices/{userId}",
                        json(request -> keys.getObject().queryLocalDevices(path(request, "userId", UserId::parse))))
                .build()
                .filter(auth);
    }

    /** How many rooms {@code /publicRooms} lists when the request names no limit. */
    private static final long DEFAULT_PUBLIC_ROOMS = 100;

    private static long publicRoomsLimit(Optional<String> limit) {
        try {
            return limit.map(Long::parseLong).filter(l -> l > 0).orElse(DEFAULT_PUBLIC_ROOMS);
        } catch (NumberFormatException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid limit");
        }
    }

    private static Mono<ServerResponse> okMap(Map<String, Object> body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    /** {@link #json}, for a room's endpoint: refused with 403 {@code M_FORBIDDEN} when the room's ACL denies the origin. */
    private static HandlerFunction<ServerResponse> roomJson(
            ServerAcls acls, Function<ServerRequest, Mono<JsonObject>> handler) {
        return json(request -> acls.check(path(request, "roomId", RoomId::parse), FederationAuthFilter.origin(request))
                .then(Mono.defer(() -> handler.apply(request))));
    }

    /** A handler answering 200 with the object {@code handler} gives; what it throws becomes the error answer. */
    private static HandlerFunction<ServerResponse> json(Function<ServerRequest, Mono<JsonObject>> handler) {
        return request -> Mono.defer(() -> handler.apply(request)).flatMap(TransactionRoutes::ok);
    }

    private static Mono<ServerResponse> ok(JsonObject body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(CanonicalJson.encode(body));
    }

    /** A required query parameter, parsed; missing is 400 {@code M_MISSING_PARAM}, malformed 400 {@code M_INVALID_PARAM}. */
    static <T> T query(ServerRequest request, String name, Function<String, T> parser) {
        String value = request.queryParam(name)
                .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "Missing " + name));
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid " + name + ": " + e.getMessage());
        }
    }

    /** {@code dir}: {@code f} (forwards) or {@code b}. */
    private static boolean forwards(String value) {
        return switch (value) {
            case "f" -> true;
            case "b" -> false;
            default -> throw new IllegalArgumentException("must be f or b");
        };
    }

    static int positive(String value) {
        int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException("must be at least 1");
        }
        return n;
    }

    /** A path parameter as an ID; a malformed one is a 400 {@code M_INVALID_PARAM}, never a 500. */
    static <T> T path(ServerRequest request, String name, Function<String, T> parser) {
        try {
            return parser.apply(request.pathVariable(name));
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid " + name + ": " + e.getMessage());
        }
    }
}
