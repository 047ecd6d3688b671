package dev.lattice.api.clientapi;

import java.util.Optional;
import reactor.core.publisher.Mono;

/** Who an access token belongs to: the one question every service's request authentication asks (see {@link UserApi}). */
@FunctionalInterface
public interface AccessTokenQuery {

    /**
     * The device an access token was issued to, or empty when the token is unknown or revoked. An expired token is
     * still returned, with {@link AuthenticatedDevice#expiresAt()} in the past, so callers can answer
     * {@code soft_logout: true}; {@link AuthenticatedDevice#isExpiredAt} tells.
     *
     * @param accessToken the token exactly as the client sent it
     */
    Mono<Optional<AuthenticatedDevice>> queryAccessToken(String accessToken);
}
