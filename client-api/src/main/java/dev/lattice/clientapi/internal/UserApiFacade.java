package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** The client-api's side of the {@link UserApi} contract, used directly in one process. */
public final class UserApiFacade implements UserApi {
    private final Sessions sessions;

    public UserApiFacade(Sessions sessions) {
        this.sessions = requireNonNull(sessions, "sessions is null");
    }

    @Override
    public Mono<Optional<AuthenticatedDevice>> queryAccessToken(String accessToken) {
        return sessions.queryAccessToken(accessToken);
    }
}
