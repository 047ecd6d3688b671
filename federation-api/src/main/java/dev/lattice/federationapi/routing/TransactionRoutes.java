package dev.lattice.federationapi.routing;

import dev.lattice.federationapi.internal.InboundJoins;
import dev.lattice.federationapi.internal.InboundTransactions;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
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

/** The authenticated room traffic between servers: transactions and joins. */
@Configuration(proxyBeanMethods = false)
public class TransactionRoutes {

    /**
     * {@code PUT /_matrix/federation/v1/send/{txnId}}
     *
     * @see <a href="https://spec.matrix.org/v1.19/server-server-api/#put_matrixfederationv1sendtxnid">spec</a>
     */
    @Bean
    RouterFunction<ServerResponse> transactionRouter(
            MatrixRouter router, FederationAuthFilter auth, InboundTransactions transactions, InboundJoins joins) {
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
                .build()
                .filter(auth);
    }

    private static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
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
