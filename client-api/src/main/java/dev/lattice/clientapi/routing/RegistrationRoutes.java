package dev.lattice.clientapi.routing;

import dev.lattice.clientapi.internal.AdminRegisterRequest;
import dev.lattice.clientapi.internal.RegisterRequest;
import dev.lattice.clientapi.internal.Registration;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Account creation.
 * <ul>
 *   <li>{@code POST /_matrix/client/v3/register} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3register">spec</a>; rate-limited</li>
 *   <li>{@code GET /_matrix/client/v3/register/available} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3registeravailable">spec</a>; rate-limited</li>
 *   <li>{@code GET /_matrix/client/v1/register/m.login.registration_token/validity} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1registermloginregistration_tokenvalidity">spec</a>; rate-limited</li>
 *   <li>{@code GET/POST /_synapse/admin/v1/register} — Synapse's shared-secret registration</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class RegistrationRoutes {

    @Bean
    RouterFunction<ServerResponse> registrationRouter(
            MatrixRouter router, JsonBodies bodies, Registration registration) {
        return router.builder()
                .POST(
                        "/_matrix/client/v3/register",
                        request -> bodies.read(request, RegisterRequest.class)
                                .flatMap(body -> registration.register(
                                        body, request.queryParam("kind").orElse("user"), Responses.clientIp(request)))
                                .flatMap(Responses::uia))
                .GET(
                        "/_matrix/client/v3/register/available",
                        request -> registration
                                .available(request.queryParam("username").orElse(null), Responses.clientIp(request))
                                .flatMap(Responses::ok))
                .GET(
                        "/_matrix/client/v1/register/m.login.registration_token/validity",
                        request -> registration
                                .tokenValidity(request.queryParam("token").orElse(null), Responses.clientIp(request))
                                .flatMap(Responses::ok))
                .GET(
                        "/_synapse/admin/v1/register",
                        request -> registration.adminNonce().flatMap(Responses::ok))
                .POST(
                        "/_synapse/admin/v1/register",
                        request -> bodies.read(request, AdminRegisterRequest.class)
                                .flatMap(registration::adminRegister)
                                .flatMap(Responses::ok))
                .build();
    }
}
