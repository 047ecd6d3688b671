package dev.lattice.federationapi.storage;

import dev.lattice.protocol.federation.ServerKeyResponse;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Everything the federation-api stores: other servers' signing keys, received transactions, outbound queues. */
public interface FederationApiDatabase {

    /**
     * Stores a verified key response: its keys (a key now under {@code old_verify_keys} becomes expired; keys the
     * response no longer lists stay as they were) and the response itself, replacing an older one of that server.
     *
     * @param fetchedFrom the server that answered (the owner or a notary)
     */
    Mono<Void> storeKeyResponse(ServerKeyResponse response, long fetchedTs, ServerName fetchedFrom);

    /** A stored key of {@code server}, with the validity stored for it; empty if unknown. */
    Mono<Optional<StoredVerifyKey>> selectVerifyKey(ServerName server, KeyId keyId);

    /** The newest stored response of {@code server}; empty if none was ever fetched. */
    Mono<Optional<StoredKeyResponse>> selectKeyResponse(ServerName server);

    /** The answer given to {@code origin}'s transaction {@code txnId}; empty if it was never received. */
    Mono<Optional<String>> receivedTransaction(ServerName origin, String txnId);

    /** Records the answer to a transaction; a second answer to the same one is ignored. */
    Mono<Void> storeReceivedTransaction(ServerName origin, String txnId, String responseJson, long receivedTs);

    /** Queues a PDU for each destination, once per destination and event however often it is queued. */
    Mono<Void> queuePdu(List<ServerName> destinations, String eventId, String pduJson, long queuedTs);

    /** The oldest {@code limit} PDUs queued for {@code destination}. */
    Mono<List<Queued>> queuedPdus(ServerName destination, int limit);

    /** Removes {@code destination}'s queued PDUs up to {@code upToSeq}: they were delivered. */
    Mono<Void> deleteQueuedPdus(ServerName destination, long upToSeq);

    /**
     * Queues an EDU that must not be lost for each destination, once per destination and {@code key} however often
     * it is queued.
     */
    Mono<Void> queueEdu(List<ServerName> destinations, String key, String eduJson, long queuedTs);

    /** The oldest {@code limit} EDUs queued for {@code destination}. */
    Mono<List<Queued>> queuedEdus(ServerName destination, int limit);

    /** Removes {@code destination}'s queued EDUs up to {@code upToSeq}: they were delivered. */
    Mono<Void> deleteQueuedEdus(ServerName destination, long upToSeq);

    /** Every destination with PDUs or EDUs waiting. */
    Mono<List<ServerName>> queuedDestinations();
}
