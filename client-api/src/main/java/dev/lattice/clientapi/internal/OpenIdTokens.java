package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * OpenID tokens: a user proves who they are to a third party (a widget, Element Call's media service), which checks
 * the token with this server through federation {@code GET /openid/userinfo}. A token says nothing but the user ID
 * and lasts an hour; only its hash is stored.
 */
public final class OpenIdTokens {
    static final Duration LIFETIME = Duration.ofHours(1);

    private final ClientApiDatabase database;
    private final ServerName serverName;
    private final Clock clock;

    public OpenIdTokens(ClientApiDatabase database, ServerName serverName, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * {@code POST /user/{userId}/openid/request_token}: a new token for the caller, who must be {@code userId} (403
     * {@code M_FORBIDDEN} otherwise, as Synapse).
     */
    public Mono<JsonObject> request(AuthenticatedDevice caller, String userId) {
        try {
            if (!UserId.parse(userId).equals(caller.userId())) {
                return Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "Cannot request tokens for other users"));
            }
        } catch (InvalidIdException e) {
            return Mono.error(new MatrixException(ErrorCode.INVALID_PARAM, "Invalid user ID " + userId));
        }
        String token = Secrets.newToken();
        long now = clock.millis();
        return database.storeOpenIdToken(
                        Secrets.sha256(token), caller.userId().localpart(), now + LIFETIME.toMillis(), now)
                .thenReturn(JsonObject.EMPTY
                        .with("access_token", JsonString.of(token))
                        .with("token_type", JsonString.of("Bearer"))
                        .with("matrix_server_name", JsonString.of(serverName.value()))
                        .with("expires_in", JsonInteger.of(LIFETIME.toSeconds())));
    }

    /** The user an unexpired token was issued to; empty for any other string. */
    public Mono<Optional<UserId>> owner(String token) {
        return database.openIdTokenOwner(Secrets.sha256(token), clock.millis())
                .map(localpart -> Optional.of(UserId.of(localpart, serverName)))
                .defaultIfEmpty(Optional.empty());
    }
}
