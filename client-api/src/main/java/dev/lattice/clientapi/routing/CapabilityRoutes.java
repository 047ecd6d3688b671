package dev.lattice.clientapi.routing;

import dev.lattice.clientapi.internal.Capabilities;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.MatrixRouter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /_matrix/client/v3/capabilities} —
 * <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3capabilities">spec</a>; access token.
 */
@Configuration(proxyBeanMethods = false)
public class CapabilityRoutes {

    @Bean
    RouterFunction<ServerResponse> capabilitiesRouter(
            MatrixRouter router, AccessTokens accessTokens, Capabilities capabilities) {
        return router.builder()
                .GET(
                        "/_matrix/client/v3/capabilities",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> Responses.ok(capabilities.capabilities())))
                .build();
    }
}
