package dev.lattice.federationapi.storage;

import dev.lattice.protocol.federation.ServerKeyResponse;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Everything the federation-api stores: so far, other servers' signing keys. */
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
}
