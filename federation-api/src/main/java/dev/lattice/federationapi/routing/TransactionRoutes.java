package dev.lattice.federationapi.routing;

import dev.lattice.federationapi.internal.InboundInvites;
import dev.lattice.federationapi.internal.InboundJoins;
import dev.lattice.federationapi.internal.InboundReads;
import dev.lattice.federationapi.internal.InboundTransactions;
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
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
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
            InboundInvites invites) {
        return router.builder()
                .PUT(
                        "/_matrix/federation/v1/send/{txnId}",
                        request -> Mono.defer(() -> transactions.receive(
                                        FederationAuthFilter.origin(request),
                                        request.pathVariable("txnId"),
                                        FederationAuthFilter.content(request)))
                                .flatMap(TransactionRoutes::ok))
                .GET(
                        "/_matrix/federation/v1/make_join/{roomId}/{userId}",
                        request -> Mono.defer(() -> joins.makeJoin(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "userId", UserId::parse),
                                        request.queryParams().getOrDefault("ver", List.of())))
                                .flatMap(TransactionRoutes::ok))
                .PUT(
                        "/_matrix/federation/v2/send_join/{roomId}/{eventId}",
                        request -> Mono.defer(() -> joins.sendJoin(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "eventId", EventId::parse),
                                        FederationAuthFilter.content(request)))
                                .flatMap(TransactionRoutes::ok))
                .GET(
                        "/_matrix/federation/v1/make_leave/{roomId}/{userId}",
                        request -> Mono.defer(() -> joins.makeLeave(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "userId", UserId::parse)))
                                .flatMap(TransactionRoutes::ok))
                .PUT(
                        "/_matrix/federation/v2/send_leave/{roomId}/{eventId}",
                        request -> Mono.defer(() -> joins.sendLeave(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "eventId", EventId::parse),
                                        FederationAuthFilter.content(request)))
                                .flatMap(TransactionRoutes::ok))
                .PUT(
                        "/_matrix/federation/v2/invite/{roomId}/{eventId}",
                        request -> Mono.defer(() -> invites.invite(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "eventId", EventId::parse),
                                        FederationAuthFilter.content(request)))
                                .flatMap(TransactionRoutes::ok))
                .GET(
                        "/_matrix/federation/v1/event/{eventId}",
                        request -> Mono.defer(() -> reads.event(
                                        FederationAuthFilter.origin(request), path(request, "eventId", EventId::parse)))
                                .flatMap(TransactionRoutes::ok))
                .GET(
                        "/_matrix/federation/v1/state_ids/{roomId}",
                        request -> Mono.defer(() -> reads.stateIds(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        query(request, "event_id", EventId::parse)))
                                .flatMap(TransactionRoutes::ok))
                .GET(
                        "/_matrix/federation/v1/state/{roomId}",
                        request -> Mono.defer(() -> reads.state(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        query(request, "event_id", EventId::parse)))
                                .flatMap(TransactionRoutes::ok))
                .GET(
                        "/_matrix/federation/v1/event_auth/{roomId}/{eventId}",
                        request -> Mono.defer(() -> reads.eventAuth(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        path(request, "eventId", EventId::parse)))
                                .flatMap(TransactionRoutes::ok))
                .POST(
                        "/_matrix/federation/v1/get_missing_events/{roomId}",
                        request -> Mono.defer(() -> reads.missingEvents(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        FederationAuthFilter.content(request)))
                                .flatMap(TransactionRoutes::ok))
                .GET(
                        "/_matrix/federation/v1/backfill/{roomId}",
                        request -> Mono.defer(() -> reads.backfill(
                                        FederationAuthFilter.origin(request),
                                        path(request, "roomId", RoomId::parse),
                                        request.queryParams().getOrDefault("v", List.of()),
                                        query(request, "limit", TransactionRoutes::positive)))
                                .flatMap(TransactionRoutes::ok))
                .GET(
                        "/_matrix/federation/v1/query/profile",
                        request -> Mono.defer(() -> reads.profile(
                                        query(request, "user_id", UserId::parse), request.queryParam("field")))
                                .flatMap(TransactionRoutes::ok))
                .GET(
                        "/_matrix/federation/v1/query/directory",
                        request -> Mono.defer(() -> reads.directory(query(request, "room_alias", RoomAliasId::parse)))
                                .flatMap(TransactionRoutes::ok))
                .build()
                .filter(auth);
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

    private static int positive(String value) {
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
