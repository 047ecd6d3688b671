package dev.lattice.clientapi.routing;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.clientapi.internal.AccountManagement;
import dev.lattice.clientapi.internal.AuthData;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Password and deactivation, both behind user-interactive authentication.
 * <ul>
 *   <li>{@code POST /_matrix/client/v3/account/password} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountpassword">spec</a></li>
 *   <li>{@code POST /_matrix/client/v3/account/deactivate} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountdeactivate">spec</a></li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class AccountRoutes {

    /** The body of {@code POST /account/password}. */
    record PasswordRequest(
            @JsonProperty("auth") AuthData auth,
            @JsonProperty("new_password") String newPassword,
            @JsonProperty("logout_devices") Boolean logoutDevices) {}

    /** The body of {@code POST /account/deactivate}; {@code erase} and {@code id_server} change nothing here. */
    record DeactivateRequest(@JsonProperty("auth") AuthData auth) {}

    @Bean
    RouterFunction<ServerResponse> accountRouter(
            MatrixRouter router, JsonBodies bodies, AccessTokens accessTokens, AccountManagement accounts) {
        return router.builder()
                .POST(
                        "/_matrix/client/v3/account/password",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.read(request, PasswordRequest.class)
                                        .flatMap(body -> accounts.changePassword(
                                                device, body.newPassword(), body.logoutDevices(), body.auth())))
                                .flatMap(Responses::uia))
                .POST(
                        "/_matrix/client/v3/account/deactivate",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> Responses.optionalBody(
                                                bodies, request, DeactivateRequest.class, new DeactivateRequest(null))
                                        .flatMap(body -> accounts.deactivate(device, body.auth())))
                                .flatMap(Responses::uia))
                .build();
    }
}
