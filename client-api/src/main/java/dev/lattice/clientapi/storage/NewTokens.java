package dev.lattice.clientapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * Hashes of freshly issued tokens.
 *
 * @param accessHash SHA-256 of the access token
 * @param refreshHash SHA-256 of the refresh token, or null when none is issued
 * @param expiresTs when the access token expires, or null when it never does (no refresh token)
 */
public record NewTokens(byte[] accessHash, byte[] refreshHash, Long expiresTs) {
    public NewTokens {
        requireNonNull(accessHash, "accessHash is null");
        if ((refreshHash == null) != (expiresTs == null)) {
            throw new IllegalArgumentException("an expiring access token comes with a refresh token");
        }
    }
}
