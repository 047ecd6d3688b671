package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.VerifyKey;

/**
 * A key the {@link KeyRing} knows.
 *
 * @param key the key with its validity (capped {@code valid_until_ts}, or {@code expired_ts} when retired)
 * @param retired whether its owner lists it under {@code old_verify_keys}: never valid for signing requests
 */
public record KeyRingKey(VerifyKey key, boolean retired) {
    public KeyRingKey {
        requireNonNull(key, "key is null");
    }
}
