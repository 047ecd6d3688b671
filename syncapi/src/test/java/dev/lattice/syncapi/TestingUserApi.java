package dev.lattice.syncapi;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/** client-api's {@link UserApi} as a map of access tokens to devices. */
public final class TestingUserApi implements UserApi {
    private final Map<String, AuthenticatedDevice> tokens = new ConcurrentHashMap<>();

    /** Logs {@code user} in on {@code device}; returns the access token. */
    public String login(UserId user, String device) {
        String token = "token-" + UUID.randomUUID();
        tokens.put(token, new AuthenticatedDevice(user, DeviceId.parse(device), false, Optional.empty()));
        return token;
    }

    @Override
    public Mono<Optional<AuthenticatedDevice>> queryAccessToken(String accessToken) {
        return Mono.just(Optional.ofNullable(tokens.get(accessToken)));
    }
}
