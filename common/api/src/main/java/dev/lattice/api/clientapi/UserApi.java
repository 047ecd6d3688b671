package dev.lattice.api.clientapi;

import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * What every service asks the client-api about users: who an access token belongs to. Services authenticate
 * requests through this contract (via {@code dev.lattice.runtime.http.AccessTokens}), never by reading the
 * client-api's tables. In one process the client-api's internal facade implements it; split deployments will
 * back it with an internal-HTTP client.
 */
public interface UserApi {

    /**
     * The device an access token was issued to, or empty when the token is unknown or revoked. An expired token is
     * still returned, with {@link AuthenticatedDevice#expiresAt()} in the past, so callers can answer
     * {@code soft_logout: true}; {@link AuthenticatedDevice#isExpiredAt} tells.
     *
     * @param accessToken the token exactly as the client sent it
     */
    Mono<Optional<AuthenticatedDevice>> queryAccessToken(String accessToken);
}
