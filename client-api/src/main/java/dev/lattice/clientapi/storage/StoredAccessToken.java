package dev.lattice.clientapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * An access token's owner.
 *
 * @param expiresTs when it expires, or null for a token that never does
 * @param refreshHash the refresh token issued with it, or null
 * @param previousRefreshHash the refresh token that its refresh token replaced and that its first use revokes, or null
 */
public record StoredAccessToken(
        String localpart, String deviceId, Long expiresTs, byte[] refreshHash, byte[] previousRefreshHash) {
    public StoredAccessToken {
        requireNonNull(localpart, "localpart is null");
        requireNonNull(deviceId, "deviceId is null");
    }
}
