package dev.lattice.syncapi;

import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/** client-api's {@link UserApi} as maps: access tokens to devices, and each user's account data. */
public final class TestingUserApi implements UserApi {
    private final Map<String, AuthenticatedDevice> tokens = new ConcurrentHashMap<>();
    /** Per user, the entries by (room, type), in the order first written. */
    private final Map<UserId, Map<String, AccountDataEntry>> accountData = new ConcurrentHashMap<>();

    /** Logs {@code user} in on {@code device}; returns the access token. */
    public String login(UserId user, String device) {
        String token = "token-" + UUID.randomUUID();
        tokens.put(token, new AuthenticatedDevice(user, DeviceId.parse(device), false, Optional.empty()));
        return token;
    }

    /** Stores account data as the client-api would (without announcing it: tests publish the record). */
    public void putAccountData(UserId user, Optional<RoomId> roomId, String type, String contentJson) {
        Map<String, AccountDataEntry> entries = accountData.computeIfAbsent(user, u -> new LinkedHashMap<>());
        synchronized (entries) {
            entries.put(key(roomId, type), new AccountDataEntry(roomId, type, contentJson));
        }
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
}
