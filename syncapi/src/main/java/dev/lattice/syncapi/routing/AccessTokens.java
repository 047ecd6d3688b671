package dev.lattice.syncapi.routing;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * <a href="https://spec.matrix.org/v1.19/client-server-api/#using-access-tokens">Access tokens</a>: from the
 * {@code Authorization: Bearer} header, or the deprecated {@code access_token} query parameter, checked by
 * client-api through {@link UserApi}. No token is {@code 401 M_MISSING_TOKEN}, an unknown one
 * {@code 401 M_UNKNOWN_TOKEN}.
 */
public final class AccessTokens {
    private static final String BEARER = "Bearer ";

    private final UserApi users;

    public AccessTokens(UserApi users) {
        this.users = requireNonNull(users, "users is null");
    }

    /** The device the request's access token belongs to. */
    public Mono<AuthenticatedDevice> authenticate(ServerRequest request) {
        Optional<String> token = token(request);
        if (token.isEmpty()) {
            return Mono.error(new MatrixException(ErrorCode.MISSING_TOKEN, "Missing access token"));
        }
        return users.queryAccessToken(token.get()).flatMap(device -> device.map(Mono::just).orElseGet(() ->
                Mono.error(new MatrixException(ErrorCode.UNKNOWN_TOKEN, "Unrecognised access token"))));
    }

    static Optional<String> token(ServerRequest request) {
        String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        if (header != null) {
            return header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? Optional.of(header.substring(BEARER.length()).trim()).filter(t -> !t.isEmpty())
                    : Optional.empty();
        }
        return request.queryParam("access_token").filter(t -> !t.isEmpty());
    }
}
