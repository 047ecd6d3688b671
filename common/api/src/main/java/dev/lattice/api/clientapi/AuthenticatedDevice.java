package dev.lattice.api.clientapi;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import java.time.Instant;
import java.util.Optional;

/**
 * The owner of an access token.
 *
 * @param userId the user the token was issued to
 * @param deviceId the device the token belongs to
 * @param isGuest whether the user is a guest (always false while guest access is off)
 * @param expiresAt when the token expires; empty for tokens issued without a refresh token, which never expire
 */
public record AuthenticatedDevice(UserId userId, DeviceId deviceId, boolean isGuest, Optional<Instant> expiresAt) {
    public AuthenticatedDevice {
        requireNonNull(userId, "userId is null");
        requireNonNull(deviceId, "deviceId is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }

    /** Whether the token has expired at {@code now}. */
    public boolean isExpiredAt(Instant now) {
        return expiresAt.map(expiry -> !now.isBefore(expiry)).orElse(false);
    }
}
