package dev.lattice.clientapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccessTokensRevoked;
import dev.lattice.api.clientapi.DevicesDeleted;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Tails {@code clientapi.output} in every client-api instance (no consumer group: each instance reads every record)
 * for the tokens revoked through any instance, {@link DevicesDeleted} and {@link AccessTokensRevoked}, and drops them
 * from this instance's cache of token lookups. The instance that revoked them dropped its own already, before it
 * answered; the others hear of it within the bus's latency. Other types, and newer versions, are skipped.
 */
public final class RevokedTokensConsumer {
    private final ClientApiDatabase database;

    public RevokedTokensConsumer(ClientApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.fromRunnable(() -> {
            switch (BusJson.tree(record.payload()).path("type").asString("")) {
                case DevicesDeleted.TYPE ->
                    BusJson.decodeVersioned(record, DevicesDeleted.VERSION, DevicesDeleted.class)
                            .ifPresent(deleted -> database.forgetAccessTokens(
                                    deleted.userId().localpart(),
                                    deleted.deviceIds().stream()
                                            .map(DeviceId::value)
                                            .toList()));
                case AccessTokensRevoked.TYPE ->
                    BusJson.decodeVersioned(record, AccessTokensRevoked.VERSION, AccessTokensRevoked.class)
                            .ifPresent(revoked -> database.forgetAccessTokens(
                                    revoked.userId().localpart(),
                                    List.of(revoked.deviceId().value())));
                default -> {
                    // account data, and types added later: not about tokens
                }
            }
        });
    }
}
