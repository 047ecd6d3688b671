package dev.lattice.federationapi.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.VerifyKey;

/**
 * A stored key of another server.
 *
 * @param key the key, with its {@code valid_until_ts} (capped) or, when expired, its {@code expired_ts}
 * @param expired whether the owner lists it under {@code old_verify_keys}: good for old events, never for requests
 */
public record StoredVerifyKey(VerifyKey key, boolean expired) {
    public StoredVerifyKey {
        requireNonNull(key, "key is null");
    }
}
