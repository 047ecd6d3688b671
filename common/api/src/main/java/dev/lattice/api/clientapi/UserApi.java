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
 */
public interface UserApi extends AccessTokenQuery {

    /**
     * All of a local user's account data, global and per room, as stored now; empty for a user of another server or
     * one without any. The syncapi's initial {@code /sync} reads it.
     */
    Mono<List<AccountDataEntry>> queryAccountData(UserId userId);

    /**
     * One piece of a local user's account data as stored now, or empty when there is none. The syncapi reads it when
     * {@link AccountDataChanged} says it changed.
     *
     * @param roomId the room for per-room account data, empty for global account data
     */
    Mono<Optional<AccountDataEntry>> queryAccountData(UserId userId, Optional<RoomId> roomId, String type);
}
