package dev.lattice.api.clientapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;

/**
 * Access tokens of a device that still exists were revoked: a refresh token was rotated (the tokens issued with it
 * and with the one it replaced), or the first use of a new access token revoked the refresh token it replaced.
 * Published on {@code clientapi.output} through the client-api's outbox in the revoking transaction. A deleted device's
 * tokens are announced by {@link DevicesDeleted} instead.
 *
 * <p>Consumers: every client-api instance drops the device's tokens from its cache of token lookups, so a token
 * revoked through one instance is not still honoured by another. Nothing else needs it.
 *
 * @param version the payload version, {@link #VERSION}
 * @param userId whose device; also the record key
 * @param deviceId the device whose tokens were revoked
 */
public record AccessTokensRevoked(
        int version,
        @JsonProperty("user_id") UserId userId,
        @JsonProperty("device_id") DeviceId deviceId) implements ClientApiOutput {

    /** The discriminator value. */
    public static final String TYPE = "access_tokens_revoked";
    /** The current payload version. */
    public static final int VERSION = 1;

    public AccessTokensRevoked {
        requireNonNull(userId, "userId is null");
        requireNonNull(deviceId, "deviceId is null");
    }

    public static AccessTokensRevoked of(UserId userId, DeviceId deviceId) {
        return new AccessTokensRevoked(VERSION, userId, deviceId);
    }
}
