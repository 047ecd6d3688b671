package dev.lattice.keyserver.storage.postgres;

import dev.lattice.keyserver.storage.ClaimedKey;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** Runs a claim statement of the key tables: one device's key of one algorithm, {@code key_id} and {@code key_json}. */
final class KeyClaims {

    static Mono<Optional<ClaimedKey>> claim(
            DatabaseClient client, String sql, UserId user, DeviceId device, String algorithm, boolean fallback) {
        return client.sql(sql)
                .bind("userId", user.value())
                .bind("deviceId", device.value())
                .bind("algorithm", algorithm)
                .map(row -> new ClaimedKey(
                        algorithm, row.get("key_id", String.class), row.get("key_json", String.class), fallback))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    private KeyClaims() {}
}
