package dev.lattice.keyserver.storage;

import static java.util.Objects.requireNonNull;

/**
 * A key a claim handed out.
 *
 * @param algorithm its algorithm
 * @param keyId its key ID (after the colon)
 * @param keyJson the key as canonical JSON
 * @param fallback whether it is the device's fallback key (no one-time key was left)
 */
public record ClaimedKey(String algorithm, String keyId, String keyJson, boolean fallback) {
    public ClaimedKey {
        requireNonNull(algorithm, "algorithm is null");
        requireNonNull(keyId, "keyId is null");
        requireNonNull(keyJson, "keyJson is null");
    }
}
