package dev.lattice.syncapi;

import dev.lattice.api.clientapi.AccountDataChanged;
import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.Pusher;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.clientapi.UserProfile;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/** client-api's {@link UserApi} as maps: access tokens to devices, and each user's account data. */
public final class TestingUserApi implements UserApi {
    private final Map<String, AuthenticatedDevice> tokens = new ConcurrentHashMap<>();
    /** Per user, the entries by (room, type), in the order first written. */
    private final Map<UserId, Map<String, AccountDataEntry>> accountData = new ConcurrentHashMap<>();

    private final AtomicLong streamIds = new AtomicLong();
    private final Map<UserId, Set<RoomId>> forgotten = new ConcurrentHashMap<>();

    /** Logs {@code user} in on {@code device}; returns the access token. */
    public String login(UserId user, String device) {
        String token = "token-" + UUID.randomUUID();
        tokens.put(token, new AuthenticatedDevice(user, DeviceId.parse(device), false, Optional.empty()));
        return token;
    }

    /**
     * Stores account data as the client-api would, at a new stream position, without announcing it (tests publish
     * the record).
     *
     * @return the {@link AccountDataChanged} record the client-api would publish for this write
     */
    public AccountDataChanged putAccountData(UserId user, Optional<RoomId> roomId, String type, String contentJson) {
        long streamId = streamIds.incrementAndGet();
        Map<String, AccountDataEntry> entries = accountData.computeIfAbsent(user, u -> new LinkedHashMap<>());
        synchronized (entries) {
            entries.put(key(roomId, type), new AccountDataEntry(roomId, type, contentJson, streamId));
        }
        return AccountDataChanged.of(user, roomId, type, streamId);
    }

    /** Marks a room forgotten by {@code user}, as {@code POST /rooms/{roomId}/forget} would. */
    public void forget(UserId user, RoomId room) {
        forgotten.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(room);
    }

    @Override
    public Mono<Set<RoomId>> queryForgottenRooms(UserId userId) {
        return Mono.just(Set.copyOf(forgotten.getOrDefault(userId, Set.of())));
    }

    @Override
    public Mono<Optional<AuthenticatedDevice>> queryAccessToken(String accessToken) {
        return Mono.just(Optional.ofNullable(tokens.get(accessToken)));
    }

    @Override
    public Mono<List<AccountDataEntry>> queryAccountData(UserId userId) {
        Map<String, AccountDataEntry> entries = accountData.getOrDefault(userId, Map.of());
        synchronized (entries) {
            return Mono.just(List.copyOf(new ArrayList<>(entries.values())));
        }
    }

    @Override
    public Mono<Optional<AccountDataEntry>> queryAccountData(UserId userId, Optional<RoomId> roomId, String type) {
        Map<String, AccountDataEntry> entries = accountData.getOrDefault(userId, Map.of());
        synchronized (entries) {
            return Mono.just(Optional.ofNullable(entries.get(key(roomId, type))));
        }
    }

    private static String key(Optional<RoomId> roomId, String type) {
        return roomId.map(RoomId::toString).orElse("") + "\u0000" + type;
    }

    /** The devices that logged in, as the client-api lists a user's devices. */
    @Override
    public Mono<List<DeviceId>> queryDeviceIds(UserId userId) {
        return Mono.just(tokens.values().stream()
                .filter(device -> device.userId().equals(userId))
                .map(AuthenticatedDevice::deviceId)
                .distinct()
                .sorted(java.util.Comparator.comparing(DeviceId::value))
                .toList());
    }

    /** None: OpenID tokens are the client-api's. */
    @Override
    public Mono<Optional<UserId>> queryOpenIdUser(String token) {
        return Mono.just(Optional.empty());
    }

    /** Nobody: the syncapi has no admin APIs. */
    @Override
    public Mono<Boolean> queryIsAdmin(UserId userId) {
        return Mono.just(false);
    }

    /** None: dehydrated devices are the client-api's. */
    @Override
    public Mono<Optional<DeviceId>> queryDehydratedDevice(UserId userId) {
        return Mono.just(Optional.empty());
    }

    /** No names: logins here name no device. */
    @Override
    public Mono<Map<DeviceId, String>> queryDeviceDisplayNames(UserId userId) {
        return Mono.just(Map.of());
    }

    private final Map<String, String> filters = new ConcurrentHashMap<>();

    /** Stores a filter of the user's, as the client-api's {@code POST /filter} does; its ID. */
    public String putFilter(UserId user, String filterJson) {
        String id = Integer.toString(filters.size() + 1);
        filters.put(user + "|" + id, filterJson);
        return id;
    }

    @Override
    public Mono<Optional<String>> queryFilter(UserId userId, String filterId) {
        return Mono.just(Optional.ofNullable(filters.get(userId + "|" + filterId)));
    }

    private final Map<UserId, List<Pusher>> pushers = new ConcurrentHashMap<>();

    /** Sets the user's pushers, as the client-api's {@code POST /pushers/set} would. */
    public void setPushers(UserId user, List<Pusher> list) {
        pushers.put(user, List.copyOf(list));
    }

    @Override
    public Mono<List<Pusher>> queryPushers(UserId userId) {
        return Mono.just(pushers.getOrDefault(userId, List.of()));
    }

    @Override
    public Mono<Set<UserId>> queryUsersWithPushers(Collection<UserId> userIds) {
        return Mono.just(userIds.stream()
                .filter(user -> !pushers.getOrDefault(user, List.of()).isEmpty())
                .collect(Collectors.toSet()));
    }

    // Profiles and aliases are client-api's; the services tested with this fake do not ask for them.

    @Override
    public Mono<Optional<UserProfile>> queryProfile(UserId userId) {
        return Mono.just(Optional.empty());
    }

    @Override
    public Mono<Optional<RoomId>> queryRoomAlias(RoomAliasId alias) {
        return Mono.just(Optional.empty());
    }
}
