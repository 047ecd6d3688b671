package dev.lattice.api.clientapi;

import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * What every service asks the client-api about users: who an access token belongs to, and a user's account data.
 * Services authenticate requests through this contract (via {@code dev.lattice.runtime.http.AccessTokens}), never by
 * reading the client-api's tables. In one process the client-api's internal facade implements it; split deployments
 * will back it with an internal-HTTP client.
 *
 * <p>The account data queries have defaults that fail, only so that token-only test doubles can stay lambdas; every
 * real implementation overrides them.
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

    /**
     * All of a local user's account data, global and per room, as stored now; empty for a user of another server or
     * one without any. The syncapi's initial {@code /sync} reads it.
     */
    default Mono<List<AccountDataEntry>> queryAccountData(UserId userId) {
        return Mono.error(new UnsupportedOperationException("this UserApi does not serve account data"));
    }

    /**
     * One piece of a local user's account data as stored now, or empty when there is none. The syncapi reads it when
     * {@link AccountDataChanged} says it changed.
     *
     * @param roomId the room for per-room account data, empty for global account data
     */
    default Mono<Optional<AccountDataEntry>> queryAccountData(UserId userId, Optional<RoomId> roomId, String type) {
        return Mono.error(new UnsupportedOperationException("this UserApi does not serve account data"));
    }
}
