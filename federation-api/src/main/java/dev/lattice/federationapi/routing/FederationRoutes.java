package dev.lattice.federationapi.routing;

import dev.lattice.api.clientapi.UserApi;
import dev.lattice.federationapi.internal.KeyRing;
import dev.lattice.federationapi.internal.ServerKeys;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.http.MatrixRouter;
import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The federation endpoints this service answers so far. */
@Configuration(proxyBeanMethods = false)
public class FederationRoutes {
    static final String SERVER_SOFTWARE = "Lattice";

    @Bean
    RouterFunction<ServerResponse> federationRouter(
            MatrixRouter router, ServerKeys keys, KeyRing keyRing, ObjectProvider<UserApi> users) {
        KeyRoutes notary = new KeyRoutes(keyRing, Clock.systemUTC());
        return router.builder()
                .GET("/_matrix/federation/v1/version", request -> version())
                .GET("/_matrix/federation/v1/openid/userinfo", request -> userInfo(users.getObject(), request))
                .GET("/_matrix/key/v2/server", request -> serverKeys(keys))
                .GET("/_matrix/key/v2/query/{serverName}", notary::queryOne)
                .POST("/_matrix/key/v2/query", notary::queryMany)
                .build();
    }

    /**
     * {@code GET /_matrix/federation/v1/version}
     *
     * @see <a href="https://spec.matrix.org/v1.19/server-server-api/#get_matrixfederationv1version">spec</a>
     */
    private static Mono<ServerResponse> version() {
        String version = FederationRoutes.class.getPackage().getImplementationVersion();
        return json(Map.of("server", Map.of("name", SERVER_SOFTWARE, "version", version != null ? version : "dev")));
    }

    /**
     * {@code GET /_matrix/federation/v1/openid/userinfo}: whose an OpenID token is. Not {@code X-Matrix}
     * authenticated: the third party asking need not be a homeserver. An unknown, expired or missing token is 401
     * {@code M_UNKNOWN_TOKEN}.
     *
     * @see <a href="https://spec.matrix.org/v1.19/server-server-api/#get_matrixfederationv1openiduserinfo">spec</a>
     */
    private static Mono<ServerResponse> userInfo(UserApi users, ServerRequest request) {
        MatrixException unknown = new MatrixException(ErrorCode.UNKNOWN_TOKEN, "Unknown or expired OpenID token");
        return Mono.justOrEmpty(request.queryParam("access_token"))
                .flatMap(users::queryOpenIdUser)
                .flatMap(Mono::justOrEmpty)
                .switchIfEmpty(Mono.error(unknown))
                .flatMap(user -> json(Map.of("sub", user.value())));
    }

    /**
     * {@code GET /_matrix/key/v2/server}: this server's keys, signed by itself.
     *
     * @see <a href="https://spec.matrix.org/v1.19/server-server-api/#get_matrixkeyv2server">spec</a>
     */
    private static Mono<ServerResponse> serverKeys(ServerKeys keys) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(keys.signedServerKeys());
    }

    private static Mono<ServerResponse> json(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }
}
