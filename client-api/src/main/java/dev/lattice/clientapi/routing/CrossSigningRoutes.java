package dev.lattice.clientapi.routing;

import dev.lattice.clientapi.internal.CrossSigningUpload;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Cross-signing keys upload, the one {@code /keys} endpoint served here because it needs user-interactive
 * authentication (the keyserver serves the rest).
 * <ul>
 *   <li>{@code POST /_matrix/client/v3/keys/device_signing/upload} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysdevice_signingupload">spec</a></li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class CrossSigningRoutes {

    @Bean
    RouterFunction<ServerResponse> crossSigningRouter(
            MatrixRouter router, JsonBodies bodies, AccessTokens accessTokens, CrossSigningUpload upload) {
        return router.builder()
                .POST(
                        "/_matrix/client/v3/keys/device_signing/upload",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.readCanonicalObjectOrEmpty(request)
                                        .flatMap(body -> upload.upload(device, body)))
                                .flatMap(Responses::uia))
                .build();
    }
}
