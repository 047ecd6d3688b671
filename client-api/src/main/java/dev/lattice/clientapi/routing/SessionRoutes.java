package dev.lattice.clientapi.routing;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.clientapi.internal.LoginRequest;
import dev.lattice.clientapi.internal.Sessions;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Login and logout.
 * <ul>
 *   <li>{@code GET /_matrix/client/v3/login} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3login">spec</a></li>
 *   <li>{@code POST /_matrix/client/v3/login} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3login">spec</a>; rate-limited</li>
 *   <li>{@code POST /_matrix/client/v3/logout}, {@code /logout/all} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3logout">spec</a>; access token</li>
 *   <li>{@code POST /_matrix/client/v3/refresh} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3refresh">spec</a>; refresh token</li>
 *   <li>{@code GET /_matrix/client/v3/account/whoami} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3accountwhoami">spec</a>; access token</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class SessionRoutes {

    /** The body of {@code POST /refresh}. */
    record RefreshRequest(@JsonProperty("refresh_token") String refreshToken) {}

    @Bean
    RouterFunction<ServerResponse> sessionRouter(
            MatrixRouter router, JsonBodies bodies, AccessTokens accessTokens, Sessions sessions) {
        return router.builder()
                .GET("/_matrix/client/v3/login", request -> Responses.ok(sessions.loginFlows()))
                .POST(
                        "/_matrix/client/v3/login",
                        request -> bodies.read(request, LoginRequest.class)
                                .flatMap(body -> sessions.login(body, Responses.clientIp(request)))
                                .flatMap(Responses::ok))
                .POST(
                        "/_matrix/client/v3/logout",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(sessions::logout)
                                .flatMap(Responses::ok))
                .POST(
                        "/_matrix/client/v3/logout/all",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(sessions::logoutAll)
                                .flatMap(Responses::ok))
                .POST(
                        "/_matrix/client/v3/refresh",
                        request -> bodies.read(request, RefreshRequest.class)
                                .flatMap(body -> sessions.refresh(body.refreshToken()))
                                .flatMap(Responses::ok))
                .GET(
                        "/_matrix/client/v3/account/whoami",
                        request -> accessTokens
                                .authenticate(request)
                                .map(sessions::whoami)
                                .flatMap(Responses::ok))
                .build();
    }
}
