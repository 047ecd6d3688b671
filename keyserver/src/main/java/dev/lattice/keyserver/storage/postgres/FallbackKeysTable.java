package dev.lattice.keyserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.keyserver.storage.ClaimedKey;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import java.util.List;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code keyserver.fallback_keys}: one fallback key per device and algorithm. */
public final class FallbackKeysTable {
    private static final String UPSERT = "INSERT INTO keyserver.fallback_keys"
            + " (user_id, device_id, algorithm, key_id, key_json, used, uploaded_ts)"
            + " VALUES (:userId, :deviceId, :algorithm, :keyId, :keyJson, false, :now)"
            + " ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET key_id = excluded.key_id,"
            + " key_json = excluded.key_json, used = false, uploaded_ts = excluded.uploaded_ts"
            // Re-uploading the same key leaves it as it was (used or not), as Synapse does.
            + " WHERE fallback_keys.key_id <> excluded.key_id OR fallback_keys.key_json <> excluded.key_json";
    private static final String UNUSED = "SELECT algorithm FROM keyserver.fallback_keys"
            + " WHERE user_id = :userId AND device_id = :deviceId AND NOT used ORDER BY algorithm";
    private static final String CLAIM = "UPDATE keyserver.fallback_keys SET used = true"
            + " WHERE user_id = :userId AND device_id = :deviceId AND algorithm = :algorithm RETURNING key_id, key_json";

    private final DatabaseClient client;

    public FallbackKeysTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> upsert(UserId user, DeviceId device, String algorithm, String keyId, String json, long now) {
        return client.sql(UPSERT)
                .bind("userId", user.value())
                .bind("deviceId", device.value())
                .bind("algorithm", algorithm)
                .bind("keyId", keyId)
                .bind("keyJson", json)
                .bind("now", now)
                .then();
    }

    public Mono<List<String>> unusedAlgorithms(UserId user, DeviceId device) {
        return client.sql(UNUSED)
                .bind("userId", user.value())
                .bind("deviceId", device.value())
                .map(row -> row.get("algorithm", String.class))
                .all()
                .collectList();
    }

    /** The fallback key of the algorithm, now marked used; it stays for later claims. */
    public Mono<Optional<ClaimedKey>> claim(UserId user, DeviceId device, String algorithm) {
        return KeyClaims.claim(client, CLAIM, user, device, algorithm, true);
    }
}
