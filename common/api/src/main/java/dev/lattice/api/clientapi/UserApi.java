package dev.lattice.api.clientapi;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * What every service asks the client-api about users: who an access token belongs to, a user's account data, and
 * the rooms they forgot.
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

    /**
     * The rooms a local user forgot ({@code POST /rooms/{roomId}/forget}) and has not joined again since; empty for a
     * user of another server. The syncapi leaves them out of {@code /sync}'s {@code leave} section and answers reads
     * of their history as for a room the user was never in.
     */
    Mono<Set<RoomId>> queryForgottenRooms(UserId userId);

    /**
     * The IDs of a local user's devices; empty for a user of another server or one without devices. The syncapi
     * sends a to-device message addressed to {@code *} to each of them.
     */
    Mono<List<DeviceId>> queryDeviceIds(UserId userId);

    /**
     * The display names of a local user's devices that have one, for {@code unsigned.device_display_name} in
     * {@code /keys/query}; empty for a user of another server.
     */
    Mono<Map<DeviceId, String>> queryDeviceDisplayNames(UserId userId);

    /** The user an unexpired OpenID token was issued to, for federation {@code /openid/userinfo}; empty if none. */
    Mono<Optional<UserId>> queryOpenIdUser(String token);

    /**
     * Whether the user is a server administrator (shared-secret registration with {@code admin}); false for an
     * unknown user or another server's. The admin APIs ({@code /_synapse/admin/**}) of every service ask it.
     */
    Mono<Boolean> queryIsAdmin(UserId userId);

    /** The local user's dehydrated device (MSC3814), whose to-device messages the syncapi serves; empty if none. */
    Mono<Optional<DeviceId>> queryDehydratedDevice(UserId userId);

    /**
     * A filter the user uploaded ({@code POST /user/{userId}/filter}), as JSON text; empty when the user has no filter
     * of that ID (or is of another server). The syncapi reads {@code /sync?filter=<id>} through it.
     */
    Mono<Optional<String>> queryFilter(UserId userId, String filterId);

    /** The pushers a local user set; empty for a user of another server. The syncapi pushes notifications to them. */
    Mono<List<Pusher>> queryPushers(UserId userId);

    /**
     * Which of these users have at least one pusher, in one query: the syncapi queues pushes only for them. Users of
     * other servers have none.
     */
    Mono<Set<UserId>> queryUsersWithPushers(Collection<UserId> userIds);

    /** The profile of a local user; empty when there is no such user (or it is not local). */
    Mono<Optional<UserProfile>> queryProfile(UserId userId);

    /** The room a local alias points at; empty when the alias is unknown (or not local). */
    Mono<Optional<RoomId>> queryRoomAlias(RoomAliasId alias);
}
