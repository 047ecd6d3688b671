package dev.lattice.clientapi.routing;

import dev.lattice.clientapi.internal.Receipts;
import dev.lattice.clientapi.internal.Reports;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Read receipts and markers, and reports of events and rooms; access token.
 * <ul>
 *   <li>{@code POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidreceiptreceipttypeeventid">spec</a></li>
 *   <li>{@code POST /_matrix/client/v3/rooms/{roomId}/report/{eventId}} and {@code .../report} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidreporteventid">spec</a></li>
 *   <li>{@code POST /_matrix/client/v3/rooms/{roomId}/read_markers} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidread_markers">spec</a></li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class ReceiptRoutes {
    private static final String ROOM = "/_matrix/client/v3/rooms/{roomId}";

    @Bean
    RouterFunction<ServerResponse> receiptRouter(
            MatrixRouter router, JsonBodies bodies, AccessTokens accessTokens, Receipts receipts, Reports reports) {
        return router.builder()
                .POST(
                        ROOM + "/report/{eventId}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.readCanonicalObjectOrEmpty(request)
                                        .flatMap(body -> reports.reportEvent(
                                                device,
                                                request.pathVariable("roomId"),
                                                request.pathVariable("eventId"),
                                                body)))
                                .flatMap(Responses::ok))
                .POST(
                        ROOM + "/report",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.readCanonicalObjectOrEmpty(request)
                                        .flatMap(body ->
                                                reports.reportRoom(device, request.pathVariable("roomId"), body)))
                                .flatMap(Responses::ok))
                .POST(
                        ROOM + "/receipt/{receiptType}/{eventId}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.readCanonicalObjectOrEmpty(request)
                                        .flatMap(body -> receipts.receipt(
                                                device,
                                                request.pathVariable("roomId"),
                                                request.pathVariable("receiptType"),
                                                request.pathVariable("eventId"),
                                                body)))
                                .flatMap(Responses::ok))
                .POST(
                        ROOM + "/read_markers",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.readCanonicalObject(request)
                                        .flatMap(body ->
                                                receipts.readMarkers(device, request.pathVariable("roomId"), body)))
                                .flatMap(Responses::ok))
                .build();
    }
}
