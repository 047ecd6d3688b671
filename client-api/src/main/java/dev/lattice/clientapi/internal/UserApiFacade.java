package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.Pusher;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.clientapi.UserProfile;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.clientapi.storage.StoredDevice;
import dev.lattice.clientapi.storage.postgres.AccountDataTable;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import reactor.core.publisher.Mono;

/** The client-api's side of the {@link UserApi} contract, used directly in one process. */
public final class UserApiFacade implements UserApi {
    private final Sessions sessions;
    private final ClientApiDatabase database;
    private final OpenIdTokens openIdTokens;
    private final ServerName serverName;

    /** @param serverName this server's name: account data exists only for its users */
    public UserApiFacade(
            Sessions sessions, ClientApiDatabase database, OpenIdTokens openIdTokens, ServerName serverName) {
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.database = requireNonNull(database, "database is null");
        this.openIdTokens = requireNonNull(openIdTokens, "openIdTokens is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
    }

    @Override
    public Mono<Optional<AuthenticatedDevice>> queryAccessToken(String accessToken) {
        return sessions.queryAccessToken(accessToken);
    }

    @Override
    public Mono<List<AccountDataEntry>> queryAccountData(UserId userId) {
        if (!userId.serverName().equals(serverName)) {
            return Mono.just(List.of());
        }
        return database.allAccountData(userId.localpart())
                .map(rows -> Stream.concat(
                                Stream.of(pushRules(
                                        userId,
                                        rows.stream()
                                                .filter(UserApiFacade::isPushRules)
                                                .findFirst())),
                                rows.stream()
                                        .filter(row -> !isPushRules(row))
                                        .map(row -> new AccountDataEntry(
                                                room(row.roomId()), row.type(), row.contentJson(), row.streamId())))
                        .toList());
    }

    @Override
    public Mono<Optional<AccountDataEntry>> queryAccountData(UserId userId, Optional<RoomId> roomId, String type) {
        if (!userId.serverName().equals(serverName)) {
            return Mono.just(Optional.empty());
        }
        if (roomId.isEmpty() && type.equals(PushRules.ACCOUNT_DATA_TYPE)) {
            return database.accountDataRow(userId.localpart(), "", type)
                    .map(Optional::of)
                    .defaultIfEmpty(Optional.empty())
                    .map(row -> Optional.of(pushRules(userId, row)));
        }
        return database.accountDataRow(
                        userId.localpart(), roomId.map(RoomId::toString).orElse(""), type)
                .map(row -> Optional.of(new AccountDataEntry(roomId, type, row.contentJson(), row.streamId())))
                .defaultIfEmpty(Optional.empty());
    }

    @Override
    public Mono<List<DeviceId>> queryDeviceIds(UserId userId) {
        if (!userId.serverName().equals(serverName)) {
            return Mono.just(List.of());
        }
        return database.devices(userId.localpart())
                .map(device -> DeviceId.parse(device.deviceId()))
                .collectList();
    }

    @Override
    public Mono<Map<DeviceId, String>> queryDeviceDisplayNames(UserId userId) {
        if (!userId.serverName().equals(serverName)) {
            return Mono.just(Map.of());
        }
        return database.devices(userId.localpart())
                .filter(device -> device.displayName() != null)
                .collectMap(device -> DeviceId.parse(device.deviceId()), StoredDevice::displayName);
    }

    @Override
    public Mono<Optional<UserId>> queryOpenIdUser(String token) {
        return openIdTokens.owner(token);
    }

    @Override
    public Mono<Boolean> queryIsAdmin(UserId userId) {
        if (!userId.serverName().equals(serverName)) {
            return Mono.just(false);
        }
        return database.account(userId.localpart())
                .map(account -> account.isAdmin() && !account.deactivated())
                .defaultIfEmpty(false);
    }

    @Override
    public Mono<Optional<DeviceId>> queryDehydratedDevice(UserId userId) {
        if (!userId.serverName().equals(serverName)) {
            return Mono.just(Optional.empty());
        }
        return database.dehydratedDevice(userId.localpart())
                .map(device -> Optional.of(DeviceId.parse(device.deviceId())))
                .defaultIfEmpty(Optional.empty());
    }

    @Override
    public Mono<Set<RoomId>> queryForgottenRooms(UserId userId) {
        if (!userId.serverName().equals(serverName)) {
            return Mono.just(Set.of());
        }
        return database.forgottenRooms(userId.localpart())
                .map(rooms -> rooms.stream().map(RoomId::parse).collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * The push rules as global account data: the stored ones merged with the current server defaults
     * ({@link PushRules#merged}); the defaults alone, at stream ID 0, before the user changed any.
     */
    private static AccountDataEntry pushRules(UserId userId, Optional<AccountDataTable.Row> stored) {
        String content =
                PushRules.accountDataJson(PushRules.merged(userId, stored.map(AccountDataTable.Row::contentJson)));
        return new AccountDataEntry(
                Optional.empty(),
                PushRules.ACCOUNT_DATA_TYPE,
                content,
                stored.map(AccountDataTable.Row::streamId).orElse(0L));
    }

    private static boolean isPushRules(AccountDataTable.Row row) {
        return row.roomId().isEmpty() && row.type().equals(PushRules.ACCOUNT_DATA_TYPE);
    }

    /** The table keeps global account data under the empty room ID. */
    private static Optional<RoomId> room(String stored) {
        return stored.isEmpty() ? Optional.empty() : Optional.of(RoomId.parse(stored));
    }

    @Override
    public Mono<Optional<String>> queryFilter(UserId userId, String filterId) {
        if (!userId.serverName().equals(serverName)) {
            return Mono.just(Optional.empty());
        }
        long id;
        try {
            id = Long.parseLong(filterId);
        } catch (NumberFormatException notOurs) {
            return Mono.just(Optional.empty());
        }
        return database.filter(userId.localpart(), id).map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    @Override
    public Mono<List<Pusher>> queryPushers(UserId userId) {
        if (!userId.serverName().equals(serverName)) {
            return Mono.just(List.of());
        }
        return database.pushers(userId.localpart());
    }

    @Override
    public Mono<Set<UserId>> queryUsersWithPushers(Collection<UserId> userIds) {
        List<UserId> local = userIds.stream()
                .filter(user -> user.serverName().equals(serverName))
                .toList();
        return database.localpartsWithPushers(
                        local.stream().map(UserId::localpart).toList())
                .map(found -> local.stream()
                        .filter(user -> found.contains(user.localpart()))
                        .collect(Collectors.toSet()));
    }

    @Override
    public Mono<Optional<UserProfile>> queryProfile(UserId userId) {
        if (!userId.serverName().equals(serverName)) {
            return Mono.just(Optional.empty());
        }
        return database.profile(userId.localpart())
                .map(p -> Optional.of(new UserProfile(p.displayname(), p.avatarUrl())))
                .defaultIfEmpty(Optional.empty());
    }

    @Override
    public Mono<Optional<RoomId>> queryRoomAlias(RoomAliasId alias) {
        if (!alias.serverName().equals(serverName)) {
            return Mono.just(Optional.empty());
        }
        return database.roomOfAlias(alias.value())
                .map(room -> Optional.of(RoomId.parse(room)))
                .defaultIfEmpty(Optional.empty());
    }
}
