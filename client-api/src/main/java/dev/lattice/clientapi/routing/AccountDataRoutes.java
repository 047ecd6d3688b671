package dev.lattice.clientapi.routing;

import dev.lattice.clientapi.internal.AccountData;
import dev.lattice.clientapi.internal.Filters;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

/**
 * Per-user data under {@code /user/{userId}}: account data and filters; access token, own user only.
 * <ul>
 *   <li>{@code GET/PUT /_matrix/client/v3/user/{userId}/account_data/{type}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3useruseridaccount_datatype">spec</a></li>
 *   <li>{@code GET/PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3useruseridroomsroomidaccount_datatype">spec</a></li>
 *   <li>{@code POST /_matrix/client/v3/user/{userId}/filter} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridfilter">spec</a></li>
 *   <li>{@code GET /_matrix/client/v3/user/{userId}/filter/{filterId}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3useruseridfilterfilterid">spec</a></li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class AccountDataRoutes {
    private static final String USER = "/_matrix/client/v3/user/{userId}";

    @Bean
    RouterFunction<ServerResponse> userDataRouter(
            MatrixRouter router,
            JsonBodies bodies,
            AccessTokens accessTokens,
            AccountData accountData,
            Filters filters) {
        return router.builder()
                .GET(USER + "/account_data/{type}", request -> getAccountData(accessTokens, accountData, request, null))
                .PUT(
                        USER + "/account_data/{type}",
                        request -> putAccountData(bodies, accessTokens, accountData, request, null))
                .GET(
                        USER + "/rooms/{roomId}/account_data/{type}",
                        request -> getAccountData(accessTokens, accountData, request, request.pathVariable("roomId")))
                .PUT(
                        USER + "/rooms/{roomId}/account_data/{type}",
                        request -> putAccountData(
                                bodies, accessTokens, accountData, request, request.pathVariable("roomId")))
                .POST(
                        USER + "/filter",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.read(request, ObjectNode.class)
                                        .flatMap(filter ->
                                                filters.create(device, request.pathVariable("userId"), filter)))
                                .flatMap(Responses::ok))
                .GET(
                        USER + "/filter/{filterId}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> filters.get(
                                        device, request.pathVariable("userId"), request.pathVariable("filterId")))
                                .flatMap(Responses::okRaw))
                .build();
    }

    private static Mono<ServerResponse> getAccountData(
            AccessTokens accessTokens, AccountData accountData, ServerRequest request, String roomId) {
        return accessTokens
                .authenticate(request)
                .flatMap(device ->
                        accountData.get(device, request.pathVariable("userId"), roomId, request.pathVariable("type")))
                .flatMap(Responses::okRaw);
    }

    private static Mono<ServerResponse> putAccountData(
            JsonBodies bodies,
            AccessTokens accessTokens,
            AccountData accountData,
            ServerRequest request,
            String roomId) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> bodies.read(request, ObjectNode.class)
                        .flatMap(content -> accountData.put(
                                device, request.pathVariable("userId"), roomId, request.pathVariable("type"), content)))
                .flatMap(Responses::ok);
    }
}
