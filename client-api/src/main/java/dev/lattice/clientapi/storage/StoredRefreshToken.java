package dev.lattice.clientapi.storage;

import static java.util.Objects.requireNonNull;

/** A refresh token's owner; {@code previousHash} is the token it replaced, or null. */
public record StoredRefreshToken(String localpart, String deviceId, byte[] previousHash) {
    public StoredRefreshToken {
        requireNonNull(localpart, "localpart is null");
        requireNonNull(deviceId, "deviceId is null");
    }
}
