package dev.lattice.clientapi.routing;

import dev.lattice.clientapi.internal.Profiles;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * Profiles; reading needs no access token, changing needs one and only one's own profile.
 * <ul>
 *   <li>{@code GET /_matrix/client/v3/profile/{userId}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3profileuserid">spec</a></li>
 *   <li>{@code GET/PUT/DELETE /_matrix/client/v3/profile/{userId}/{keyName}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3profileuseridkeyname">spec</a></li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class ProfileRoutes {

    @Bean
    RouterFunction<ServerResponse> profileRouter(
            MatrixRouter router, JsonBodies bodies, AccessTokens accessTokens, Profiles profiles) {
        return router.builder()
                .GET(
                        "/_matrix/client/v3/profile/{userId}",
                        request ->
                                profiles.profile(request.pathVariable("userId")).flatMap(Responses::ok))
                .GET(
                        "/_matrix/client/v3/profile/{userId}/{keyName}",
                        request -> profiles.field(request.pathVariable("userId"), request.pathVariable("keyName"))
                                .flatMap(Responses::ok))
                .PUT(
                        "/_matrix/client/v3/profile/{userId}/{keyName}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.read(request, ObjectNode.class)
                                        .flatMap(body -> profiles.setField(
                                                device,
                                                request.pathVariable("userId"),
                                                request.pathVariable("keyName"),
                                                body)))
                                .flatMap(Responses::ok))
                .DELETE(
                        "/_matrix/client/v3/profile/{userId}/{keyName}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> profiles.deleteField(
                                        device, request.pathVariable("userId"), request.pathVariable("keyName")))
                                .flatMap(Responses::ok))
                .build();
    }
}
