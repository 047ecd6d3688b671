package dev.lattice.clientapi.routing;

import dev.lattice.clientapi.internal.OpenIdTokens;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.MatrixRouter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code POST /_matrix/client/v3/user/{userId}/openid/request_token} —
 * <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridopenidrequest_token">spec</a>.
 */
@Configuration(proxyBeanMethods = false)
public class OpenIdRoutes {

    @Bean
    RouterFunction<ServerResponse> openIdRouter(MatrixRouter router, AccessTokens accessTokens, OpenIdTokens tokens) {
        return router.builder()
                .POST(
                        "/_matrix/client/v3/user/{userId}/openid/request_token",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> tokens.request(device, request.pathVariable("userId")))
                                .flatMap(answer -> Responses.okRaw(CanonicalJson.encodeToString(answer))))
                .build();
    }
}
