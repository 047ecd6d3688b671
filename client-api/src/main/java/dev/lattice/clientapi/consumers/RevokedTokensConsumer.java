package dev.lattice.clientapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccessTokensRevoked;
import dev.lattice.api.clientapi.DevicesDeleted;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Tails {@code clientapi.output} in every client-api instance (no consumer group: each instance reads every record)
 * for the tokens revoked through any instance, {@link DevicesDeleted} and {@link AccessTokensRevoked}, and drops them
 * from this instance's cache of token lookups. The instance that revoked them dropped its own already, before it
 * answered; the others hear of it within the bus's latency. Other types, and newer versions, are skipped.
 */
public final class RevokedTokensConsumer {
    private static final Logger log = LoggerFactory.getLogger(RevokedTokensConsumer.class);

    private final ClientApiDatabase database;

    public RevokedTokensConsumer(ClientApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.fromRunnable(() -> {
            JsonObject envelope = CanonicalJson.parseObject(record.payload());
            String type = envelope.getString("type").orElse("");
            long version = envelope.getInteger("version").orElse(0L);
            switch (type) {
                case DevicesDeleted.TYPE -> {
                    if (understood(type, version, DevicesDeleted.VERSION)) {
                        DevicesDeleted deleted = BusJson.decode(record.payload(), DevicesDeleted.class);
                        database.forgetAccessTokens(
                                deleted.userId().localpart(),
                                deleted.deviceIds().stream()
                                        .map(DeviceId::value)
                                        .toList());
                    }
                }
                case AccessTokensRevoked.TYPE -> {
                    if (understood(type, version, AccessTokensRevoked.VERSION)) {
                        AccessTokensRevoked revoked = BusJson.decode(record.payload(), AccessTokensRevoked.class);
                        database.forgetAccessTokens(
                                revoked.userId().localpart(),
                                List.of(revoked.deviceId().value()));
                    }
                }
                default -> {
                    // account data and anything newer: not about tokens
                }
            }
        });
    }

    private static boolean understood(String type, long version, int known) {
        if (version > known) {
            log.info("clientapi.output {} record of version {} (newer than {}) skipped", type, version, known);
            return false;
        }
        return true;
    }
}
