package dev.lattice.api.clientapi;

import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * What client-api answers other services about users. Every service that serves client endpoints authenticates
 * access tokens through it, never through client-api's tables.
 */
public interface UserApi {

    /** The device an access token belongs to; empty when the token is unknown, expired or revoked. */
    Mono<Optional<AuthenticatedDevice>> queryAccessToken(String accessToken);
}
