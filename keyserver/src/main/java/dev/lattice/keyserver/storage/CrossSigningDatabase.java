package dev.lattice.keyserver.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.UserId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Cross-signing keys and the signatures uploaded for them and for devices. */
public interface CrossSigningDatabase {

    /** A stored signature: {@code signer}'s key {@code signerKeyId} signed {@code target}'s key or device. */
    record Signature(UserId target, String targetKeyId, UserId signer, String signerKeyId, String signature) {
        public Signature {
            requireNonNull(target, "target is null");
            requireNonNull(targetKeyId, "targetKeyId is null");
            requireNonNull(signer, "signer is null");
            requireNonNull(signerKeyId, "signerKeyId is null");
            requireNonNull(signature, "signature is null");
        }
    }

    /** The users' cross-signing keys: user → usage → key JSON. Users without any are left out. */
    Mono<Map<UserId, Map<String, String>>> keys(Collection<UserId> users);

    /**
     * Replaces the user's keys of the given usages (usage → key JSON, public key) in one transaction and announces the
     * change on {@code keyserver.output}.
     */
    Mono<Void> storeKeys(UserId user, Map<String, Map.Entry<String, String>> keys, long now);

    /** Stores signatures in one transaction, announcing a change for each target user. */
    Mono<Void> storeSignatures(List<Signature> signatures);

    /** The signatures on these users' keys and devices. */
    Mono<List<Signature>> signatures(Collection<UserId> targets);
}
