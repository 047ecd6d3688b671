package dev.lattice.federationapi.storage;

import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.federation.ServerKeyResponse;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/** An in-memory {@link FederationApiDatabase} for tests of the logic above storage (the tables have their own ITs). */
public final class TestingFederationApiDatabase implements FederationApiDatabase {
    private final Map<String, StoredVerifyKey> keys = new ConcurrentHashMap<>();
    private final Map<ServerName, StoredKeyResponse> responses = new ConcurrentHashMap<>();

    @Override
    public Mono<Void> storeKeyResponse(ServerKeyResponse response, long fetchedTs, ServerName fetchedFrom) {
        return Mono.fromRunnable(() -> {
            for (VerifyKey key : response.verifyKeys().values()) {
                keys.put(response.serverName() + "/" + key.keyId(), new StoredVerifyKey(key, false));
            }
            for (VerifyKey key : response.oldVerifyKeys().values()) {
                keys.put(response.serverName() + "/" + key.keyId(), new StoredVerifyKey(key, true));
            }
            responses.put(
                    response.serverName(), new StoredKeyResponse(response.json(), response.validUntilTs(), fetchedTs));
        });
    }

    @Override
    public Mono<Optional<StoredVerifyKey>> selectVerifyKey(ServerName server, KeyId keyId) {
        return Mono.fromSupplier(() -> Optional.ofNullable(keys.get(server + "/" + keyId)));
    }

    @Override
    public Mono<Optional<StoredKeyResponse>> selectKeyResponse(ServerName server) {
        return Mono.fromSupplier(() -> Optional.ofNullable(responses.get(server)));
    }

    // Transactions and queues are tested against PostgreSQL only; the key tests never reach them.

    @Override
    public Mono<Optional<String>> receivedTransaction(ServerName origin, String txnId) {
        return Mono.error(new UnsupportedOperationException("not kept in memory"));
    }

    @Override
    public Mono<Void> storeReceivedTransaction(ServerName origin, String txnId, String responseJson, long receivedTs) {
        return Mono.error(new UnsupportedOperationException("not kept in memory"));
    }

    @Override
    public Mono<Void> queuePdu(List<ServerName> destinations, String eventId, String pduJson, long queuedTs) {
        return Mono.error(new UnsupportedOperationException("not kept in memory"));
    }

    @Override
    public Mono<List<Queued>> queuedPdus(ServerName destination, int limit) {
        return Mono.error(new UnsupportedOperationException("not kept in memory"));
    }

    @Override
    public Mono<Void> deleteQueuedPdus(ServerName destination, long upToSeq) {
        return Mono.error(new UnsupportedOperationException("not kept in memory"));
    }

    @Override
    public Mono<Void> queueEdu(List<ServerName> destinations, String key, String eduJson, long queuedTs) {
        return Mono.error(new UnsupportedOperationException("not kept in memory"));
    }

    @Override
    public Mono<List<Queued>> queuedEdus(ServerName destination, int limit) {
        return Mono.error(new UnsupportedOperationException("not kept in memory"));
    }

    @Override
    public Mono<Void> deleteQueuedEdus(ServerName destination, long upToSeq) {
        return Mono.error(new UnsupportedOperationException("not kept in memory"));
    }

    @Override
    public Mono<List<ServerName>> queuedDestinations() {
        return Mono.error(new UnsupportedOperationException("not kept in memory"));
    }
}
